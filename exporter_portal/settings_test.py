"""Test settings: in-memory-ish SQLite by default, eager Celery, fast hashing, temp exchange folders."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("DEBUG", "true")

from .settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
_tmp = Path(tempfile.mkdtemp(prefix="exporter-portal-test-"))
EXCHANGE_ROOT = _tmp / "exchange"
OUTBOX_DIR = EXCHANGE_ROOT / "outbox"
INBOX_DIR = EXCHANGE_ROOT / "inbox"
MEDIA_ROOT = _tmp / "media"
if not os.environ.get("CELERY_BROKER_URL"):
    CELERY_TASK_ALWAYS_EAGER = True
# Login throttling and the token-endpoint throttle count across tests (database / shared cache); the tests that
# exercise them turn them on with override_settings.
AXES_ENABLED = False
API_TOKEN_THROTTLE_RATE = None
