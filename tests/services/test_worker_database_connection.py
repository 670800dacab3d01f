"""Before each task a worker applies Django's between-requests rules to its database connection, instead of
Celery's default of closing it; a task run eagerly (no broker) leaves the caller's connection alone."""

from types import SimpleNamespace

from exporter_portal import celery as celery_app


def _task(*, eager: bool):
    return SimpleNamespace(request=SimpleNamespace(is_eager=eager))


def test_celery_keeps_connections_between_tasks():
    # Celery's Django fixup closes every connection around each task unless this is set.
    assert celery_app.app.conf.get("CELERY_DB_REUSE_MAX") >= 100


def test_worker_task_applies_djangos_request_rules(monkeypatch):
    calls = []
    monkeypatch.setattr("django.db.close_old_connections", lambda: calls.append("close_old_connections"))
    celery_app._database_connections_as_for_a_request(task=_task(eager=False))
    assert calls == ["close_old_connections"]


def test_eager_task_leaves_the_callers_connection_alone(monkeypatch):
    """Eager (no broker): the task runs inside the caller's request or transaction, whose connection a close
    would break (SQLite's in-memory test database ignores closes, so this spies on the call itself)."""
    calls = []
    monkeypatch.setattr("django.db.close_old_connections", lambda: calls.append("close_old_connections"))
    celery_app._database_connections_as_for_a_request(task=_task(eager=True))
    assert calls == []
