"""PostgreSQL restarted during a bulk import: the job resumes or fails cleanly with a reason, and no declaration
is ever half stored (each stored declaration has all its lines).

The shared PostgreSQL is not restarted (other test runs use it): the test cuts every session on its test
database with pg_terminate_backend while the worker is paused at a chosen point, which is what a restart
does to the clients; the worker then continues on its dead connection.
"""

import time

import pytest
from django.utils import translation

from declarations.choices import ImportState
from declarations.models import CustomsOffice, Declaration, ImportJob
from declarations.services.codes import code_tables_load
from declarations.services.imports import import_job_create
from tests import factories as f
from tests.integration import faults
from tests.integration.conftest import wait_for
from tests.integration.faults import (
    Worker,
    database_refusing_connections,
    release,
    terminate_database_sessions,
    wait_for_marker,
)
from tests.spreadsheets.conftest import fill_template, goods_row, head_row, upload

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
private_redis, fault_broker = faults.private_redis, faults.fault_broker  # fixtures shared by the fault tests

DECLARATIONS = 12
LINES = 3
DATABASE_LOST = (
    "The database was unavailable during the import. Declarations already stored are complete; "
    "upload the file again to finish (it updates the same drafts)."
)


def _user_and_workbook():
    code_tables_load()
    enterprise = f.EnterpriseFactory()
    f.RegistrationFactory(enterprise=enterprise, customs_office=CustomsOffice.objects.get(code="5141"))
    f.ExchangeRateFactory()
    user = f.MembershipFactory(enterprise=enterprise).user
    heads = [head_row(enterprise, n, packNo=str(LINES)) for n in range(1, DECLARATIONS + 1)]
    goods = [
        goods_row(head["copNo"], g, itemNo=f"SKU-{n:03d}-{g}")
        for n, head in enumerate(heads, 1)
        for g in range(1, 4)
    ]
    return user, enterprise, fill_template(heads, goods)


def _start_import(user, content) -> ImportJob:
    with translation.override("en"):
        return import_job_create(user=user, uploaded_file=upload(content), dry_run=False, language="en")


def _finished(job) -> ImportJob | None:
    job = ImportJob.objects.get(pk=job.pk)
    return job if job.state in (ImportState.DONE, ImportState.FAILED) else None


def _assert_whole(enterprise) -> int:
    """Every stored declaration has all its lines; returns how many are stored."""
    stored = list(Declaration.objects.filter(agent=enterprise).order_by("cop_no"))
    for declaration in stored:
        assert sorted(declaration.lines.values_list("gnum", flat=True)) == list(range(1, LINES + 1)), (
            declaration
        )
    return len(stored)


@pytest.mark.parametrize(
    "pause_at, down_seconds, state, stored",
    [
        # Cut while checking rows: nothing was stored yet; the job records why it failed on a new session.
        ("import_check", 0, ImportState.FAILED, 0),
        # Cut while a chunk is half inserted (heads in, lines not yet): the chunk rolls back and is stored
        # again one declaration per transaction on a new session, so the job resumes and completes.
        ("import_store", 0, ImportState.DONE, DECLARATIONS),
        # Same, but the server refuses connections for a while (still restarting): nothing can be stored,
        # and the job records the failure once the database is back.
        ("import_store", 3, ImportState.FAILED, 0),
    ],
)
def test_database_restart_during_import(fault_broker, tmp_path, pause_at, down_seconds, state, stored):
    user, enterprise, content = _user_and_workbook()
    marker = tmp_path / "paused"
    worker = Worker(tmp_path / "worker.log", FAULT_PAUSE_AT=pause_at, FAULT_MARKER=marker)
    try:
        job = _start_import(user, content)
        wait_for_marker(marker)
        if down_seconds:
            with database_refusing_connections():
                assert terminate_database_sessions() >= 1  # the worker's session
                release(marker)
                time.sleep(down_seconds)
        else:
            assert terminate_database_sessions() >= 1
            release(marker)
        job = wait_for(lambda: _finished(job), timeout=90)
        assert job is not None, (tmp_path / "worker.log").read_text()[-4000:]
        assert job.state == state
        assert _assert_whole(enterprise) == stored
        if state == ImportState.FAILED:
            assert job.error_message == DATABASE_LOST
        else:
            assert (job.counts["create"], job.counts["reject"]) == (DECLARATIONS, 0)

        # Uploading the same file again completes the work (idempotent by copNo); still nothing half stored.
        again = _start_import(user, content)
        again = wait_for(lambda: _finished(again), timeout=90)
        assert again is not None and again.state == ImportState.DONE, again and again.error_message
        assert _assert_whole(enterprise) == DECLARATIONS
    finally:
        worker.stop()
