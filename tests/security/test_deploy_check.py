"""`manage.py check --deploy` is clean with production variables (DEBUG off, a real secret key, a host)."""

import os
import secrets
import string
import subprocess
import sys
from pathlib import Path

from django.conf import settings


def test_check_deploy_has_no_warnings():
    key = "".join(secrets.choice(string.ascii_letters + string.digits + "!@#%^&*(-_=+)") for _ in range(50))
    env = {
        # Not the test process's own Django variables (the browser tests set DJANGO_ALLOW_ASYNC_UNSAFE).
        **{
            k: v
            for k, v in os.environ.items()
            if not k.startswith("DJANGO_") and k not in ("DATABASE_URL", "CELERY_BROKER_URL")
        },
        "DJANGO_SETTINGS_MODULE": "exporter_portal.settings",
        "DEBUG": "false",
        "SECRET_KEY": key,
        "ALLOWED_HOSTS": "x",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=Path(settings.BASE_DIR),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
