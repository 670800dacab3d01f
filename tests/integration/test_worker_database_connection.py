"""A worker keeps its PostgreSQL session between tasks (no new backend per task), and when that session dies
between two tasks (a database restart), the next task completes on a fresh one: the connection health check
(CONN_HEALTH_CHECKS, on by default) reopens it before the task's first query; with the check off, the task's
first attempt fails on the dead session and is retried."""

import pytest

from declarations.choices import DeclarationStatus
from declarations.models import Declaration, RenderedMessage
from declarations.services.codes import code_tables_load
from declarations.services.submission import declaration_submit
from tests import factories as f
from tests.integration import faults
from tests.integration.conftest import wait_for
from tests.integration.faults import Worker, terminate_database_sessions

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
private_redis, fault_broker = faults.private_redis, faults.fault_broker  # fixtures shared by the fault tests


def _submitted(enterprise) -> Declaration:
    line = f.DeclarationLineFactory(declaration__enterprise=enterprise, declaration__agent=enterprise)
    declaration_submit(declaration=line.declaration)
    return line.declaration


def _sent(declaration) -> bool:
    return Declaration.objects.get(pk=declaration.pk).status == DeclarationStatus.SENT


def _other_sessions() -> set[tuple[int, str]]:
    """(pid, backend start) of every session on the test database but ours: the worker's."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid, backend_start::text FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return set(cursor.fetchall())


@pytest.fixture
def enterprise():
    code_tables_load()
    enterprise = f.EnterpriseFactory()
    f.RegistrationFactory(enterprise=enterprise, customs_office_id="5141")
    f.ExchangeRateFactory()
    return enterprise


def test_worker_reuses_its_database_session_across_tasks(fault_broker, tmp_path, enterprise):
    worker = Worker(tmp_path / "worker.log", DB_CONN_MAX_AGE="600")
    try:
        first = _submitted(enterprise)
        assert wait_for(lambda: _sent(first), timeout=60), (tmp_path / "worker.log").read_text()[-3000:]
        sessions = _other_sessions()
        second = _submitted(enterprise)
        assert wait_for(lambda: _sent(second), timeout=60), (tmp_path / "worker.log").read_text()[-3000:]
        assert len(sessions) == 1
        assert _other_sessions() == sessions  # the same backend (pid and start time) served both tasks
    finally:
        worker.stop()


@pytest.mark.parametrize(
    ("health_checks", "retried"),
    [("true", False), ("false", True)],
    ids=["health-checked", "unchecked"],
)
def test_task_after_the_database_cut_completes_on_a_fresh_session(
    fault_broker, tmp_path, enterprise, health_checks, retried
):
    log = tmp_path / "worker.log"
    worker = Worker(log, DB_CONN_MAX_AGE="600", DB_CONN_HEALTH_CHECKS=health_checks)
    try:
        first = _submitted(enterprise)
        assert wait_for(lambda: _sent(first), timeout=60), log.read_text()[-3000:]
        assert terminate_database_sessions() == 1  # the worker's idle session, as a restart would
        second = _submitted(enterprise)
        assert wait_for(lambda: _sent(second), timeout=90), log.read_text()[-3000:]
    finally:
        worker.stop()
    text = log.read_text()
    # Checked: reopened before the query, no failed attempt. Unchecked: failed on the dead session, retried.
    assert ("Retry in" in text) is retried, text[-3000:]
    assert sorted(
        RenderedMessage.objects.filter(declaration=second).values_list("message_type", flat=True)
    ) == [
        "CEB303",
        "CEB505",
        "CEB603",
    ]
