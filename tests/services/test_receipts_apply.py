"""Receipts move a declaration forward only; duplicates change nothing; unmatched are kept."""

import datetime

import pytest

from declarations.choices import DeclarationStatus, ReceiptState
from declarations.messages.receipt_render import render_receipt
from declarations.messages.receipts import CHINA_TZ, parse_receipt
from declarations.models import Declaration, Receipt, StatusEvent
from declarations.services.receipts import receipt_apply, receipts_ingest
from tests import factories as f

pytestmark = pytest.mark.django_db

T0 = datetime.datetime(2026, 11, 24, 10, 0, 0, tzinfo=CHINA_TZ)


def _inventory_receipt(declaration, status, *, seconds=0, info="", inv_no="51412026E000000001"):
    entry = {
        "guid": "3A1B2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C41",
        "agentCode": declaration.agent.ceb_code,
        "copNo": declaration.cop_no,
        "preNo": "B20261124000000001",
        "invtNo": inv_no,
        "ebcCode": declaration.enterprise.ceb_code,
        "ebpCode": declaration.ebp_code,
        "orderNo": declaration.order_no,
        "statisticsFlag": "A",
        "returnStatus": status,
        "returnTime": T0 + datetime.timedelta(seconds=seconds),
        "returnInfo": info or f"status {status}",
    }
    return render_receipt("CEB604", [entry])


def _apply(raw):
    return [receipt_apply(entry=e, raw=raw, file_name="r.xml") for e in parse_receipt(raw)]


@pytest.fixture
def sent_declaration():
    return f.DeclarationFactory(status=DeclarationStatus.SENT)


def _status(declaration):
    return Declaration.objects.get(pk=declaration.pk).status


def test_release_path(sent_declaration):
    for i, code in enumerate(["2", "120", "399", "800", "899"]):
        _apply(_inventory_receipt(sent_declaration, code, seconds=i))
    assert _status(sent_declaration) == DeclarationStatus.CLOSED
    steps = list(StatusEvent.objects.filter(declaration=sent_declaration).values_list("to_status", flat=True))
    assert steps == ["declaring", "accepted", "concluded", "released", "closed"]
    stored = Declaration.objects.get(pk=sent_declaration.pk)
    assert (stored.invt_no, stored.pre_no, stored.last_return_status) == (
        "51412026E000000001",
        "B20261124000000001",
        "899",
    )


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("100", DeclarationStatus.REJECTED),
        ("-621001", DeclarationStatus.REJECTED),
        ("4", DeclarationStatus.SEND_FAILED),
        ("300", DeclarationStatus.MANUAL_REVIEW),
        ("500", DeclarationStatus.INSPECTION),
        ("501", DeclarationStatus.DETAINED),
        ("800", DeclarationStatus.RELEASED),
    ],
)
def test_each_status_code(sent_declaration, code, expected):
    _apply(_inventory_receipt(sent_declaration, code, info="reason text"))
    stored = Declaration.objects.get(pk=sent_declaration.pk)
    assert stored.status == expected
    assert (stored.last_return_status, stored.last_return_info) == (code, "reason text")


def test_out_of_order_receipt_never_moves_backwards(sent_declaration):
    _apply(_inventory_receipt(sent_declaration, "800", seconds=5))
    receipts = _apply(_inventory_receipt(sent_declaration, "120", seconds=1))
    assert _status(sent_declaration) == DeclarationStatus.RELEASED
    assert receipts[0].state == ReceiptState.STALE
    # The stale receipt is on the receipts table only, never a timeline line (issue 22).
    last = StatusEvent.objects.filter(declaration=sent_declaration).last()
    assert (last.from_status, last.to_status, last.return_status) == ("sent", "released", "800")
    assert StatusEvent.objects.filter(declaration=sent_declaration).count() == 1
    assert Declaration.objects.get(pk=sent_declaration.pk).last_return_status == "800"


def test_duplicate_receipt_changes_nothing(sent_declaration):
    raw = _inventory_receipt(sent_declaration, "120")
    _apply(raw)
    events_before = StatusEvent.objects.count()
    receipts = _apply(raw)
    assert receipts[0].state == ReceiptState.DUPLICATE
    assert StatusEvent.objects.count() == events_before
    assert _status(sent_declaration) == DeclarationStatus.ACCEPTED


def test_unmatched_receipt_is_kept_for_admins(sent_declaration):
    other = f.DeclarationFactory.build(
        cop_no="NOPE-1", agent=sent_declaration.agent, enterprise=sent_declaration.enterprise
    )
    raw = _inventory_receipt(other, "800")
    receipts = _apply(raw)
    assert receipts[0].state == ReceiptState.UNMATCHED
    assert bytes(Receipt.objects.get(pk=receipts[0].pk).raw) == raw
    assert _status(sent_declaration) == DeclarationStatus.SENT


def test_order_receipt_in_list_channel_is_capped_at_declaring(sent_declaration):
    raw = render_receipt(
        "CEB304",
        [
            {
                "guid": "0A1B2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C4E",
                "ebpCode": sent_declaration.ebp_code,
                "ebcCode": sent_declaration.enterprise.ceb_code,
                "orderNo": sent_declaration.order_no,
                "returnStatus": "120",
                "returnTime": T0,
                "returnInfo": "海关入库",
            }
        ],
    )
    _apply(raw)
    assert _status(sent_declaration) == DeclarationStatus.DECLARING


def test_order_receipt_drives_customs_declaration_channel():
    declaration = f.DeclarationFactory(status=DeclarationStatus.SENT, channel="customs_declaration")
    raw = render_receipt(
        "CEB304",
        [
            {
                "guid": "0A1B2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C4E",
                "ebpCode": declaration.ebp_code,
                "ebcCode": declaration.enterprise.uscc,
                "orderNo": declaration.order_no,
                "returnStatus": "120",
                "returnTime": T0,
                "returnInfo": "海关入库",
            }
        ],
    )
    _apply(raw)
    assert _status(declaration) == DeclarationStatus.ACCEPTED


def test_ingest_moves_files_and_never_deletes(settings, tmp_path, sent_declaration):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "CEB604_ok.xml").write_bytes(_inventory_receipt(sent_declaration, "120"))
    (inbox / "CEB604_bad.xml").write_bytes(b"not xml at all")
    xxe = (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<ceb:CEB604Message xmlns:ceb="http://www.chinaport.gov.cn/ceb">&x;</ceb:CEB604Message>'
    )
    (inbox / "CEB604_xxe.xml").write_bytes(xxe)
    summary = receipts_ingest(directory=inbox)
    assert (summary.files, summary.applied, summary.failed) == (3, 1, 2)
    assert sorted(p.name for p in (inbox / "processed").glob("*.xml")) == ["CEB604_ok.xml"]
    assert sorted(p.name for p in (inbox / "failed").glob("*.xml")) == ["CEB604_bad.xml", "CEB604_xxe.xml"]
    assert list(inbox.glob("*.xml")) == []
    failed = Receipt.objects.filter(state=ReceiptState.FAILED)
    assert failed.count() == 2
    assert all("root:" not in r.error for r in failed)
    assert _status(sent_declaration) == DeclarationStatus.ACCEPTED


def test_cancel_receipt_cancels_a_requested_cancellation():
    declaration = f.DeclarationFactory(
        status=DeclarationStatus.CANCEL_REQUESTED, invt_no="51412026E000000009"
    )
    raw = render_receipt(
        "CEB606",
        [
            {
                "guid": "9A1B2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C41",
                "agentCode": declaration.agent.ceb_code,
                "copNo": declaration.cop_no,
                "preNo": "B20261124000000009",
                "invtNo": declaration.invt_no,
                "returnStatus": "399",
                "returnTime": T0,
                "returnInfo": "撤销审结",
            }
        ],
    )
    _apply(raw)
    assert _status(declaration) == DeclarationStatus.CANCELLED
