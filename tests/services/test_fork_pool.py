"""fork_pool.ForkPool: the same results inline and in forked workers; workers never outlive their parent."""

import multiprocessing
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from declarations import fork_pool
from declarations.fork_pool import ForkPool, release_free_memory
from declarations.libc import libc

ROOT = Path(__file__).resolve().parents[2]


def _double(items, *, factor):
    if "boom" in items:
        raise ValueError("boom in the worker")
    return [item * factor for item in items], os.getpid()


@pytest.mark.parametrize("processes", [1, 2])
def test_results_come_back_in_order_and_errors_reach_the_caller(processes):
    pool = ForkPool(processes=processes, work=_double, context={"factor": 3})
    try:
        pool.start()
        futures = [pool.submit([n, n + 1]) for n in range(0, 10, 2)]
        failing = pool.submit(["boom"])
        results = [future.result() for future in futures]
        with pytest.raises(ValueError, match="boom in the worker"):
            failing.result()
    finally:
        pool.close()
    assert [values for values, _pid in results] == [[3 * n, 3 * n + 3] for n in range(0, 10, 2)]
    pids = {pid for _values, pid in results}
    if processes == 1:
        assert pids == {os.getpid()}
    else:
        assert os.getpid() not in pids and 1 <= len(pids) <= 2


def _in_daemon(queue):
    pool = ForkPool(processes=2, work=_double, context={"factor": 2})
    try:
        pool.start()
        queue.put(pool.submit([5]).result()[0])
    except Exception as exc:  # reported to the test instead of dying silently
        queue.put(repr(exc))
    finally:
        pool.close()


def test_a_daemonic_process_may_start_the_pool():
    """A Celery prefork pool process is daemonic: multiprocessing alone would refuse it children."""
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    process = context.Process(target=_in_daemon, args=(queue,), daemon=True)
    process.start()
    try:
        assert queue.get(timeout=30) == [10]
    finally:
        process.join(timeout=30)
    assert process.exitcode == 0


def test_workers_die_with_a_killed_parent():
    script = textwrap.dedent(
        """
        import signal, sys, time
        from declarations.fork_pool import ForkPool
        signal.signal(signal.SIGTERM, lambda *args: None)  # as a gunicorn or Celery process: TERM does not exit
        pool = ForkPool(processes=2, work=lambda items: items, context={})
        pool.start()
        print(*[p.pid for p in pool._executor._processes.values()], flush=True)
        time.sleep(60)
        """
    )
    parent = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    children = [int(pid) for pid in parent.stdout.readline().split()]
    assert len(children) == 2
    parent.send_signal(signal.SIGKILL)
    parent.wait(timeout=10)

    deadline = time.monotonic() + 10
    alive = children
    while alive and time.monotonic() < deadline:
        alive = [pid for pid in children if _running(pid)]
        time.sleep(0.05)
    assert alive == []


def _running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split()[2] != "Z"  # a zombie has exited (its parent, init, reaps it)
    except FileNotFoundError:
        return False


def test_cpu_count_is_the_cpus_this_process_may_use(monkeypatch):
    from declarations import fork_pool

    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 3, 5}, raising=False)
    assert fork_pool.cpu_count() == 3


def _collector_state(items):
    import gc

    return gc.isenabled()


def test_workers_run_without_the_cycle_collector():
    pool = ForkPool(processes=2, work=_collector_state, context={})
    try:
        pool.start()
        assert pool.submit([1]).result() is False
    finally:
        pool.close()


def _niceness(items):
    return os.nice(0)


@pytest.mark.parametrize("niceness", [0, 7])
def test_workers_run_at_the_niceness_asked_for_above_the_callers(niceness):
    callers = os.nice(0)
    pool = ForkPool(processes=2, work=_niceness, context={}, niceness=niceness)
    try:
        pool.start()
        assert [pool.submit([n]).result() for n in range(4)] == [callers + niceness] * 4
    finally:
        pool.close()
    assert os.nice(0) == callers


def _large(items, *, size):
    return [bytes([item]) * size for item in items]


def test_a_large_result_comes_back_through_a_file_that_is_removed(monkeypatch):
    from declarations import fork_pool

    pool = ForkPool(processes=2, work=_large, context={"size": fork_pool.SPILL_BYTES})
    spilled = []
    unspilled = fork_pool._unspilled
    monkeypatch.setattr(fork_pool, "_unspilled", lambda value: (spilled.append(value), unspilled(value))[1])
    try:
        pool.start()
        spill_dir = Path(pool._spill_dir)
        results = [pool.submit([n, n + 1]).result() for n in range(3)]
        small = pool.submit([]).result()
        assert list(spill_dir.iterdir()) == []
    finally:
        pool.close()
    assert results == [
        [bytes([n]) * fork_pool.SPILL_BYTES, bytes([n + 1]) * fork_pool.SPILL_BYTES] for n in range(3)
    ]
    assert small == []
    assert sum(isinstance(value, fork_pool._Spilled) for value in spilled) == 3  # the empty one came by pipe
    assert not spill_dir.exists()


def _unreadable(items):
    return items


def test_a_spilled_result_that_cannot_be_read_fails_its_future(monkeypatch):
    from declarations import fork_pool

    pool = ForkPool(processes=2, work=_unreadable, context={})
    try:
        pool.start()
        monkeypatch.setattr(fork_pool, "_unspilled", lambda value: (_ for _ in ()).throw(OSError("gone")))
        with pytest.raises(OSError, match="gone"):
            pool.submit([1]).result()
    finally:
        pool.close()


def _resident_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


@pytest.mark.skipif(not hasattr(libc(), "malloc_trim"), reason="no glibc malloc_trim on this system")
def test_memory_freed_before_the_fork_goes_back_to_the_kernel():
    # 2,000-byte objects live in the C heap (pymalloc keeps only those up to 512 bytes); the one made after them
    # holds the top of the heap, so freeing them cannot shrink it by itself.
    blocks = [bytes(2000) for _ in range(50_000)]
    top = bytes(2000)
    del blocks
    before = _resident_bytes()

    release_free_memory()

    assert before - _resident_bytes() > 50 * 1024 * 1024  # of the ~100 MB freed
    assert len(top) == 2000


def test_memory_is_released_before_the_workers_are_forked(monkeypatch):
    pool = ForkPool(processes=2, work=_double, context={"factor": 1})
    executors_when_released = []
    monkeypatch.setattr(
        fork_pool, "release_free_memory", lambda: executors_when_released.append(pool._executor)
    )
    try:
        pool.start()
        assert pool.submit([1]).result()[0] == [1]
    finally:
        pool.close()
    assert executors_when_released == [None]
