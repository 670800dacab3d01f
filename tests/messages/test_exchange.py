"""The folder exchange: atomic idempotent outbox writes, exclusive claims, moves that never overwrite."""

import os
import threading

import pytest

from declarations.messages.exchange import (
    OutboxConflict,
    inbox_claim,
    inbox_done,
    inbox_failed,
    outbox_write,
)

GUID = "3a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c40"


def names(directory):
    return sorted(p.name for p in directory.iterdir())


# --- outbox ----------------------------------------------------------------------------------------------


def test_outbox_write_creates_directory_and_leaves_no_temp_files(tmp_path):
    outbox = tmp_path / "nested" / "outbox"
    name = f"CEB603_{GUID}.xml"
    path = outbox_write(directory=outbox, file_name=name, content=b"<xml/>")
    assert path == outbox / name
    assert path.read_bytes() == b"<xml/>"
    assert names(outbox) == [name]


def test_outbox_write_fsyncs_before_rename(tmp_path, monkeypatch):
    events = []
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr(os, "fsync", lambda fd: (events.append("fsync"), real_fsync(fd))[1])
    monkeypatch.setattr(os, "replace", lambda a, b: (events.append("replace"), real_replace(a, b))[1])
    outbox_write(directory=tmp_path, file_name="CEB603_A.xml", content=b"data")
    assert events.index("fsync") < events.index("replace")


def test_outbox_temp_file_is_in_the_same_directory_and_not_xml(tmp_path, monkeypatch):
    seen = []
    real_replace = os.replace

    def spy(source, target):
        seen.append((os.fspath(source), os.fspath(target)))
        return real_replace(source, target)

    monkeypatch.setattr(os, "replace", spy)
    outbox_write(directory=tmp_path, file_name="CEB603_A.xml", content=b"data")
    [(source, target)] = seen
    assert os.path.dirname(source) == os.path.dirname(target) == str(tmp_path)
    assert not source.endswith(".xml")
    assert os.path.basename(source).startswith(".")


def test_failed_write_leaves_nothing_behind(tmp_path, monkeypatch):
    def broken_replace(source, target):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        outbox_write(directory=tmp_path, file_name="CEB603_A.xml", content=b"data")
    assert names(tmp_path) == []


def test_second_identical_write_is_idempotent(tmp_path):
    first = outbox_write(directory=tmp_path, file_name="CEB603_A.xml", content=b"same")
    mtime = first.stat().st_mtime_ns
    second = outbox_write(directory=tmp_path, file_name="CEB603_A.xml", content=b"same")
    assert first == second
    assert names(tmp_path) == ["CEB603_A.xml"]
    assert second.stat().st_mtime_ns == mtime  # not rewritten


def test_same_name_different_content_is_a_conflict(tmp_path):
    outbox_write(directory=tmp_path, file_name="CEB603_A.xml", content=b"first")
    with pytest.raises(OutboxConflict) as info:
        outbox_write(directory=tmp_path, file_name="CEB603_A.xml", content=b"second")
    assert info.value.path == tmp_path / "CEB603_A.xml"
    assert (tmp_path / "CEB603_A.xml").read_bytes() == b"first"
    assert names(tmp_path) == ["CEB603_A.xml"]


@pytest.mark.parametrize(
    "file_name", ["", "../CEB603_A.xml", "sub/CEB603_A.xml", ".hidden.xml", "..", "a\\b.xml"]
)
def test_outbox_refuses_names_that_leave_the_directory(tmp_path, file_name):
    with pytest.raises(ValueError):
        outbox_write(directory=tmp_path / "outbox", file_name=file_name, content=b"x")
    assert not (tmp_path / "CEB603_A.xml").exists()


# --- inbox -----------------------------------------------------------------------------------------------


@pytest.fixture
def inbox(tmp_path):
    directory = tmp_path / "inbox"
    directory.mkdir()
    return directory


def test_claim_moves_xml_files_into_processing_sorted(inbox):
    (inbox / "CEB604_B.xml").write_bytes(b"b")
    (inbox / "CEB304_A.xml").write_bytes(b"a")
    (inbox / "notes.txt").write_bytes(b"not a receipt")
    (inbox / ".CEB604_C.xml.tmp").write_bytes(b"being written")
    (inbox / ".CEB604_D.xml").write_bytes(b"hidden temp of the client")
    (inbox / "sub").mkdir()
    (inbox / "sub" / "CEB604_E.xml").write_bytes(b"nested")

    claimed = inbox_claim(inbox)

    assert claimed == [inbox / "processing" / "CEB304_A.xml", inbox / "processing" / "CEB604_B.xml"]
    assert [p.read_bytes() for p in claimed] == [b"a", b"b"]
    assert names(inbox) == [".CEB604_C.xml.tmp", ".CEB604_D.xml", "notes.txt", "processing", "sub"]
    assert inbox_claim(inbox) == []


def test_claim_skips_symlinks(inbox, tmp_path):
    outside = tmp_path / "outside.xml"
    outside.write_bytes(b"secret")
    (inbox / "CEB604_LINK.xml").symlink_to(outside)
    assert inbox_claim(inbox) == []
    assert outside.read_bytes() == b"secret"


def test_claim_of_an_empty_or_missing_processing_folder(inbox):
    assert inbox_claim(inbox) == []
    assert (inbox / "processing").is_dir()


def test_file_claimed_by_another_worker_is_skipped(inbox, monkeypatch):
    for name in ("CEB604_A.xml", "CEB604_B.xml"):
        (inbox / name).write_bytes(name.encode())
    elsewhere = inbox / "other-worker"
    elsewhere.mkdir()
    real_rename = os.rename

    def racing_rename(source, target):
        if os.path.basename(source) == "CEB604_A.xml":
            # Another worker wins the race between our listing and our rename.
            real_rename(source, elsewhere / "CEB604_A.xml")
        return real_rename(source, target)

    monkeypatch.setattr(os, "rename", racing_rename)
    claimed = inbox_claim(inbox)
    assert claimed == [inbox / "processing" / "CEB604_B.xml"]
    assert (elsewhere / "CEB604_A.xml").read_bytes() == b"CEB604_A.xml"


def test_concurrent_claims_never_share_a_file(inbox):
    for n in range(200):
        (inbox / f"CEB604_{n:04d}.xml").write_bytes(str(n).encode())
    results = [[] for _ in range(4)]
    barrier = threading.Barrier(len(results))

    def worker(index):
        barrier.wait()
        results[index].extend(inbox_claim(inbox))

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(results))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    all_claimed = [path.name for result in results for path in result]
    assert len(all_claimed) == len(set(all_claimed)) == 200
    assert len(names(inbox / "processing")) == 200


def test_claim_does_not_overwrite_a_stale_file_in_processing(inbox):
    (inbox / "processing").mkdir()
    (inbox / "processing" / "CEB604_A.xml").write_bytes(b"stale")
    (inbox / "CEB604_A.xml").write_bytes(b"new")
    [claimed] = inbox_claim(inbox)
    assert claimed.name == "CEB604_A.1.xml"
    assert claimed.read_bytes() == b"new"
    assert (inbox / "processing" / "CEB604_A.xml").read_bytes() == b"stale"


def test_done_moves_into_processed(inbox):
    (inbox / "CEB604_A.xml").write_bytes(b"a")
    [claimed] = inbox_claim(inbox)
    done = inbox_done(claimed, directory=inbox)
    assert done == inbox / "processed" / "CEB604_A.xml"
    assert done.read_bytes() == b"a"
    assert names(inbox / "processing") == []


def test_failed_moves_into_failed_with_reason_file(inbox):
    (inbox / "CEB604_A.xml").write_bytes(b"<broken")
    [claimed] = inbox_claim(inbox)
    failed = inbox_failed(claimed, directory=inbox, reason="RECEIPT_NOT_XML: 回执不是 XML")
    assert failed == inbox / "failed" / "CEB604_A.xml"
    assert failed.read_bytes() == b"<broken"
    reason = inbox / "failed" / "CEB604_A.xml.reason.txt"
    assert reason.read_text(encoding="utf-8") == "RECEIPT_NOT_XML: 回执不是 XML\n"
    assert names(inbox / "failed") == ["CEB604_A.xml", "CEB604_A.xml.reason.txt"]
    assert names(inbox / "processing") == []


def test_done_never_overwrites_an_existing_receipt(inbox):
    processed = inbox / "processed"
    processed.mkdir()
    (processed / "CEB604_A.xml").write_bytes(b"yesterday")
    (processed / "CEB604_A.1.xml").write_bytes(b"earlier today")
    for content in (b"now", b"later"):
        (inbox / "CEB604_A.xml").write_bytes(content)
        [claimed] = inbox_claim(inbox)
        inbox_done(claimed, directory=inbox)
    assert {name: (processed / name).read_bytes() for name in names(processed)} == {
        "CEB604_A.xml": b"yesterday",
        "CEB604_A.1.xml": b"earlier today",
        "CEB604_A.2.xml": b"now",
        "CEB604_A.3.xml": b"later",
    }


def test_failed_never_overwrites_and_keeps_each_reason(inbox):
    for reason in ("first", "second"):
        (inbox / "CEB604_A.xml").write_bytes(reason.encode())
        [claimed] = inbox_claim(inbox)
        inbox_failed(claimed, directory=inbox, reason=reason)
    failed = inbox / "failed"
    assert (failed / "CEB604_A.xml").read_bytes() == b"first"
    assert (failed / "CEB604_A.xml.reason.txt").read_text() == "first\n"
    assert (failed / "CEB604_A.1.xml").read_bytes() == b"second"
    assert (failed / "CEB604_A.1.xml.reason.txt").read_text() == "second\n"


def test_moves_without_hard_links_still_never_overwrite(inbox, monkeypatch):
    def no_links(source, target):
        raise PermissionError("hard links not supported on this mount")

    monkeypatch.setattr(os, "link", no_links)
    (inbox / "processed").mkdir()
    (inbox / "processed" / "CEB604_A.xml").write_bytes(b"old")
    (inbox / "CEB604_A.xml").write_bytes(b"new")
    [claimed] = inbox_claim(inbox)
    done = inbox_done(claimed, directory=inbox)
    assert done.name == "CEB604_A.1.xml"
    assert done.read_bytes() == b"new"
    assert (inbox / "processed" / "CEB604_A.xml").read_bytes() == b"old"
    assert not claimed.exists()


def test_done_of_a_vanished_file_raises(inbox):
    with pytest.raises(FileNotFoundError):
        inbox_done(inbox / "processing" / "CEB604_GONE.xml", directory=inbox)
