"""An import with submit on a real prefork worker: the job's task forks its render processes from the pool
process, and every good declaration ends SENT in PostgreSQL with its three messages in the outbox."""

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from declarations.choices import DeclarationStatus, ImportState
from declarations.models import CustomsOffice, Declaration, ImportJob, RenderedMessage, TaskDispatch
from declarations.services.codes import code_tables_load
from declarations.services.imports import import_job_create
from tests import factories as f
from tests.integration import faults
from tests.integration.conftest import wait_for
from tests.integration.faults import Worker
from tests.spreadsheets.conftest import fill_template, goods_row, head_row

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
private_redis, fault_broker = faults.private_redis, faults.fault_broker  # fixtures shared by the fault tests


def test_import_with_submit_on_a_prefork_worker(fault_broker, tmp_path):
    code_tables_load()
    exporter = f.EnterpriseFactory()
    f.RegistrationFactory(enterprise=exporter, customs_office=CustomsOffice.objects.get(code="5141"))
    user = f.MembershipFactory(enterprise=exporter).user
    count = 250  # three render parts: both render processes get work
    heads = [head_row(exporter, n) for n in range(1, count + 1)] + [head_row(exporter, count + 1, packNo="x")]
    goods = [goods_row(f"COP-{n:05d}") for n in range(1, count + 2)]
    content = fill_template(heads, goods)
    worker = Worker(tmp_path / "worker.log", pool="prefork", BULK_RENDER_PROCESSES="2")
    try:
        job = import_job_create(
            user=user,
            uploaded_file=SimpleUploadedFile("bulk.xlsx", content),
            dry_run=False,
            submit=True,
            language="en",
        )

        def finished():
            return ImportJob.objects.filter(
                pk=job.pk, state__in=[ImportState.DONE, ImportState.FAILED]
            ).first()

        job = wait_for(finished, timeout=120)
    finally:
        worker.stop()
    assert job is not None, (tmp_path / "worker.log").read_text()[-3000:]
    assert job.state == ImportState.DONE, job.error_message
    assert (job.counts["create"], job.counts["reject"]) == (count, 1)
    assert (job.counts["submitted"], job.counts["sent"], job.counts["render_failed"]) == (count, count, 0)
    assert job.timings["render_peak_rss_mb"] > 0
    statuses = set(Declaration.objects.values_list("status", flat=True))
    assert statuses == {DeclarationStatus.SENT}
    messages = RenderedMessage.objects.filter(declaration__enterprise=exporter)
    assert messages.count() == 3 * count
    assert not messages.filter(written_at__isnull=True).exists()
    names = {p.name for p in settings.OUTBOX_DIR.glob("*.xml")}
    assert {m.file_name for m in messages} <= names
    staged_left = [p.name for p in settings.OUTBOX_DIR.glob(".*.tmp")]
    mine = {m.file_name for m in messages}
    assert not [name for name in staged_left if name.split(".xml.", 1)[0][1:] + ".xml" in mine]
    assert not TaskDispatch.objects.filter(
        task_name="declarations.tasks.declarations_render_many_task", dispatched_at__isnull=True
    ).exists()
