"""On the real worker and PostgreSQL: a list customs returned (simulated CEB604 100) is corrected and declared
again as a change — the worker renders appType 2, the same copNo, new guids, version 2, each message valid
against the official 202205 XSD — and the simulated customs releases it; version 1's messages stay stored.
Then another returned list is withdrawn (CEB603 appType 3) and customs grants it."""

import pytest
from django.conf import settings
from django.db import connection
from lxml import etree

from declarations.choices import DeclarationStatus
from declarations.messages.schema import OfficialSchemaUnavailable, validate_official
from declarations.models import Declaration, RenderedMessage
from declarations.services.amendments import declaration_declare_change, declaration_withdraw
from declarations.services.codes import code_tables_load
from declarations.services.declarations import declaration_check
from declarations.services.receipts import receipts_ingest
from declarations.services.simulation import customs_simulate
from declarations.services.submission import declaration_submit
from tests import factories as f
from tests.integration.conftest import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
NS = {"ceb": "http://www.chinaport.gov.cn/ceb"}


def _sent(pk: int, version: int) -> bool:
    return Declaration.objects.filter(pk=pk, status="sent", version=version).exists()


def _returned_list(exporter) -> Declaration:
    line = f.DeclarationLineFactory(declaration__enterprise=exporter, declaration__agent=exporter)
    findings, _advice = declaration_check(declaration=line.declaration)
    assert [x.code for x in findings if x.is_error] == []
    declaration_submit(declaration=line.declaration)
    assert wait_for(lambda: _sent(line.declaration_id, 1))
    customs_simulate(outbox_dir=settings.OUTBOX_DIR, inbox_dir=settings.INBOX_DIR, outcome="reject")
    assert receipts_ingest().failed == 0
    declaration = Declaration.objects.get(pk=line.declaration_id)
    assert (declaration.status, declaration.last_return_status) == (DeclarationStatus.REJECTED, "100")
    return declaration


def _head(message: RenderedMessage) -> tuple[str, str, str]:
    root = etree.fromstring(bytes(message.content))
    return (
        root.get("guid"),
        root.findtext(".//ceb:appType", namespaces=NS),
        root.findtext(".//ceb:copNo", namespaces=NS),
    )


def test_a_returned_list_is_corrected_and_declared_again_as_a_change(celery_worker_process):
    assert connection.vendor == "postgresql"
    code_tables_load()
    exporter = f.EnterpriseFactory()
    f.RegistrationFactory(enterprise=exporter, customs_office_id="5141")
    f.ExchangeRateFactory()
    returned = _returned_list(exporter)
    first = {
        m.message_type: _head(m) for m in RenderedMessage.objects.filter(declaration=returned, version=1)
    }
    assert {head[1] for head in first.values()} == {"1"}

    # corrected (the goods name customs objected to), then declared again as a change
    returned.lines.update(gname="不锈钢真空保温杯")
    declaration_declare_change(declaration=returned)
    assert wait_for(lambda: _sent(returned.pk, 2))

    second = {m.message_type: m for m in RenderedMessage.objects.filter(declaration=returned, version=2)}
    assert sorted(second) == ["CEB303", "CEB505", "CEB603"]
    for message_type, message in second.items():
        guid, app_type, _cop = _head(message)
        assert app_type == "2"
        assert guid != first[message_type][0]
        try:
            assert validate_official(bytes(message.content)) == [], message_type
        except OfficialSchemaUnavailable:
            pytest.fail("the official XSD is required here")
    assert _head(second["CEB603"])[2] == returned.cop_no
    assert "不锈钢真空保温杯".encode() in bytes(second["CEB603"].content)
    assert RenderedMessage.objects.filter(declaration=returned, version=1).count() == 3

    customs_simulate(outbox_dir=settings.OUTBOX_DIR, inbox_dir=settings.INBOX_DIR, outcome="release")
    assert receipts_ingest().failed == 0
    released = Declaration.objects.get(pk=returned.pk)
    assert (released.status, released.version, released.app_type) == (DeclarationStatus.RELEASED, 2, "2")

    # another returned list is withdrawn instead
    other = _returned_list(exporter)
    message = declaration_withdraw(declaration=other, reason="订单取消")
    assert _head(message)[1] == "3"
    customs_simulate(outbox_dir=settings.OUTBOX_DIR, inbox_dir=settings.INBOX_DIR, outcome="release")
    assert receipts_ingest().failed == 0
    assert Declaration.objects.get(pk=other.pk).status == DeclarationStatus.WITHDRAWN
