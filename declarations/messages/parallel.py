"""render_all for many declarations at once, in worker processes: building and XSD-checking messages is pure CPU.

The workers are forked from the caller, so they share its settings, code tables and compiled schema, and they
never touch the database: each receives the declarations (with their enterprise, agent and warehouse loaded)
and their lines, and returns the rendered messages or why a declaration could not be rendered. The caller
stores and writes the results, in the order it handed the chunks over, while the workers render the next ones.

With one process (or none) everything runs inline, in the same order, with the same results.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime

from .common import Rendered
from .render import render_all
from .schema import SchemaInvalid
from .signing import Signer


@dataclass
class RenderedChunk:
    messages: dict[int, list[Rendered]] = field(default_factory=dict)  # declaration id -> its messages
    failed: dict[int, str] = field(default_factory=dict)  # declaration id -> why it could not be rendered
    peak_rss_mb: float = 0.0  # of the process that rendered the chunk


def render_chunk(items: Sequence[tuple], signer: Signer, at: datetime) -> RenderedChunk:
    """Every message of each (declaration, lines); a declaration that fails is reported, the others go on."""
    chunk = RenderedChunk()
    for declaration, lines in items:
        try:
            chunk.messages[declaration.pk] = render_all(declaration, lines, signer=signer, at=at)
        except (SchemaInvalid, ValueError) as exc:
            # As on the worker: a message that fails our XSD is never stored or sent.
            chunk.failed[declaration.pk] = str(exc)
    chunk.peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return chunk


_WORKER: dict = {}  # the forked worker's signer and appTime, inherited at fork (a signer need not pickle)


def _worker_init(signer: Signer, at: datetime) -> None:
    _WORKER.update(signer=signer, at=at)


def _render_in_worker(items: Sequence[tuple]) -> RenderedChunk:
    return render_chunk(items, _WORKER["signer"], _WORKER["at"])


def default_processes() -> int:
    return os.cpu_count() or 1


class RenderPool:
    """Chunks of declarations rendered by ``processes`` forked workers (inline for one); close() when done."""

    def __init__(self, *, processes: int, signer: Signer, at: datetime):
        self.processes = max(1, processes)
        self.signer = signer
        self.at = at
        self._executor: ProcessPoolExecutor | None = None

    def submit(self, items: Sequence[tuple]) -> Future:
        if self.processes == 1:
            done: Future = Future()
            try:
                done.set_result(render_chunk(items, self.signer, self.at))
            except BaseException as exc:
                done.set_exception(exc)
            return done
        if self._executor is None:
            # fork: the workers start in milliseconds with everything already imported and configured.
            self._executor = ProcessPoolExecutor(
                max_workers=self.processes,
                mp_context=multiprocessing.get_context("fork"),
                initializer=_worker_init,
                initargs=(self.signer, self.at),
            )
        return self._executor.submit(_render_in_worker, list(items))

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None
