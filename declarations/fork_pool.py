"""Forked worker processes for CPU-bound work on data the caller hands over (the bulk submission's rendering).

The workers are forked from the caller, so they share its settings, code tables and compiled schemas and
start in milliseconds. They never use the caller's database connection: they receive plain data (pickled)
and return plain data. ``work(items, **context)`` runs in a worker; the context (a signer, a directory, ...)
is inherited at fork and need not pickle. With one process everything runs inline, with the same results.

A large result (a bulk submission's part: a megabyte of rendered messages) comes back through a file in the
pool's own temp folder, and only the file's name through the executor's pipe: the caller's thread that reads
that pipe needs the GIL back after each 64 KB the pipe holds, and while the caller's main thread computes it
got it a few milliseconds at a time, so a worker waited a tenth of a second per result before it could start
the next part (docs/benchmarks.md, ninth round).
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import pickle
import resource
import shutil
import signal
import tempfile
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, wait
from contextlib import contextmanager

from declarations.libc import libc

_WORKER: dict = {}  # set in each forked worker by _start
SPILL_BYTES = 256 * 1024  # a pickled result at least this large comes back through a file


def _start(parent: int, work: Callable, context: dict, niceness: int, spill_dir: str) -> None:
    _exit_with_parent(parent)
    if niceness > 0:
        # Yield the CPU to the caller: it feeds the workers and is the one serial step, so with more busy
        # processes than CPUs it would otherwise get a CPU only part of the time and hold them all up.
        os.nice(niceness)
    # A worker lives as long as its pool (one job) and handles plain data that reference counting frees: the
    # cycle collector would only walk it.
    gc.disable()
    _WORKER.update(work=work, context=context, spill_dir=spill_dir)


def _exit_with_parent(parent: int) -> None:
    """Be killed when the parent dies, even by kill -9: a worker inherits both ends of its task pipe, so it would
    never see the pipe close and would wait for tasks forever (Linux; elsewhere close() must run). SIGKILL, not
    SIGTERM: a worker forked from a gunicorn or Celery process inherits their SIGTERM handlers, which do not
    exit; it holds nothing that needs a clean exit."""
    prctl = getattr(libc(), "prctl", None)
    if prctl is None:
        return
    prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


_PR_SET_PDEATHSIG = 1


class _Spilled:
    """A result left in a file of the pool's spill folder: the name is what goes through the pipe."""

    __slots__ = ("path",)

    def __init__(self, path: str):
        self.path = path


def _run(items: Sequence):
    result = _WORKER["work"](items, **_WORKER["context"])
    data = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
    if len(data) < SPILL_BYTES:
        return result  # pickled again by the executor: small, so cheaper than a file
    path = os.path.join(_WORKER["spill_dir"], uuid.uuid4().hex)
    with open(path, "wb") as spill:
        spill.write(data)
    return _Spilled(path)


def _unspilled(value):
    if not isinstance(value, _Spilled):
        return value
    try:
        with open(value.path, "rb") as spill:
            return pickle.loads(spill.read())
    finally:
        os.unlink(value.path)


def _transfer(inner: Future, outer: Future) -> None:
    """The worker's outcome to the caller's future, a spilled result read back (in the executor's thread)."""
    if inner.cancelled():
        outer.cancel()
        return
    if not outer.set_running_or_notify_cancel():
        with contextlib.suppress(Exception):
            _unspilled(inner.result())  # nobody wants it, but its file must go
        return
    exc = inner.exception()
    if exc is not None:
        outer.set_exception(exc)
        return
    try:
        outer.set_result(_unspilled(inner.result()))
    except BaseException as error:  # the file unreadable: the caller learns it from its future
        outer.set_exception(error)


@contextmanager
def _children_allowed():
    """Let a daemonic process (a Celery prefork pool process runs its tasks in one) fork these workers.

    multiprocessing refuses children to daemonic processes because they would be orphaned when it is
    terminated. These workers do not outlive their parent: close() joins them, and should the parent be
    killed instead, the kernel terminates them (_exit_with_parent; a worker holds no state of its own).
    """
    config = multiprocessing.current_process()._config
    daemon = config.get("daemon")
    if not daemon:
        yield
        return
    config["daemon"] = False
    try:
        yield
    finally:
        config["daemon"] = daemon


def release_free_memory() -> None:
    """Collect cyclic garbage and hand the C heap's free pages back to the kernel (glibc's malloc_trim).

    Called before forking: a page still mapped at the fork is shared copy-on-write with the workers, and in a
    long-lived process (a Celery worker's second import) the caller's new objects reuse the memory the previous
    job freed, so each of those pages was copied on its first write while the workers lived. The bench's second
    and third rounds in one process read the workbook 0.3 s slower than the first, and not without workers.
    """
    gc.collect()
    trim = getattr(libc(), "malloc_trim", None)
    if trim is not None:
        trim(0)


def cpu_count() -> int:
    """CPUs this process may run on (a container's cpuset, not the host's count where that is known)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def peak_rss_mb() -> float:
    """This process's peak resident set so far (what a worker reports with its results)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class ForkPool:
    """``submit(items)`` returns a Future of ``work(items, **context)``; ``close()`` when done."""

    def __init__(self, *, processes: int, work: Callable, context: dict, niceness: int = 0):
        self.processes = max(1, processes)
        # Added to the workers' nice value (a lower priority); 0 leaves them at the caller's.
        self.niceness = max(0, niceness)
        self.work = work
        self.context = context
        self._executor: ProcessPoolExecutor | None = None
        self._spill_dir: str | None = None

    def start(self) -> None:
        """Fork the workers now: before the caller grows (a workbook read), so that they stay small and the
        caller's later writes to its memory are not copied for them page by page."""
        if self.processes > 1 and self._executor is None:
            release_free_memory()
            self._executor = self._new_executor()
            # The executor forks every worker when the first task arrives.
            with _children_allowed():
                wait([self._executor.submit(os.getpid) for _ in range(self.processes)])

    def _new_executor(self) -> ProcessPoolExecutor:
        libc()  # loaded here, so that the workers inherit it instead of each running ldconfig
        self._spill_dir = tempfile.mkdtemp(prefix="fork-pool-")
        return ProcessPoolExecutor(
            max_workers=self.processes,
            mp_context=multiprocessing.get_context("fork"),
            initializer=_start,
            initargs=(os.getpid(), self.work, self.context, self.niceness, self._spill_dir),
        )

    def submit(self, items: Sequence) -> Future:
        if self.processes == 1:
            done: Future = Future()
            try:
                done.set_result(self.work(items, **self.context))
            except BaseException as exc:
                done.set_exception(exc)
            return done
        if self._executor is None:
            self._executor = self._new_executor()
        with _children_allowed():
            inner = self._executor.submit(_run, items)
        outer: Future = Future()
        inner.add_done_callback(lambda done: _transfer(done, outer))
        return outer

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None
        if self._spill_dir is not None:
            # Empty unless a worker died between writing a result and returning it.
            shutil.rmtree(self._spill_dir, ignore_errors=True)
            self._spill_dir = None
