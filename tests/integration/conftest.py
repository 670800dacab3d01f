"""Integration fixtures: real PostgreSQL, Redis and a Celery worker process.

Under CI=true an unreachable service fails the test; elsewhere it skips with the reason.
"""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def _unavailable(reason: str):
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"integration service unavailable under CI: {reason}")
    pytest.skip(reason)


def _port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


@pytest.fixture(scope="session")
def services_ready():
    if connection.vendor != "postgresql":
        _unavailable("DATABASE_URL does not point at PostgreSQL")
    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        _unavailable("CELERY_BROKER_URL does not point at Redis")
    if not _port_open("127.0.0.1", 6379):
        _unavailable("Redis is not reachable on 127.0.0.1:6379")


@pytest.fixture(scope="session")
def celery_worker_process(services_ready, django_db_setup, django_db_blocker, tmp_path_factory):
    """A real `celery worker` against the test database; stopped after the session."""
    db = settings.DATABASES["default"]
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="exporter_portal.settings",
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        OUTBOX_DIR=str(settings.OUTBOX_DIR),
        INBOX_DIR=str(settings.INBOX_DIR),
        MEDIA_ROOT=str(settings.MEDIA_ROOT),
        DB_CONN_MAX_AGE="0",
    )
    log = tmp_path_factory.mktemp("worker") / "worker.log"
    with django_db_blocker.unblock():
        from exporter_portal.celery import app

        app.control.purge()
    fh = log.open("w")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "exporter_portal",
            "worker",
            "--pool=solo",
            "-l",
            "info",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-n",
            f"it-{os.getpid()}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=fh,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"celery worker exited early:\n{log.read_text()}")
        if "ready." in log.read_text():
            break
        time.sleep(0.3)
    else:
        proc.kill()
        pytest.fail(f"celery worker did not become ready:\n{log.read_text()}")
    yield proc
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
    fh.close()


def wait_for(predicate, *, timeout: float = 60.0, interval: float = 0.3):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    return predicate()
