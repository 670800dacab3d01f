"""End to end on the real worker: submit -> render -> stored in PostgreSQL -> outbox -> receipts -> released."""

import pytest
from django.conf import settings
from django.db import connection

from declarations.choices import DeclarationStatus
from declarations.models import Declaration, RenderedMessage
from declarations.services.codes import code_tables_load
from declarations.services.declarations import declaration_check
from declarations.services.receipts import receipts_ingest
from declarations.services.simulation import customs_simulate
from declarations.services.submission import declaration_submit
from tests import factories as f
from tests.integration.conftest import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _ready_declaration():
    code_tables_load()
    enterprise = f.EnterpriseFactory()
    f.RegistrationFactory(enterprise=enterprise, customs_office_id="5141")
    line = f.DeclarationLineFactory(declaration__enterprise=enterprise, declaration__agent=enterprise)
    declaration = line.declaration
    findings, _advice = declaration_check(declaration=declaration)
    assert [f.code for f in findings if f.is_error] == []
    return declaration


def test_submit_is_rendered_by_the_worker_and_released_by_receipts(celery_worker_process):
    assert connection.vendor == "postgresql"
    declaration = _ready_declaration()
    declaration_submit(declaration=declaration)

    def sent():
        return Declaration.objects.get(pk=declaration.pk).status == DeclarationStatus.SENT

    assert wait_for(sent), Declaration.objects.get(pk=declaration.pk).status
    messages = RenderedMessage.objects.filter(declaration=declaration, version=1)
    assert sorted(messages.values_list("message_type", flat=True)) == ["CEB303", "CEB505", "CEB603"]
    outbox_files = sorted(p.name for p in settings.OUTBOX_DIR.glob("*.xml"))
    assert sorted(m.file_name for m in messages) == sorted(
        name for name in outbox_files if any(m.guid in name for m in messages)
    )

    customs_simulate(outbox_dir=settings.OUTBOX_DIR, inbox_dir=settings.INBOX_DIR, outcome="release")
    summary = receipts_ingest()
    assert summary.failed == 0
    assert Declaration.objects.get(pk=declaration.pk).status == DeclarationStatus.RELEASED


def test_render_task_twice_leaves_one_message_per_type(celery_worker_process):
    from declarations.tasks import declaration_render_task

    declaration = _ready_declaration()
    declaration_submit(declaration=declaration)
    assert wait_for(lambda: Declaration.objects.get(pk=declaration.pk).status == DeclarationStatus.SENT)
    guids_before = set(RenderedMessage.objects.filter(declaration=declaration).values_list("guid", flat=True))
    # Redelivery of the same task (as after a worker crash) must not render again.
    declaration_render_task.apply(args=(declaration.pk, 1))
    declaration_render_task.apply(args=(declaration.pk, 1))
    rows = RenderedMessage.objects.filter(declaration=declaration)
    assert rows.count() == 3
    assert set(rows.values_list("guid", flat=True)) == guids_before
