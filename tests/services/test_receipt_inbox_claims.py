"""The receipt inbox never strands a file: bounded claim names, one claim at a time, stale claims taken again,
per-file errors quarantined (issue 19, item 2)."""

import datetime
import os
import time

import pytest
from django.db import OperationalError

from declarations.choices import DeclarationStatus, ReceiptState
from declarations.messages import exchange
from declarations.messages.receipt_render import render_receipt
from declarations.messages.receipts import CHINA_TZ
from declarations.models import Declaration, Receipt
from declarations.services import receipts as receipt_services
from declarations.services.receipts import receipts_ingest
from tests import factories as f

pytestmark = pytest.mark.django_db

T0 = datetime.datetime(2026, 11, 24, 10, 0, 0, tzinfo=CHINA_TZ)


def _receipt(declaration, status="120", seconds=0):
    return render_receipt(
        "CEB604",
        [
            {
                "guid": "3A1B2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C41",
                "agentCode": declaration.agent.ceb_code,
                "copNo": declaration.cop_no,
                "preNo": "",
                "invtNo": "",
                "ebcCode": declaration.enterprise.ceb_code,
                "ebpCode": declaration.ebp_code,
                "orderNo": declaration.order_no,
                "statisticsFlag": "A",
                "returnStatus": status,
                "returnTime": T0 + datetime.timedelta(seconds=seconds),
                "returnInfo": f"status {status}",
            }
        ],
    )


def _names(directory):
    return sorted(os.listdir(directory)) if directory.exists() else []


@pytest.fixture
def inbox(tmp_path):
    directory = tmp_path / "inbox"
    directory.mkdir()
    return directory


def _age(path, seconds):
    past = time.time() - seconds
    os.utime(path, (past, past))


def test_a_name_of_80_cjk_characters_is_claimed_and_applied(inbox):
    declaration = f.DeclarationFactory(status=DeclarationStatus.SENT)
    long_name = "回执" * 40 + ".xml"  # 244 bytes: the old claim prefix made it 268, past the 255 allowed
    assert len(long_name.encode()) > 232
    (inbox / long_name).write_bytes(_receipt(declaration))
    (inbox / "CEB604_Z.xml").write_bytes(_receipt(declaration, "399", seconds=1))

    summary = receipts_ingest(directory=inbox)

    assert (summary.files, summary.applied + summary.stale, summary.failed) == (2, 2, 0)
    assert _names(inbox / "processing") == []
    processed = _names(inbox / "processed")
    assert len(processed) == 2
    assert all(len(name.encode()) <= exchange.CLAIM_NAME_MAX_BYTES for name in processed)
    # The bounded name keeps the start of the original and stays distinct per original name.
    assert any(name.startswith("回执回执") and name.endswith(".xml") for name in processed)
    assert Declaration.objects.get(pk=declaration.pk).status == DeclarationStatus.CONCLUDED


def test_bounded_name_is_stable_distinct_and_short():
    a, b = "回" * 100 + "a.xml", "回" * 100 + "b.xml"
    assert exchange.bounded_name("CEB604_A.xml") == "CEB604_A.xml"
    assert exchange.bounded_name(a) == exchange.bounded_name(a) != exchange.bounded_name(b)
    for name in (a, b, "x" * 255, "é" * 127 + ".xml"):
        assert len(exchange.bounded_name(name).encode()) <= exchange.CLAIM_NAME_MAX_BYTES


def test_a_killed_run_leaves_one_file_in_processing_and_the_next_run_takes_it_again(inbox, monkeypatch):
    declaration = f.DeclarationFactory(status=DeclarationStatus.SENT)
    for n in range(5):
        (inbox / f"CEB604_{n}.xml").write_bytes(_receipt(declaration, "2", seconds=n))
    real_apply = receipt_services.receipt_apply
    calls = []

    def killed(**kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt  # stands for kill -9: nothing after it runs
        return real_apply(**kwargs)

    monkeypatch.setattr(receipt_services, "receipt_apply", killed)
    with pytest.raises(KeyboardInterrupt):
        receipts_ingest(directory=inbox)
    monkeypatch.setattr(receipt_services, "receipt_apply", real_apply)

    # Claimed one at a time: only the file being applied is in processing/, the rest still in the inbox.
    assert _names(inbox / "processing") == ["CEB604_2.xml"]
    assert len(_names(inbox / "processed")) == 2
    # A fresh claim is left alone (its process may still be working on it) ...
    summary = receipts_ingest(directory=inbox, stale_after=60)
    assert summary.reclaimed == 0
    assert _names(inbox / "processing") == ["CEB604_2.xml"]
    # ... and taken again once older than the bound.
    _age(inbox / "processing" / "CEB604_2.xml", 120)
    summary = receipts_ingest(directory=inbox, stale_after=60)
    assert summary.reclaimed == 1 and summary.files == 1
    assert _names(inbox / "processing") == []
    assert len(_names(inbox / "processed")) == 5
    assert Receipt.objects.filter(state=ReceiptState.FAILED).count() == 0


def test_a_half_finished_claim_is_taken_again_under_its_own_name(inbox):
    declaration = f.DeclarationFactory(status=DeclarationStatus.SENT)
    processing = inbox / "processing"
    processing.mkdir()
    staging = processing / ".claim-0123456789abcdef-CEB604_A.xml"
    staging.write_bytes(_receipt(declaration))
    _age(staging, 3600)

    summary = receipts_ingest(directory=inbox, stale_after=60)

    assert (summary.reclaimed, summary.applied) == (1, 1)
    assert _names(processing) == []
    assert _names(inbox / "processed") == ["CEB604_A.xml"]


def test_an_error_in_one_file_quarantines_it_and_the_others_continue(inbox, monkeypatch):
    declaration = f.DeclarationFactory(status=DeclarationStatus.SENT)
    (inbox / "CEB604_A.xml").write_bytes(b"<not xml")
    (inbox / "CEB604_B.xml").write_bytes(_receipt(declaration))

    def broken_reject(**kwargs):
        raise ValueError("disk full while recording")

    # Before: an error outside the apply step (here: recording a rejected file) escaped and stopped the run.
    monkeypatch.setattr(receipt_services, "receipt_reject", broken_reject)
    summary = receipts_ingest(directory=inbox)

    assert (summary.files, summary.failed, summary.applied) == (2, 1, 1)
    assert _names(inbox / "failed") == ["CEB604_A.xml", "CEB604_A.xml.reason.txt"]
    assert "disk full while recording" in (inbox / "failed" / "CEB604_A.xml.reason.txt").read_text()
    assert _names(inbox / "processed") == ["CEB604_B.xml"]
    assert _names(inbox / "processing") == []


def test_an_unreachable_database_gives_the_file_back_and_stops(inbox, monkeypatch):
    declaration = f.DeclarationFactory(status=DeclarationStatus.SENT)
    for name in ("CEB604_A.xml", "CEB604_B.xml"):
        (inbox / name).write_bytes(_receipt(declaration))

    def down(**kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(receipt_services, "receipt_apply", down)
    summary = receipts_ingest(directory=inbox)

    assert (summary.files, summary.deferred, summary.failed) == (0, 1, 0)
    assert _names(inbox) == ["CEB604_A.xml", "CEB604_B.xml", "processing"]
    assert _names(inbox / "processing") == []
    assert Declaration.objects.get(pk=declaration.pk).status == DeclarationStatus.SENT


def test_the_command_says_what_it_took_again(inbox, settings):
    from io import StringIO

    from django.core.management import call_command
    from django.utils import translation

    declaration = f.DeclarationFactory(status=DeclarationStatus.SENT)
    processing = inbox / "processing"
    processing.mkdir()
    (processing / "CEB604_A.xml").write_bytes(_receipt(declaration))
    _age(processing / "CEB604_A.xml", 2 * settings.RECEIPT_CLAIM_STALE_SECONDS)
    out = StringIO()
    with translation.override("en"):
        call_command("ingest_receipts", str(inbox), stdout=out)
    assert "1 files: 1 applied" in out.getvalue()
    assert "1 files left in processing/ by a stopped process were taken again" in out.getvalue()


def test_a_file_that_cannot_be_claimed_is_skipped_and_the_others_are_applied(inbox, monkeypatch):
    declaration = f.DeclarationFactory(status=DeclarationStatus.SENT)
    (inbox / "CEB604_A.xml").write_bytes(_receipt(declaration))
    (inbox / "CEB604_B.xml").write_bytes(_receipt(declaration, "399", seconds=1))
    real_rename = os.rename

    def refusing_rename(source, target):
        if os.path.basename(source) == "CEB604_A.xml":
            raise PermissionError("permission denied")
        return real_rename(source, target)

    monkeypatch.setattr(os, "rename", refusing_rename)
    summary = receipts_ingest(directory=inbox)

    assert (summary.files, summary.applied, summary.failed) == (1, 1, 0)
    assert _names(inbox / "processed") == ["CEB604_B.xml"]
    assert "CEB604_A.xml" in _names(inbox)  # untouched, taken by a later run
