"""A receipt file has a bound on its entries, and its bytes are stored once, not once per entry (issue 19,
item 10)."""

import datetime
import os

import pytest

from declarations.choices import DeclarationStatus, ReceiptState
from declarations.messages.receipt_render import render_receipt
from declarations.messages.receipts import CHINA_TZ, ReasonCode
from declarations.models import Declaration, Receipt
from declarations.services.receipts import receipt_raw_bytes, receipts_ingest
from tests import factories as f

pytestmark = pytest.mark.django_db

T0 = datetime.datetime(2026, 11, 24, 10, 0, 0, tzinfo=CHINA_TZ)


def _waybill_receipt(declarations, status="2"):
    return render_receipt(
        "CEB506",
        [
            {
                "guid": f"1A1B2C3D-4E5F-4A6B-8C7D-9E0F1A2B{n:04d}",
                "logisticsCode": d.logistics_code,
                "logisticsNo": d.logistics_no,
                "returnStatus": status,
                "returnTime": T0,
                "returnInfo": "ok",
            }
            for n, d in enumerate(declarations)
        ],
    )


@pytest.fixture
def inbox(tmp_path):
    directory = tmp_path / "inbox"
    directory.mkdir()
    return directory


def test_the_raw_file_is_stored_once_for_all_its_entries(inbox):
    declarations = [f.DeclarationFactory(status=DeclarationStatus.SENT) for _ in range(4)]
    raw = _waybill_receipt(declarations)
    (inbox / "CEB506_A.xml").write_bytes(raw)

    summary = receipts_ingest(directory=inbox)

    assert summary.applied == 4
    receipts = list(Receipt.objects.order_by("pk"))
    assert len(receipts) == 4
    # Before: every entry held the whole file (4 x the bytes; 10,000 x 4.9 MB in the attack).
    assert sum(len(bytes(r.raw)) for r in receipts) == len(raw)
    assert {r.sha256 for r in receipts} == {receipts[0].sha256}
    # Each entry still shows the file it came from (the admin's raw XML).
    assert all(receipt_raw_bytes(r) == raw for r in receipts)


def test_a_file_with_more_entries_than_the_bound_is_refused_whole(inbox, settings):
    settings.RECEIPT_MAX_ENTRIES = 3
    declarations = [f.DeclarationFactory(status=DeclarationStatus.SENT) for _ in range(4)]
    (inbox / "CEB506_MANY.xml").write_bytes(_waybill_receipt(declarations))
    (inbox / "CEB506_FEW.xml").write_bytes(_waybill_receipt(declarations[:3]))

    summary = receipts_ingest(directory=inbox)

    assert (summary.files, summary.failed, summary.applied) == (2, 1, 3)
    failed = Receipt.objects.get(state=ReceiptState.FAILED)
    assert failed.file_name == "CEB506_MANY.xml"
    assert failed.error.startswith(ReasonCode.TOO_MANY_ENTRIES)
    assert "3" in failed.error
    reason = (inbox / "failed" / "CEB506_MANY.xml.reason.txt").read_text(encoding="utf-8")
    assert reason.startswith("RECEIPT_TOO_MANY_ENTRIES")
    assert sorted(os.listdir(inbox / "processed")) == ["CEB506_FEW.xml"]
    # Nothing of the refused file was applied: the fourth declaration only had the refused file's entry.
    assert Declaration.objects.get(pk=declarations[3].pk).status == DeclarationStatus.SENT
    assert Receipt.objects.filter(state=ReceiptState.APPLIED).count() == 3


def test_the_bound_has_a_default_and_the_refusal_is_translated(settings):
    from django.utils import translation

    from declarations.messages.receipts import ReceiptRejected, parse_receipt

    assert settings.RECEIPT_MAX_ENTRIES == 100  # the XSD's maxOccurs of every *Return node
    declarations = [f.DeclarationFactory(status=DeclarationStatus.SENT) for _ in range(2)]
    raw = _waybill_receipt(declarations)
    with translation.override("zh-hans"), pytest.raises(ReceiptRejected) as refused:
        parse_receipt(raw, entry_limit=1)
    assert refused.value.reason_code == ReasonCode.TOO_MANY_ENTRIES
    assert "条" in refused.value.message
