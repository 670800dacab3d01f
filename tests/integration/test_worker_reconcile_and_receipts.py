"""Issue 19 on PostgreSQL, Redis and a real worker: the reconciler recovers tasks Redis lost (item 7), the inbox
never strands a file and stores each file's bytes once (items 2, 10), correlation ignores drafts and customs
codes are unique (item 3), and a redelivered import reports what it had stored as kept (item 8)."""

import datetime
import os
import time

import pytest
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from declarations.choices import DeclarationStatus, ImportState, ReceiptState
from declarations.messages.receipt_render import render_receipt
from declarations.messages.receipts import CHINA_TZ
from declarations.models import Declaration, Enterprise, ImportJob, Receipt, RenderedMessage, TaskDispatch
from declarations.services.codes import code_tables_load
from declarations.services.imports import import_job_create, import_job_run
from declarations.services.reconcile import RENDER_TASK, reconcile_stuck
from tests import factories as f
from tests.integration.conftest import wait_for
from tests.spreadsheets.conftest import fill_template, goods_row, head_row, upload

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

LONG_AGO = datetime.timedelta(hours=3)
T0 = datetime.datetime(2026, 11, 24, 10, 0, 0, tzinfo=CHINA_TZ)


def _exporter_and_user():
    code_tables_load()
    exporter = f.EnterpriseFactory()
    f.RegistrationFactory(enterprise=exporter, customs_office_id="5141")
    return exporter, f.MembershipFactory(enterprise=exporter).user


def test_declarations_whose_render_task_redis_lost_are_rendered_by_the_worker(celery_worker_process):
    assert connection.vendor == "postgresql"
    exporter, user = _exporter_and_user()
    content = fill_template(
        [head_row(exporter, n) for n in (1, 2)], [goods_row(f"COP-{n:05d}") for n in (1, 2)]
    )
    import_job_run(
        job_id=import_job_create(user=user, uploaded_file=upload(content), dry_run=False, run_async=False).pk
    )
    then = timezone.now() - LONG_AGO
    # Submitted, the task accepted by Redis (intent marked dispatched) and then lost: nothing would ever run it.
    Declaration.objects.update(
        status=DeclarationStatus.SUBMITTED, version=1, channel="list", submitted_at=then
    )
    for pk in Declaration.objects.values_list("pk", flat=True):
        TaskDispatch.objects.create(task_name=RENDER_TASK, args=[pk, 1], created_at=then, dispatched_at=then)

    first = reconcile_stuck()
    second = reconcile_stuck()  # right after: nothing more to dispatch

    assert (first.declarations, second.declarations) == (2, 0)
    assert wait_for(
        lambda: set(Declaration.objects.values_list("status", flat=True)) == {DeclarationStatus.SENT}
    ), list(Declaration.objects.values_list("status", flat=True))
    assert RenderedMessage.objects.count() == 6


def test_an_import_job_left_pending_is_run_by_the_worker(celery_worker_process):
    exporter, user = _exporter_and_user()
    content = fill_template([head_row(exporter, 1)], [goods_row("COP-00001")])
    job = import_job_create(user=user, uploaded_file=upload(content), dry_run=False, run_async=False)
    ImportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - LONG_AGO)

    assert reconcile_stuck().imports == 1

    job = wait_for(lambda: ImportJob.objects.filter(pk=job.pk, state=ImportState.DONE).first())
    assert job is not None and job.counts["create"] == 1
    # Redelivered once more after it finished: it is done, nothing runs again.
    assert reconcile_stuck().imports == 0


def test_a_rerun_import_on_postgresql_reports_stored_rows_as_kept(settings, tmp_path):
    settings.OUTBOX_DIR = tmp_path / "outbox"
    settings.BULK_RENDER_PROCESSES = 1
    exporter, user = _exporter_and_user()
    content = fill_template(
        [head_row(exporter, n) for n in (1, 2)], [goods_row(f"COP-{n:05d}") for n in (1, 2)]
    )
    job = import_job_create(
        user=user, uploaded_file=upload(content), dry_run=False, submit=True, run_async=False
    )
    job = import_job_run(job_id=job.pk, language="en")
    assert job.counts["sent"] == 2
    ImportJob.objects.filter(pk=job.pk).update(state=ImportState.RUNNING)  # the worker died before "done"

    job = import_job_run(job_id=job.pk, language="en")

    assert (job.state, job.counts["kept"], job.counts["reject"], job.counts["submitted"]) == (
        ImportState.DONE,
        2,
        0,
        0,
    )


def test_customs_codes_are_unique_on_postgresql():
    first = f.EnterpriseFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Enterprise.objects.create(name="克隆", uscc=f.make_uscc(991), customs_code=first.customs_code)
    Enterprise.objects.create(name="甲", uscc=f.make_uscc(992), customs_code="")
    Enterprise.objects.create(name="乙", uscc=f.make_uscc(993), customs_code="")


def _entries(declarations, status="2"):
    return [
        {
            "guid": f"1A1B2C3D-4E5F-4A6B-8C7D-9E0F1A2B{n:04d}",
            "logisticsCode": d.logistics_code,
            "logisticsNo": d.logistics_no,
            "returnStatus": status,
            "returnTime": T0,
            "returnInfo": "申报中",
        }
        for n, d in enumerate(declarations)
    ]


def test_the_worker_ingests_a_full_receipt_file_with_a_long_name_and_a_stale_claim(celery_worker_process):
    from declarations.tasks import receipts_ingest_task

    inbox = settings.INBOX_DIR
    inbox.mkdir(parents=True, exist_ok=True)
    exporter = f.EnterpriseFactory()
    other = f.EnterpriseFactory()
    count = settings.RECEIPT_MAX_ENTRIES
    *sent, extra = f.DeclarationFactory.create_batch(
        count + 1, enterprise=exporter, status=DeclarationStatus.SENT
    )
    # Another tenant's draft holding the first waybill number must not make its receipt ambiguous.
    f.DeclarationFactory(enterprise=other, logistics_no=sent[0].logistics_no, status=DeclarationStatus.DRAFT)
    raw = render_receipt("CEB506", _entries(sent))
    long_name = "物流回执" * 20 + ".xml"  # 244 bytes
    (inbox / long_name).write_bytes(raw)
    processing = inbox / "processing"
    processing.mkdir(exist_ok=True)
    stale = processing / "CEB506_LEFT_BY_A_KILLED_WORKER.xml"
    stale.write_bytes(render_receipt("CEB506", _entries([extra])))
    past = time.time() - 2 * settings.RECEIPT_CLAIM_STALE_SECONDS
    os.utime(stale, (past, past))

    processed = inbox / "processed"
    # The inbox is the session's: earlier worker tests may have left their own files in processed/.
    before = set(os.listdir(processed)) if processed.exists() else set()

    def new_processed() -> set[str]:
        return set(os.listdir(processed)) - before if processed.exists() else set()

    started = time.monotonic()
    receipts_ingest_task.delay()
    done = wait_for(lambda: len(new_processed()) == 2, timeout=300)
    seconds = time.monotonic() - started

    assert done, sorted(os.listdir(inbox))
    assert sorted(os.listdir(processing)) == []
    assert not (inbox / "failed").exists() or os.listdir(inbox / "failed") == []
    assert Receipt.objects.filter(state=ReceiptState.APPLIED).count() == count + 1
    assert not Receipt.objects.exclude(state=ReceiptState.APPLIED).exists()
    assert set(Declaration.objects.filter(enterprise=exporter).values_list("status", flat=True)) == {
        DeclarationStatus.DECLARING
    }
    stored = sum(
        len(bytes(r))
        for r in Receipt.objects.filter(file_name__startswith="物流").values_list("raw", flat=True)
    )
    assert stored == len(raw)  # once, not once per entry
    print(f"\n{count}-entry receipt file ({len(raw)} bytes) ingested by the worker in {seconds:.1f} s")
