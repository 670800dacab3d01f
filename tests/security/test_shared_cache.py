"""CACHE_URL puts the cache (and with it the API rate limits and the sessions) in Redis, shared by every web
process; without it sessions stay in the database, so a logout holds in every process."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _setting(env_extra: dict, expression: str) -> str:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "exporter_portal.settings", **env_extra}
    if "CACHE_URL" not in env_extra:
        env.pop("CACHE_URL", None)
    code = f"import django; django.setup(); from django.conf import settings; print({expression})"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def _cache_backend(env_extra: dict) -> str:
    return _setting(env_extra, "settings.CACHES['default']['BACKEND']")


def test_cache_url_selects_redis():
    assert (
        _cache_backend({"CACHE_URL": "redis://127.0.0.1:6379/8"})
        == "django.core.cache.backends.redis.RedisCache"
    )


def test_without_cache_url_the_process_local_default_stays():
    assert _cache_backend({}) == "django.core.cache.backends.locmem.LocMemCache"


def test_sessions_are_cached_only_in_a_shared_cache():
    assert (
        _setting({"CACHE_URL": "redis://127.0.0.1:6379/8"}, "settings.SESSION_ENGINE")
        == "declarations.sessions.cached_db"
    )
    # A process's own memory cache would keep a session that another process ended.
    assert _setting({}, "settings.SESSION_ENGINE") == "declarations.sessions.db"
