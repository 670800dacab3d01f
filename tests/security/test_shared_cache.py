"""CACHE_URL puts the cache (and with it the API rate limits) in Redis, shared by every web process."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _cache_backend(env_extra: dict) -> str:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "exporter_portal.settings", **env_extra}
    if "CACHE_URL" not in env_extra:
        env.pop("CACHE_URL", None)
    code = "import django; django.setup(); from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_cache_url_selects_redis():
    assert (
        _cache_backend({"CACHE_URL": "redis://127.0.0.1:6379/8"})
        == "django.core.cache.backends.redis.RedisCache"
    )


def test_without_cache_url_the_process_local_default_stays():
    assert _cache_backend({}) == "django.core.cache.backends.locmem.LocMemCache"
