"""Withdrawing a returned list: CEB603 appType 3 in a new version beside the earlier ones, written to the outbox;
customs' CEB604 grants it (399) or refuses it (100, the list stays returned); the simulator answers it."""

import pytest
from lxml import etree

from declarations.choices import DeclarationStatus
from declarations.messages.schema import OfficialSchemaUnavailable, validate_official
from declarations.models import Declaration, RenderedMessage, StatusEvent
from declarations.services.amendments import AmendmentRefused, declaration_withdraw
from declarations.services.receipts import receipts_ingest
from declarations.services.simulation import customs_simulate
from tests import factories as f
from tests.amendments import inventory_receipt, returned_declaration

pytestmark = pytest.mark.django_db
NS = {"ceb": "http://www.chinaport.gov.cn/ceb"}


@pytest.fixture
def returned(settings, tmp_path):
    return returned_declaration(settings=settings, outbox=tmp_path / "outbox")


def test_withdrawal_stores_ceb603_appType_3_in_version_2_and_writes_it(returned, settings):
    v1 = {m.pk: bytes(m.content) for m in RenderedMessage.objects.filter(declaration=returned)}

    message = declaration_withdraw(declaration=returned, reason="订单取消")

    root = etree.fromstring(bytes(message.content))
    assert (message.message_type, message.version) == ("CEB603", 2)
    assert root.findtext(".//ceb:appType", namespaces=NS) == "3"
    assert root.findtext(".//ceb:copNo", namespaces=NS) == returned.cop_no
    assert (settings.OUTBOX_DIR / message.file_name).read_bytes() == bytes(message.content)
    assert {m.pk: bytes(m.content) for m in RenderedMessage.objects.filter(version=1)} == v1
    stored = Declaration.objects.get(pk=returned.pk)
    assert (stored.status, stored.version, stored.app_type) == (
        DeclarationStatus.WITHDRAWAL_REQUESTED,
        2,
        "3",
    )
    event = StatusEvent.objects.filter(declaration=returned).latest("id")
    assert (event.from_status, event.to_status, event.note) == (
        "rejected",
        "withdrawal_requested",
        "订单取消",
    )
    try:
        assert validate_official(bytes(message.content)) == []
    except OfficialSchemaUnavailable:
        pytest.skip("official XSD not available")


def test_customs_grants_the_withdrawal(returned):
    declaration_withdraw(declaration=returned)
    inventory_receipt(returned, "2", seconds=10)
    assert Declaration.objects.get(pk=returned.pk).status == DeclarationStatus.WITHDRAWAL_REQUESTED
    inventory_receipt(returned, "399", seconds=11, info="海关审结：清单已删除")
    assert Declaration.objects.get(pk=returned.pk).status == DeclarationStatus.WITHDRAWN


def test_customs_refuses_the_withdrawal_and_the_list_stays_returned(returned):
    declaration_withdraw(declaration=returned)
    inventory_receipt(returned, "100", seconds=10, info="删除申请不予受理")
    stored = Declaration.objects.get(pk=returned.pk)
    assert (stored.status, stored.last_return_info) == (DeclarationStatus.REJECTED, "删除申请不予受理")


@pytest.mark.parametrize(
    ("status", "last", "channel", "code"),
    [
        (DeclarationStatus.RELEASED, "800", "list", "AMEND_RELEASED"),
        (DeclarationStatus.ACCEPTED, "120", "list", "AMEND_IN_PROGRESS"),
        (DeclarationStatus.REJECTED, "-621001", "list", "AMEND_REFUSED_BY_EPORT"),
        (DeclarationStatus.REJECTED, "100", "customs_declaration", "AMEND_WITHDRAW_LIST_ONLY"),
    ],
)
def test_withdrawal_refused_where_customs_would_not_accept_it(
    status, last, channel, code, settings, tmp_path
):
    settings.OUTBOX_DIR = tmp_path
    declaration = f.DeclarationFactory(status=status, version=1, last_return_status=last, channel=channel)
    with pytest.raises(AmendmentRefused) as refused:
        declaration_withdraw(declaration=declaration)
    assert refused.value.code == code
    stored = Declaration.objects.get(pk=declaration.pk)
    assert (stored.status, stored.version) == (status, 1)
    assert not RenderedMessage.objects.filter(declaration=declaration).exists()
    assert list(tmp_path.iterdir()) == []


def test_the_simulator_answers_a_withdrawal(returned, settings, tmp_path):
    settings.INBOX_DIR = tmp_path / "inbox"
    settings.INBOX_DIR.mkdir()
    for path in settings.OUTBOX_DIR.glob("*.xml"):  # version 1 was answered already
        path.unlink()
    declaration_withdraw(declaration=returned)

    summary = customs_simulate(
        outbox_dir=settings.OUTBOX_DIR, inbox_dir=settings.INBOX_DIR, outcome="release"
    )
    receipts_ingest(directory=settings.INBOX_DIR)

    assert len(summary.answered) == 1 and summary.answered[0].startswith("CEB603_")
    assert Declaration.objects.get(pk=returned.pk).status == DeclarationStatus.WITHDRAWN
