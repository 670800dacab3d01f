"""Filing a master bill: stored only when clean, sent once as CEB607, moved by its CEB608 receipts only."""

import datetime
from decimal import Decimal

import pytest
from django.conf import settings

from declarations.choices import ReceiptState
from declarations.messages.receipt_render import render_receipt
from declarations.messages.receipts import CHINA_TZ
from declarations.models import MasterBill, MasterBillEvent, Receipt
from declarations.selectors_master_bills import master_bill_candidate_lists
from declarations.services.master_bills import (
    MasterBillBlocked,
    master_bill_create,
    master_bill_delete,
    master_bill_submit,
)
from declarations.services.receipts import receipts_ingest
from declarations.services.simulation import customs_simulate
from tests.master_bills.conftest import HEAD, released_list

pytestmark = pytest.mark.django_db


def _simulate_and_ingest(outcome="release"):
    customs_simulate(outbox_dir=settings.OUTBOX_DIR, inbox_dir=settings.INBOX_DIR, outcome=outcome)
    return receipts_ingest(directory=settings.INBOX_DIR)


def _statuses(bill):
    return list(MasterBillEvent.objects.filter(master_bill=bill).values_list("to_status", flat=True))


def test_create_stores_the_lists_in_order(agent, agent_user, three_lists):
    bill = master_bill_create(agent=agent, declarations=three_lists, head=HEAD, actor=agent_user)

    assert bill.status == MasterBill.Status.DRAFT
    assert bill.cop_no.startswith("MB") and len(bill.cop_no) == 20
    assert [(i.gnum, i.declaration_id, i.invt_no) for i in bill.items.order_by("gnum")] == [
        (n, d.pk, d.invt_no) for n, d in enumerate(three_lists, start=1)
    ]
    assert _statuses(bill) == ["draft"]


def test_create_with_errors_stores_nothing(agent, three_lists):
    with pytest.raises(MasterBillBlocked) as caught:
        master_bill_create(
            agent=agent, declarations=three_lists, head=dict(HEAD, gross_weight=Decimal("100"))
        )

    assert [f.code for f in caught.value.findings] == ["MB_GROSS_WEIGHT_BELOW_LISTS"]
    assert MasterBill.objects.count() == 0


def test_submit_writes_one_validated_message_and_the_release_receipts_accept_it(
    agent, agent_user, three_lists
):
    bill = master_bill_create(agent=agent, declarations=three_lists, head=HEAD)

    master_bill_submit(master_bill=bill, actor=agent_user)

    bill.refresh_from_db()
    assert bill.status == MasterBill.Status.SENT
    written = settings.OUTBOX_DIR / f"CEB607_{bill.message_guid}.xml"
    assert written.read_bytes() == bytes(bill.message_content)
    summary = _simulate_and_ingest()
    # The simulator's two files (2, then 120) may be read in either order: the older one is then stale.
    assert (summary.applied + summary.stale, summary.unmatched, summary.failed) == (2, 0, 0)
    bill.refresh_from_db()
    assert bill.status == MasterBill.Status.ACCEPTED
    assert bill.pre_no.startswith("B")
    assert _statuses(bill) in (["draft", "sent", "declaring", "accepted"], ["draft", "sent", "accepted"])
    assert Receipt.objects.filter(master_bill=bill).count() == 2
    # The lists themselves did not move: a CEB608 is the master bill's, not theirs.
    assert {d.status for d in type(three_lists[0]).objects.filter(pk__in=[d.pk for d in three_lists])} == {
        "released"
    }


def test_a_sent_bill_is_sent_once(agent, three_lists):
    bill = master_bill_create(agent=agent, declarations=three_lists, head=HEAD)
    master_bill_submit(master_bill=bill)
    guid = MasterBill.objects.get(pk=bill.pk).message_guid

    with pytest.raises(MasterBillBlocked):
        master_bill_submit(master_bill=bill)
    with pytest.raises(MasterBillBlocked):
        master_bill_delete(master_bill=bill)
    assert MasterBill.objects.get(pk=bill.pk).message_guid == guid
    assert len(list(settings.OUTBOX_DIR.glob("CEB607_*.xml"))) == 1


def test_a_rejected_bill_frees_its_lists(agent, agent_user, three_lists):
    bill = master_bill_create(agent=agent, declarations=three_lists, head=HEAD)
    assert list(master_bill_candidate_lists(user=agent_user)) == []
    master_bill_submit(master_bill=bill)

    _simulate_and_ingest(outcome="reject")

    bill.refresh_from_db()
    assert bill.status == MasterBill.Status.REJECTED
    assert bill.last_return_info == "海关退单：提运单号与舱单不符"
    assert {d.pk for d in master_bill_candidate_lists(user=agent_user)} == {d.pk for d in three_lists}


def test_a_list_on_a_live_bill_cannot_go_on_another(agent, three_lists):
    master_bill_create(agent=agent, declarations=three_lists[:2], head=dict(HEAD, gross_weight=Decimal("85")))

    with pytest.raises(MasterBillBlocked) as caught:
        master_bill_create(agent=agent, declarations=three_lists[1:], head=dict(HEAD, bill_no="MBL-2"))

    assert [(f.code, f.gnum) for f in caught.value.findings] == [("MB_LIST_ON_OTHER_BILL", 1)]
    assert MasterBill.objects.count() == 1


def test_submit_checks_again(agent, three_lists):
    """A list cancelled after the draft was stored blocks the sending, and nothing is written."""
    bill = master_bill_create(agent=agent, declarations=three_lists, head=HEAD)
    type(three_lists[0]).objects.filter(pk=three_lists[0].pk).update(status="cancelled")

    with pytest.raises(MasterBillBlocked) as caught:
        master_bill_submit(master_bill=bill)

    assert [f.code for f in caught.value.findings] == ["MB_LIST_NOT_DECLARED"]
    assert MasterBill.objects.get(pk=bill.pk).status == MasterBill.Status.DRAFT
    assert list(settings.OUTBOX_DIR.glob("CEB607_*.xml")) == []


def test_a_duplicate_or_older_receipt_changes_nothing(agent, three_lists):
    bill = master_bill_create(agent=agent, declarations=three_lists, head=HEAD)
    master_bill_submit(master_bill=bill)
    customs_simulate(outbox_dir=settings.OUTBOX_DIR, inbox_dir=settings.INBOX_DIR)
    copies = sorted(settings.INBOX_DIR.glob("CEB608_*.xml"))
    for path in copies:  # the same receipts arrive twice
        (settings.INBOX_DIR / f"again-{path.name}").write_bytes(path.read_bytes())

    summary = receipts_ingest(directory=settings.INBOX_DIR)

    assert (summary.applied + summary.stale, summary.duplicates) == (2, 2)
    assert _statuses(MasterBill.objects.get(pk=bill.pk))[-1] == "accepted"
    assert Receipt.objects.filter(master_bill=bill, state=ReceiptState.DUPLICATE).count() == 2


def test_a_receipt_for_a_draft_is_unmatched(agent):
    bill = master_bill_create(
        agent=agent, declarations=[released_list(agent, 9)], head=dict(HEAD, gross_weight=Decimal(50))
    )
    # Never sent: a receipt naming its copNo matches nothing (drafts are not correlated).

    raw = render_receipt(
        "CEB608",
        [
            {
                "guid": "3A1B2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C41",
                "agentCode": agent.ceb_code,
                "logisticsCode": "4401980ABC",
                "copNo": bill.cop_no,
                "preNo": "B20261205000000001",
                "billNo": bill.bill_no,
                "msgSeqNo": "1",
                "returnStatus": "120",
                "returnTime": datetime.datetime(2026, 12, 5, 10, tzinfo=CHINA_TZ),
                "returnInfo": "海关入库",
            }
        ],
    )
    (settings.INBOX_DIR / "CEB608_x.xml").write_bytes(raw)

    summary = receipts_ingest(directory=settings.INBOX_DIR)

    assert (summary.applied, summary.unmatched) == (0, 1)
    assert MasterBill.objects.get(pk=bill.pk).status == MasterBill.Status.DRAFT
