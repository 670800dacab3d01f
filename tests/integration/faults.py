"""Fault-test helpers: a private Redis that a test may stop, dedicated workers, killing database sessions.

The shared Redis (6379) and PostgreSQL (5432) are never stopped: the tests stop their own redis-server on
FAULT_REDIS_PORT (default 6391; a free port when another run holds it), and simulate a PostgreSQL restart by terminating the sessions on the test database, which
is what a restart does to every client.
"""

import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from kombu import pools

from tests.integration.conftest import ROOT, _unavailable, wait_for

FAULT_REDIS_PORT = int(os.environ.get("FAULT_REDIS_PORT", "6391"))


def _free_port(preferred: int) -> int:
    """The preferred port if nothing listens there, else one the kernel picks (another run may hold it)."""
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", preferred))
            return preferred
        except OSError:
            sock.bind(("127.0.0.1", 0))
            return sock.getsockname()[1]


def _ping(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


class PrivateRedis:
    """A redis-server of our own (no persistence): stop() and start() are the outage."""

    def __init__(self, port: int, log: Path):
        self.port = port
        self.log = log
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            return
        if _ping(self.port):
            pytest.fail(f"port {self.port} was taken by another Redis during the run")
        with self.log.open("a") as fh:
            self.proc = subprocess.Popen(
                [
                    "redis-server",
                    "--port",
                    str(self.port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                ],
                stdout=fh,
                stderr=subprocess.STDOUT,
            )
        if not wait_for(lambda: _ping(self.port), timeout=15, interval=0.1):
            pytest.fail(f"private redis-server did not start:\n{self.log.read_text()}")

    def stop(self) -> None:
        if self.proc is None:
            return
        self.proc.terminate()
        self.proc.wait(timeout=15)
        self.proc = None
        assert not _ping(self.port)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"


_redis: PrivateRedis | None = None


@pytest.fixture(scope="session")
def private_redis(services_ready, tmp_path_factory):
    """One private Redis per session (each test module imports this fixture; they share the server)."""
    global _redis
    from shutil import which

    if which("redis-server") is None:
        _unavailable("redis-server is not installed")
    if _redis is None:
        port = _free_port(FAULT_REDIS_PORT)
        _redis = PrivateRedis(port, tmp_path_factory.mktemp("redis") / "redis.log")
    _redis.start()
    yield _redis
    _redis.stop()


def use_broker(url: str | None) -> None:
    """Point this process's Celery app at another broker (pooled connections to the old one are dropped)."""
    from exporter_portal.celery import app

    # broker_url would lose to the CELERY_BROKER_URL environment variable; the write URL does not.
    app.conf.broker_write_url = url
    pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def fault_broker(private_redis):
    """This test publishes to the private Redis; the shared worker of the other tests never sees it."""
    private_redis.start()
    use_broker(private_redis.url)
    yield private_redis
    use_broker(None)


def worker_env(**extra) -> dict:
    db = settings.DATABASES["default"]
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="exporter_portal.settings",
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        CELERY_BROKER_URL=_redis.url,
        OUTBOX_DIR=str(settings.OUTBOX_DIR),
        INBOX_DIR=str(settings.INBOX_DIR),
        MEDIA_ROOT=str(settings.MEDIA_ROOT),
        DB_CONN_MAX_AGE="0",
        CELERY_VISIBILITY_TIMEOUT="3",
    )
    env.update({k: str(v) for k, v in extra.items()})
    return env


class Worker:
    """A dedicated `celery worker` on the private Redis, with an optional pause point (fault_worker.py)."""

    def __init__(self, log: Path, *, pool: str = "solo", **env):
        self.log = log
        self._fh = log.open("w")
        args = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "tests.integration.fault_worker",
            "worker",
            f"--pool={pool}",
        ]
        if pool == "prefork":
            args.append("--concurrency=1")
        args += ["-l", "info", "--without-gossip", "--without-mingle", "--without-heartbeat"]
        args += ["-n", f"fault-{os.getpid()}-{time.monotonic_ns()}@%h"]
        self.proc = subprocess.Popen(
            args, cwd=ROOT, env=worker_env(**env), stdout=self._fh, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                pytest.fail(f"fault worker exited early:\n{log.read_text()}")
            if "ready." in log.read_text():
                return
            time.sleep(0.2)
        self.kill()
        pytest.fail(f"fault worker did not become ready:\n{log.read_text()}")

    def kill(self) -> None:
        """kill -9: no warm shutdown, no acknowledgement, no rollback by the worker."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=15)
        self._fh.close()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=15)
        self._fh.close()


def wait_for_marker(marker: Path, *, timeout: float = 90) -> int:
    if not wait_for(marker.exists, timeout=timeout, interval=0.05):
        pytest.fail(f"the worker never reached the pause point {marker.name}")
    return int(wait_for(lambda: marker.read_text().strip(), timeout=5, interval=0.05))


def release(marker: Path) -> None:
    marker.with_name(marker.name + ".release").write_text("go")


@contextmanager
def database_refusing_connections():
    """The window of a restart in which the server accepts no connections (for the test database only)."""
    import psycopg

    db = connection.settings_dict
    # A database cannot refuse connections to itself from its own session: ask from the maintenance database.
    admin = psycopg.connect(
        host=db["HOST"],
        port=db["PORT"] or 5432,
        user=db["USER"],
        password=db["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )
    try:
        admin.execute(f'ALTER DATABASE "{db["NAME"]}" ALLOW_CONNECTIONS false')
        try:
            yield
        finally:
            admin.execute(f'ALTER DATABASE "{db["NAME"]}" ALLOW_CONNECTIONS true')
    finally:
        admin.close()


def terminate_database_sessions() -> int:
    """What a PostgreSQL restart does to clients: every other session on the test database is cut."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]
