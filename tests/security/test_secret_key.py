"""SECRET_KEY: production (DEBUG off) refuses to start without one; no key published in the repository signs
anything (development makes its own, kept in var/); the deploy check and docker-compose pass one."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from exporter_portal.settings import secret_key

ROOT = Path(settings.BASE_DIR)


def _clean_env(**extra) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("DJANGO_") and k not in ("DATABASE_URL", "CELERY_BROKER_URL", "SECRET_KEY")
    }
    return {**env, "DJANGO_SETTINGS_MODULE": "exporter_portal.settings", **extra}


def test_production_without_secret_key_refuses_to_start():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env=_clean_env(DEBUG="false", ALLOWED_HOSTS="x"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY is not set" in result.stderr


@pytest.mark.parametrize("value", ["", "   "])
def test_an_empty_key_is_no_key(value):
    with pytest.raises(ImproperlyConfigured):
        secret_key(debug=False, environ={"SECRET_KEY": value})


def test_the_environment_key_is_used():
    assert secret_key(debug=False, environ={"SECRET_KEY": "k" * 60}) == "k" * 60


def test_development_makes_its_own_private_key_once(tmp_path):
    path = tmp_path / "var" / "dev-secret-key"
    first = secret_key(debug=True, environ={}, dev_key_file=path)
    assert len(first) >= 50
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert secret_key(debug=True, environ={}, dev_key_file=path) == first  # sessions survive a restart
    assert secret_key(debug=True, environ={}, dev_key_file=tmp_path / "other") != first


def test_no_published_key_in_the_settings():
    source = (ROOT / "exporter_portal" / "settings.py").read_text()
    assert "dev-insecure-key" not in source
    assert "dev-insecure-key" not in settings.SECRET_KEY
    assert "var/" in (ROOT / ".gitignore").read_text().split()


def test_ci_deploy_check_and_docker_compose_pass_a_key():
    assert 'DEBUG=false SECRET_KEY="ci-' in (ROOT / ".ci" / "run").read_text()
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    app = compose["x-app"]["environment"]
    assert app["DEBUG"] == "false"
    assert app["SECRET_KEY"] == "${SECRET_KEY:?set SECRET_KEY}"  # compose itself refuses to start without it
