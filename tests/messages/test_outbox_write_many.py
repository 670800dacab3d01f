"""outbox_write_many: a batch of messages made durable before any becomes visible, the small batch of one
declaration with concurrent fsyncs (one journal commit), a large one with one syncfs."""

import os
import threading

import pytest

from declarations.messages import exchange
from declarations.messages.exchange import OutboxConflict, outbox_write_many


def _files(n: int) -> list[tuple[str, bytes]]:
    return [(f"CEB303_{i:08d}-0000-0000-0000-000000000000.xml", f"<m>{i}</m>".encode()) for i in range(n)]


@pytest.fixture
def calls(monkeypatch):
    """Order of fsync / syncfs / rename / directory sync, in this process."""
    events: list[tuple[str, str]] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd):
        events.append(("fsync", os.readlink(f"/proc/self/fd/{fd}")))
        return real_fsync(fd)

    def replace(src, dst):
        events.append(("replace", os.fspath(dst)))
        return real_replace(src, dst)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    monkeypatch.setattr(exchange, "_fsync_directory", lambda d: events.append(("dirsync", os.fspath(d))))
    return events


def test_small_batch_fsyncs_every_temp_file_before_any_rename_then_syncs_the_directory(tmp_path, calls):
    files = _files(3)
    targets = outbox_write_many(directory=tmp_path, files=files)

    assert [p.name for p in targets] == [name for name, _ in files]
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == dict(files)  # no temp file left
    kinds = [kind for kind, _ in calls]
    assert kinds == ["fsync"] * 3 + ["replace"] * 3 + ["dirsync"]
    synced = sorted(os.path.basename(path) for kind, path in calls if kind == "fsync")
    assert all(name.startswith(".") and name.endswith(".tmp") for name in synced)  # the temp files, not *.xml


def test_small_batch_fsyncs_run_at_the_same_time(tmp_path, monkeypatch):
    """Concurrent fsyncs share one journal commit: all three must be in flight together (a barrier of three
    would time out if they ran one after another)."""
    barrier = threading.Barrier(3, timeout=10)
    real_fsync = os.fsync
    threads = set()

    def fsync(fd):
        if os.readlink(f"/proc/self/fd/{fd}").endswith(".tmp"):  # not the directory's sync afterwards
            threads.add(threading.current_thread().name)
            barrier.wait()
        return real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    outbox_write_many(directory=tmp_path, files=_files(3))
    assert len(threads) == 3
    assert len(list(tmp_path.glob("*.xml"))) == 3


def test_large_batch_uses_one_syncfs(tmp_path, calls, monkeypatch):
    synced = []
    monkeypatch.setattr(exchange, "_sync_filesystem", lambda d: synced.append(d) or True)
    outbox_write_many(directory=tmp_path, files=_files(exchange.SYNCFS_MIN_FILES))
    assert synced == [tmp_path]
    kinds = [kind for kind, _ in calls]
    assert kinds == ["replace"] * exchange.SYNCFS_MIN_FILES + ["dirsync"]


def test_large_batch_without_syncfs_fsyncs_each_file(tmp_path, calls, monkeypatch):
    monkeypatch.setattr(exchange, "_sync_filesystem", lambda d: False)
    n = exchange.SYNCFS_MIN_FILES
    outbox_write_many(directory=tmp_path, files=_files(n))
    kinds = [kind for kind, _ in calls]
    assert kinds == ["fsync"] * n + ["replace"] * n + ["dirsync"]


def test_failed_fsync_leaves_nothing_behind(tmp_path, monkeypatch):
    def fsync(fd):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "fsync", fsync)
    with pytest.raises(OSError):
        outbox_write_many(directory=tmp_path, files=_files(3))
    assert list(tmp_path.iterdir()) == []  # neither a temp file nor a message


def test_failed_write_closes_and_removes_the_temp_files(tmp_path, monkeypatch):
    real_write = os.write
    written = []

    def write(fd, data):
        if len(written) == 2:
            raise OSError(28, "No space left on device")
        written.append(fd)
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", write)
    with pytest.raises(OSError):
        outbox_write_many(directory=tmp_path, files=_files(3))
    assert list(tmp_path.iterdir()) == []
    for fd in written:
        with pytest.raises(OSError):
            os.fstat(fd)  # closed


def test_identical_files_are_skipped_and_a_conflict_writes_nothing(tmp_path):
    files = _files(3)
    outbox_write_many(directory=tmp_path, files=files[:1])
    before = (tmp_path / files[0][0]).stat().st_mtime_ns
    outbox_write_many(directory=tmp_path, files=files)
    assert (tmp_path / files[0][0]).stat().st_mtime_ns == before
    assert len(list(tmp_path.glob("*.xml"))) == 3

    conflicting = [(files[1][0], b"<other/>"), ("CEB505_new.xml", b"<new/>")]
    with pytest.raises(OutboxConflict):
        outbox_write_many(directory=tmp_path, files=conflicting)
    assert not (tmp_path / "CEB505_new.xml").exists()
    assert (tmp_path / files[1][0]).read_bytes() == files[1][1]


def test_a_forked_process_gets_its_own_fsync_threads(tmp_path, monkeypatch):
    outbox_write_many(directory=tmp_path / "a", files=_files(2))
    pid, pool = exchange._fsync_pool
    monkeypatch.setattr(os, "getpid", lambda: pid + 1)  # as seen from a child after fork
    outbox_write_many(directory=tmp_path / "b", files=_files(2))
    assert exchange._fsync_pool[0] == pid + 1
    assert exchange._fsync_pool[1] is not pool
    assert len(list((tmp_path / "b").glob("*.xml"))) == 2


def test_syncfs_is_looked_up_once_per_process_not_per_batch(tmp_path, monkeypatch):
    """ctypes' find_library runs ldconfig in a child process: once, not for every staged batch."""
    import subprocess

    from declarations.libc import libc

    libc.cache_clear()
    spawned = []
    real = subprocess.Popen

    def counting(*args, **kwargs):
        spawned.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(subprocess, "Popen", counting)
    results = [exchange._sync_filesystem(tmp_path) for _ in range(3)]

    assert results == [True] * 3
    assert len(spawned) == 1


def test_staged_without_durability_is_synced_later_in_one_step(tmp_path, calls, monkeypatch):
    """durable=False writes the temp files only; outbox_make_durable then syncs them all before any rename."""
    synced = []
    monkeypatch.setattr(exchange, "_sync_filesystem", lambda d: synced.append(d) or True)
    n = exchange.SYNCFS_MIN_FILES
    first = exchange.outbox_stage_many(directory=tmp_path, files=_files(n)[: n // 2], durable=False)
    second = exchange.outbox_stage_many(directory=tmp_path, files=_files(n)[n // 2 :], durable=False)
    assert calls == [] and synced == []  # nothing synced yet
    assert len(list(tmp_path.glob(".*.tmp"))) == n and not list(tmp_path.glob("*.xml"))

    exchange.outbox_make_durable(staged=first + second)
    assert synced == [tmp_path] and calls == []  # one syncfs for both batches

    exchange.outbox_publish(staged=first + second)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(name for name, _ in _files(n))


def test_few_files_staged_without_durability_are_fsynced_each(tmp_path, calls, monkeypatch):
    monkeypatch.setattr(exchange, "_sync_filesystem", lambda d: pytest.fail("syncfs for three files"))
    staged = exchange.outbox_stage_many(directory=tmp_path, files=_files(3), durable=False)
    assert calls == []

    exchange.outbox_make_durable(staged=staged)
    assert sorted(path for kind, path in calls) == sorted(os.fspath(item.temp) for item in staged)
    assert {kind for kind, _ in calls} == {"fsync"}
