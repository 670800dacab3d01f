"""Receipts apply in their own time and sequence: every arrival order of the same files gives the same timeline."""

import datetime
import itertools

import pytest

from declarations.choices import DeclarationStatus, ReceiptState
from declarations.messages.receipt_render import render_receipt
from declarations.messages.receipts import CHINA_TZ
from declarations.models import Declaration, Receipt, StatusEvent
from declarations.services.receipts import receipts_ingest
from tests import factories as f

pytestmark = pytest.mark.django_db

T0 = datetime.datetime(2026, 11, 24, 10, 0, 0, tzinfo=CHINA_TZ)
# The simulator's release answer: the order receipt, then the list's four (1 ms apart, as customs stamps them).
RELEASE = [
    ("CEB304", "2", 0),
    ("CEB604", "2", 10),
    ("CEB604", "120", 11),
    ("CEB604", "399", 12),
    ("CEB604", "800", 13),
]
STORY = ["submitted", "sent", "declaring", "accepted", "concluded", "released"]


def _receipt(declaration, receipt_type, code, millis):
    when = T0 + datetime.timedelta(milliseconds=millis)
    if receipt_type == "CEB304":
        keys = {
            "ebpCode": declaration.ebp_code,
            "ebcCode": declaration.enterprise.ceb_code,
            "orderNo": declaration.order_no,
        }
    else:
        keys = {
            "agentCode": declaration.agent.ceb_code,
            "copNo": declaration.cop_no,
            "preNo": "B20261124000000001",
            "invtNo": "51412026E000000001",
            "ebcCode": declaration.enterprise.ceb_code,
            "ebpCode": declaration.ebp_code,
            "orderNo": declaration.order_no,
            "statisticsFlag": "A",
        }
    entry = {
        **keys,
        "guid": "3A1B2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C41",
        "returnStatus": code,
        "returnTime": when,
        "returnInfo": f"{receipt_type} says {code}",
    }
    return render_receipt(receipt_type, [entry])


def _sent(n: int) -> Declaration:
    declaration = f.DeclarationFactory(
        status=DeclarationStatus.DRAFT, order_no=f"ORDER-{n}", cop_no=f"COP-{n}"
    )
    for from_status, to_status in (("draft", "submitted"), ("submitted", "sent")):
        StatusEvent.objects.create(
            declaration=declaration, from_status=from_status, to_status=to_status, source="system"
        )
    Declaration.objects.filter(pk=declaration.pk).update(status=DeclarationStatus.SENT)
    return declaration


def _timeline(declaration) -> list[tuple]:
    return [
        (e.to_status, e.receipt.receipt_type if e.receipt else "", e.return_status)
        for e in StatusEvent.objects.filter(declaration=declaration).select_related("receipt").order_by("pk")
    ]


def test_every_arrival_order_gives_the_same_timeline(tmp_path):
    timelines = set()
    latest = set()
    for n, order in enumerate(itertools.permutations(RELEASE)):
        declaration = _sent(n)
        inbox = tmp_path / f"inbox{n}"
        inbox.mkdir()
        # File names sort in the arrival order under test (the inbox is claimed by name).
        for i, (receipt_type, code, millis) in enumerate(order):
            (inbox / f"{i:02d}_{receipt_type}.xml").write_bytes(
                _receipt(declaration, receipt_type, code, millis)
            )
        summary = receipts_ingest(directory=inbox)
        assert (summary.files, summary.failed, summary.unmatched) == (5, 0, 0)
        timelines.add(tuple(_timeline(declaration)))
        stored = Declaration.objects.get(pk=declaration.pk)
        latest.add((stored.status, stored.last_return_status, stored.last_return_info))
    assert len(timelines) == 1
    (timeline,) = timelines
    assert [step[0] for step in timeline] == STORY
    assert timeline[2:] == (
        ("declaring", "CEB304", "2"),
        ("accepted", "CEB604", "120"),
        ("concluded", "CEB604", "399"),
        ("released", "CEB604", "800"),
    )
    # The receipt that set the current status is the latest one, whatever came last.
    assert latest == {("released", "800", "CEB604 says 800")}


def test_a_receipt_older_than_the_status_is_recorded_only(tmp_path):
    declaration = _sent(1)
    first, later = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    later.mkdir()
    (first / "r800.xml").write_bytes(_receipt(declaration, "CEB604", "800", 13))
    receipts_ingest(directory=first)
    events_before = _timeline(declaration)
    (later / "r2.xml").write_bytes(_receipt(declaration, "CEB604", "2", 10))
    (later / "r120.xml").write_bytes(_receipt(declaration, "CEB604", "120", 11))
    summary = receipts_ingest(directory=later)
    assert (summary.applied, summary.stale) == (0, 2)
    assert _timeline(declaration) == events_before
    assert [
        s
        for s in Receipt.objects.filter(declaration=declaration)
        .order_by("return_time")
        .values_list("return_status", "state")
    ] == [
        ("2", ReceiptState.STALE),
        ("120", ReceiptState.STALE),
        ("800", ReceiptState.APPLIED),
    ]
    stored = Declaration.objects.get(pk=declaration.pk)
    assert (stored.status, stored.last_return_status) == ("released", "800")


def test_a_receipt_that_confirms_the_status_adds_no_timeline_line(tmp_path):
    declaration = _sent(2)
    inbox = tmp_path / "in"
    inbox.mkdir()
    (inbox / "a.xml").write_bytes(_receipt(declaration, "CEB304", "2", 0))
    (inbox / "b.xml").write_bytes(_receipt(declaration, "CEB304", "120", 1))  # capped at declaring: no change
    summary = receipts_ingest(directory=inbox)
    assert (summary.applied, summary.stale) == (2, 0)
    assert [step[:2] for step in _timeline(declaration)] == [
        ("submitted", ""),
        ("sent", ""),
        ("declaring", "CEB304"),
    ]
    assert Declaration.objects.get(pk=declaration.pk).last_return_status == "2"
