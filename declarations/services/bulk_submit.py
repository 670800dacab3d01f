"""Submitting many checked declarations at once (批量申报): the spreadsheet import's "submit" option.

For each chunk the caller hands over (declarations it has just checked and stored, with their lines in memory),
this does what ``submission.declaration_submit`` and the worker's ``declaration_render`` do for one:

1. one transaction: the chunk moves to SUBMITTED in a new version, with a StatusEvent each and one fallback
   render intent for the chunk (``declarations_submit_checked``);
2. forked worker processes (``fork_pool``) render and XSD-check every message, make its database row and
   write its outbox file under a temp name, durably (or made durable before 3, see below), while the caller goes
   on checking and storing the next chunks; nothing is read back from the database;
3. one transaction: the declarations still SUBMITTED in their version (under row locks) move to SENT and their
   rows are stored, marked written as of their durable staging; a declaration that failed moves to
   RENDER_FAILED with the reason; one StatusEvent each;
4. the stored messages' files are renamed to their *.xml names (the others' temp files removed);
5. the fallback intent is done.

A chunk is finished (3–5) in the order it was handed over, once the workers return it; at most ``in_flight``
chunks wait, so memory stays bounded by a few chunks. On PostgreSQL (outside a transaction of the caller's) a
writer thread of its own, on its own database connection, finishes the chunks while the caller checks the next
ones (``writer_thread_allowed``); it also makes each chunk's files durable in one step before 3, so that the
workers never wait for the disk. A chunk that fails there stops the writer: the chunks after it are left as
when the caller fails. Should the process die between 1 and 5, the sweeper
publishes the chunk's fallback intent (after its grace period) and a worker finishes its declarations the
usual way: a declaration still SUBMITTED is rendered; one whose messages are stored has them written to the
outbox again from the database (the same files, idempotent), which also covers the moment between 3 and 4,
when a declaration is SENT but its files are not yet visible. A declaration a user withdrew meanwhile, or
that a worker rendered first, is left alone in 3.

Unlike the worker path, the rows are stored already marked written (step 3, not after the rename): on SQLite
marking 30,000 stored messages rewrote every row with its content, the largest single cost of a bulk
submission, and the fallback intent keeps the rename recoverable until it is done.
"""

from __future__ import annotations

import operator
from collections import deque, namedtuple
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, connections, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from declarations.choices import DeclarationStatus, EventSource
from declarations.fork_pool import ForkPool, cpu_count, peak_rss_mb
from declarations.messages import exchange, schema
from declarations.messages.common import china_time
from declarations.messages.render import render_all
from declarations.messages.schema import SchemaInvalid
from declarations.messages.signing import Signer, get_signer
from declarations.models import Declaration, DeclarationLine, RenderedMessage
from declarations.services.bulk_store import id_batches, insert_rows, insertable_fields
from declarations.services.dispatch import task_fallback_done
from declarations.services.status import declarations_advance_bulk
from declarations.services.submission import declarations_submit_checked

# The values _MessageRows.rows gives each row, by field name.
_MESSAGE_VALUES = (
    "declaration_id",
    "message_type",
    "version",
    "guid",
    "content",
    "sha256",
    "signed",
    "outbox_file",
    "written_at",
    "created_at",
)


class _MessageRows:
    """RenderedMessage rows (tuples of database values) for rendered messages, made in the render processes.

    The values are those ``RenderedMessage.from_rendered`` with ``written_at`` and ``outbox_file`` set would
    store through RowMaker, built without a model instance per message (its __init__ and the per-row
    conversion were a tenth of a render process's time): the timestamps are converted for the database once per
    part, the content by its field as RowMaker converts it, and ``created_at`` is the time the rows are made,
    as auto_now_add would set it then.
    """

    def __init__(self):
        fields = insertable_fields(RenderedMessage)
        self.columns = [f.column for f in fields]
        self._names = [f.attname for f in fields]
        made = set(_MESSAGE_VALUES)
        if set(self._names) != made:  # a new field needs a value here: fail on import, not in a worker
            raise ImproperlyConfigured(f"RenderedMessage fields changed: {sorted(set(self._names) ^ made)}")
        self._content = RenderedMessage._meta.get_field("content")
        self._time = RenderedMessage._meta.get_field("written_at")
        self.file_at = self.columns.index("outbox_file")
        self._times_at = (self.columns.index("written_at"), self.columns.index("created_at"))

    def rows(self, declaration, rendered: Sequence, *, written_at: datetime) -> list[tuple]:
        at = self._time.get_db_prep_save(written_at, connection)
        prep_content = self._content.get_db_prep_save
        names = self._names
        rows = []
        for message in rendered:
            message_type = str(message.message_type)
            values = {
                "declaration_id": declaration.pk,
                "message_type": message_type,
                "version": declaration.version,
                "guid": message.guid,
                "content": _picklable(prep_content(message.content, connection)),
                "sha256": RenderedMessage.digest(message.content),
                "signed": bool(getattr(message, "signed", False)),
                "outbox_file": RenderedMessage.file_name_for(message_type, message.guid),
                "written_at": at,
                "created_at": at,
            }
            rows.append(tuple([values[name] for name in names]))
        return rows

    def restamped(self, rows: Sequence[tuple], *, written_at: datetime) -> list[tuple]:
        """The rows with ``written_at`` (and ``created_at``) moved to the given time: when their files became
        durable after the workers made the rows."""
        at = self._time.get_db_prep_save(written_at, connection)
        out = []
        for row in rows:
            values = list(row)
            for index in self._times_at:
                values[index] = at
            out.append(tuple(values))
        return out


_MESSAGE_ROWS = _MessageRows()
# The renderers read the lines' fields only: plain tuples pickle in a tenth of the time of model instances.
_LINE_FIELDS = [f.attname for f in DeclarationLine._meta.concrete_fields]
_line_values = operator.attrgetter(*_LINE_FIELDS)
# What a worker renders a line from: its fields by name, read-only, made from the tuple in one step.
_RenderLine = namedtuple("_RenderLine", _LINE_FIELDS)
RENDER_PART = 100  # declarations per task handed to a worker


@dataclass
class BulkSubmitResult:
    submitted: int = 0  # moved to SUBMITTED by this run
    sent: int = 0  # rendered, stored, written to the outbox and moved to SENT
    messages: int = 0  # messages stored and written
    failed: dict[int, str] = field(default_factory=dict)  # declaration id -> why it could not be rendered
    render_peak_rss_mb: float = 0.0  # the largest render process's peak


@dataclass
class _Pending:
    declarations: dict[int, Declaration]
    intent_id: int  # the chunk's fallback render intent
    futures: list[Future]  # of the _RenderedChunk of each part
    completion: Future | None = None  # of its steps 3-5, when the writer thread does them


@dataclass
class _RenderedChunk:
    rows: dict[int, list[tuple]] = field(default_factory=dict)  # declaration id -> its messages' rows
    staged: dict[int, list[exchange.Staged]] = field(default_factory=dict)  # -> their files, not yet *.xml
    failed: dict[int, str] = field(default_factory=dict)  # declaration id -> why it could not be rendered
    peak_rss_mb: float = 0.0  # of the process that rendered the chunk

    def all_staged(self) -> list[exchange.Staged]:
        return [item for items in self.staged.values() for item in items]


def _render_and_stage(
    items: Sequence[tuple], *, signer: Signer, at: datetime, outbox: Path, durable: bool = True
) -> _RenderedChunk:
    """In a worker: every message of each (declaration, line tuples), as rows to insert and staged files."""
    chunk = _RenderedChunk()
    rendered_by: dict[int, tuple[Declaration, list]] = {}
    for declaration, line_values in items:
        lines = [_RenderLine._make(values) for values in line_values]
        try:
            rendered = render_all(declaration, lines, signer=signer, at=at)
        except (SchemaInvalid, ValueError) as exc:
            # As on the worker: a message that fails our XSD is never stored or sent.
            chunk.failed[declaration.pk] = str(exc)
            continue
        rendered_by[declaration.pk] = (declaration, rendered)
    owner, files = {}, []
    for pk, (_declaration, rendered) in rendered_by.items():
        for message in rendered:
            name = RenderedMessage.file_name_for(str(message.message_type), message.guid)
            owner[name] = pk
            files.append((name, bytes(message.content)))
    for item in exchange.outbox_stage_many(directory=outbox, files=files, durable=durable):
        chunk.staged.setdefault(owner[item.target.name], []).append(item)
    # Every file is durable (under its temp name) from here on; when staged without durability, the rows are
    # stamped again once the writer has made them durable (BulkSubmission._complete).
    written_at = timezone.now()
    for pk, (declaration, rendered) in rendered_by.items():
        chunk.rows[pk] = _MESSAGE_ROWS.rows(declaration, rendered, written_at=written_at)
    chunk.peak_rss_mb = peak_rss_mb()
    return chunk


def _picklable(value):
    # SQLite's driver takes the content as a memoryview, which cannot be sent back; bytes insert the same.
    return bytes(value) if isinstance(value, memoryview) else value


def bulk_render_processes() -> int:
    """settings.BULK_RENDER_PROCESSES, or one per CPU when it is 0."""
    return int(getattr(settings, "BULK_RENDER_PROCESSES", 0) or 0) or cpu_count()


class BulkSubmission:
    """Hand chunks over with ``add``; ``finish`` waits for the last one. Use it as a context manager."""

    def __init__(
        self,
        *,
        actor=None,
        note: str = "",
        processes: int | None = None,
        outbox_dir: Path | None = None,
        signer: Signer | None = None,
        at: datetime | None = None,
    ):
        self.actor = actor
        self.note = note
        self.outbox = Path(outbox_dir if outbox_dir is not None else settings.OUTBOX_DIR)
        processes = processes if processes is not None else bulk_render_processes()
        self._use_writer = writer_thread_allowed()
        self.pool = ForkPool(
            processes=processes,
            work=_render_and_stage,
            context={
                "signer": signer or get_signer(),
                "at": china_time(at),
                "outbox": self.outbox,
                # With a writer thread it makes a chunk's files durable at once: the workers never wait for the disk.
                "durable": not self._use_writer,
            },
            niceness=int(getattr(settings, "BULK_RENDER_NICENESS", 0) or 0),
        )
        self.in_flight = processes + 1  # every worker busy and one chunk ready for the first to come back
        self.result = BulkSubmitResult()
        self._pending: deque[_Pending] = deque()
        self._writer: ThreadPoolExecutor | None = None
        self._language = None
        self._stopping = False

    def __enter__(self) -> BulkSubmission:
        # Compiled once here rather than once per worker, and forked before the caller reads its workbook.
        schema.our_schema_compiled()
        self.pool.start()
        if self._use_writer:
            self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="bulk-submit-writer")
            self._language = translation.get_language()
            self.in_flight += 1  # one chunk being stored by the writer while the workers render the next ones
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            if exc_type is None:
                self.finish()
        finally:
            self._stop_writer()  # a chunk it is storing is finished, the queued ones are left
            self.pool.close()  # queued parts are cancelled, running ones finish
            self._abandon()

    def add(self, items: Sequence[tuple[Declaration, list]]) -> set[int]:
        """Submit these stored declarations (with their lines) and queue their rendering; returns the ids
        submitted (one changed meanwhile, no longer editable or in another version, is not)."""
        declarations = {declaration.pk: declaration for declaration, _lines in items}
        submitted = declarations_submit_checked(
            declarations=list(declarations.values()), actor=self.actor, note=self.note
        )
        self.result.submitted += len(submitted.ids)
        ids = set(submitted.ids)
        if not ids:
            return ids
        work = [(d, [_line_values(line) for line in lines]) for d, lines in items if d.pk in ids]
        # Rendered in small parts, so that the workers share the last chunk instead of one rendering it alone.
        futures = [
            self.pool.submit(work[start : start + RENDER_PART]) for start in range(0, len(work), RENDER_PART)
        ]
        pending = _Pending({pk: declarations[pk] for pk in submitted.ids}, submitted.intent_id, futures)
        if self._writer is not None:
            pending.completion = self._writer.submit(self._complete_in_writer, pending)
        self._pending.append(pending)
        while len(self._pending) > self.in_flight:
            self._wait_for(self._pending[0])
            self._pending.popleft()
        return ids

    def finish(self) -> BulkSubmitResult:
        while self._pending:
            self._wait_for(self._pending[0])
            self._pending.popleft()
        return self.result

    def _wait_for(self, pending: _Pending) -> None:
        if pending.completion is None:
            self._complete(pending)
        else:
            pending.completion.result()  # the writer's error, if it had one, is raised here

    def _complete_in_writer(self, pending: _Pending) -> None:
        if self._stopping:
            raise _Abandoned
        try:
            with translation.override(self._language):
                self._complete(pending)
        except BaseException:
            self._stopping = True  # the chunks after it stay SUBMITTED, as when the caller completes them
            raise

    def _stop_writer(self) -> None:
        if self._writer is None:
            return
        self._stopping = True
        # The writer's own database connections, closed by the thread that opened them (``connection.close``
        # looked up here would be the caller's).
        self._writer.submit(connections.close_all)
        self._writer.shutdown(wait=True)
        self._writer = None

    def _abandon(self) -> None:
        """After a failure: remove the staged files of the chunks that will not be finished (their declarations
        stay SUBMITTED, with their fallback intent)."""
        while self._pending:
            pending = self._pending.popleft()
            done = pending.completion
            if done is not None and done.done() and not done.cancelled() and done.exception() is None:
                continue  # stored and published by the writer
            for future in pending.futures:
                if future.done() and not future.cancelled() and future.exception() is None:
                    _discard(future.result())

    def _gather(self, pending: _Pending) -> _RenderedChunk:
        chunk = _RenderedChunk()
        error = None
        for future in pending.futures:
            try:
                part: _RenderedChunk = future.result()
            except BaseException as exc:  # the others' staged files are removed before it is raised
                error = error or exc
                continue
            chunk.rows.update(part.rows)
            chunk.staged.update(part.staged)
            chunk.failed.update(part.failed)
            chunk.peak_rss_mb = max(chunk.peak_rss_mb, part.peak_rss_mb)
        if error is not None:
            _discard(chunk)
            raise error
        return chunk

    def _complete(self, pending: _Pending) -> None:
        chunk = self._gather(pending)
        self.result.render_peak_rss_mb = max(self.result.render_peak_rss_mb, chunk.peak_rss_mb)
        try:
            if self._use_writer:  # the workers staged without durability
                exchange.outbox_make_durable(staged=chunk.all_staged())
                written_at = timezone.now()  # every file is durable from here on
                chunk.rows = {
                    pk: _MESSAGE_ROWS.restamped(rows, written_at=written_at)
                    for pk, rows in chunk.rows.items()
                }
            stored = self._store_and_send(pending, chunk)
        except BaseException:
            _discard(chunk)
            raise
        exchange.outbox_discard(
            staged=[item for pk, items in chunk.staged.items() if pk not in stored for item in items]
        )
        exchange.outbox_publish(staged=[item for pk in stored for item in chunk.staged.get(pk, ())])
        task_fallback_done(intent_id=pending.intent_id)
        for pk in stored:
            pending.declarations[pk].status = DeclarationStatus.SENT
        self.result.sent += len(stored)
        self.result.messages += sum(len(rows) for rows in stored.values())

    def _store_and_send(self, pending: _Pending, chunk: _RenderedChunk) -> dict[int, list[tuple]]:
        """Step 3: the declarations still SUBMITTED in their version, and not rendered by a worker meanwhile,
        move to SENT with their rows; those that failed to render move to RENDER_FAILED."""
        versions = {pk: d.version for pk, d in pending.declarations.items()}
        with transaction.atomic():
            already = _rendered(versions)
            sent = declarations_advance_bulk(
                versions={pk: versions[pk] for pk in chunk.rows if pk not in already},
                from_statuses={DeclarationStatus.SUBMITTED},
                to_status=DeclarationStatus.SENT,
                source=EventSource.SYSTEM,
                notes={
                    pk: ", ".join(row[_MESSAGE_ROWS.file_at] for row in rows)
                    for pk, rows in chunk.rows.items()
                },
            )
            stored = {pk: chunk.rows[pk] for pk in sent}
            insert_rows(
                RenderedMessage,
                _MESSAGE_ROWS.columns,
                [row for rows in stored.values() for row in rows],
                binary=True,
            )
            if chunk.failed:
                # As on the worker: a message that fails our XSD is never stored or sent.
                failed = declarations_advance_bulk(
                    versions={pk: versions[pk] for pk in chunk.failed},
                    from_statuses={DeclarationStatus.SUBMITTED},
                    to_status=DeclarationStatus.RENDER_FAILED,
                    source=EventSource.SYSTEM,
                    notes={
                        pk: _("Rendering failed: %(reason)s") % {"reason": reason}
                        for pk, reason in chunk.failed.items()
                    },
                )
                self.result.failed.update({pk: chunk.failed[pk] for pk in failed})
        return stored


class _Abandoned(Exception):
    """A chunk the writer did not finish because an earlier one failed, or the caller stopped."""


def writer_thread_allowed() -> bool:
    """Whether the chunks can be stored by a thread of our own, on a database connection of its own.

    On PostgreSQL, outside a transaction of the caller's: its connection would not see what the caller has
    stored and not yet committed (a test's transaction), and SQLite allows one writer at a time, so a second
    connection would only wait for the first. The thread waits for the server while the caller checks the
    next chunks (psycopg releases the GIL while it waits): on PostgreSQL about half of the caller's time was
    spent waiting for the server.
    """
    if not settings.BULK_WRITER_THREAD:
        return False
    return connection.vendor == "postgresql" and not connection.in_atomic_block


def _discard(chunk: _RenderedChunk) -> None:
    exchange.outbox_discard(staged=chunk.all_staged())


def _rendered(versions: dict[int, int]) -> set[int]:
    """Ids whose messages for that version are stored already (a worker got there first)."""
    found = set()
    for batch in id_batches(list(versions)):
        rows = RenderedMessage.objects.filter(declaration_id__in=batch)
        found.update(
            pk for pk, version in rows.values_list("declaration_id", "version") if version == versions[pk]
        )
    return found
