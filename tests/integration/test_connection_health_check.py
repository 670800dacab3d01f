"""CONN_HEALTH_CHECKS: a kept database connection that the server dropped (a restart, a cut, an idle timeout) is
replaced before the next request uses it, instead of failing that request with a 500.

The server is not restarted (that would cut every engineer's and CI's other connections): only this test's own
backend is terminated, from a second connection, which is what a restart does to it."""

import psycopg
import pytest
from django.conf import settings
from django.db import close_old_connections, connection

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _terminate_own_backend() -> None:
    db = settings.DATABASES["default"]
    pid = connection.connection.info.backend_pid
    with psycopg.connect(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"],
        password=db["PASSWORD"] or None,
        dbname=db["NAME"],
        autocommit=True,
    ) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])


def _query() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone()[0]


def test_settings_turn_health_checks_on():
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
    assert settings.DATABASES["default"]["CONN_MAX_AGE"] > 0


def test_first_query_after_the_server_dropped_the_connection_reconnects(services_ready):
    assert _query() == 1
    old_pid = connection.connection.info.backend_pid
    _terminate_own_backend()
    close_old_connections()  # what Django runs when each request (and, via exporter_portal.celery, task) starts
    assert _query() == 1
    assert connection.connection.info.backend_pid != old_pid


def test_without_health_checks_that_query_fails(services_ready, monkeypatch):
    """The same sequence with the checks off: the dead connection is used and the query fails (the old 500)."""
    from django.db import OperationalError

    monkeypatch.setitem(connection.settings_dict, "CONN_HEALTH_CHECKS", False)
    assert _query() == 1
    _terminate_own_backend()
    close_old_connections()
    with pytest.raises(OperationalError):
        _query()
    connection.close()
