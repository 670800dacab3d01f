"""Submitting many checked declarations at once (批量申报): the spreadsheet import's "submit" option.

For each chunk the caller hands over (declarations it has just checked and stored, with their lines in memory),
this does what ``submission.declaration_submit`` and the worker's ``declaration_render`` do for one:

1. one transaction: the chunk moves to SUBMITTED in a new version, with a StatusEvent each and a fallback
   render intent each (``declarations_submit_checked``);
2. forked worker processes render and XSD-check every message (``messages.parallel``) while the caller goes
   on checking and storing the next chunks; nothing is read back from the database;
3. one transaction: the messages are stored (a declaration that failed moves to RENDER_FAILED with the reason);
4. the outbox files are written (one filesystem sync for the chunk);
5. one transaction: the messages are marked written, the declarations move to SENT, the intents are done.

A chunk is finished (3–5) in the order it was handed over, once the workers return it; at most ``in_flight``
chunks wait, so memory stays bounded by a few chunks. Should the process die between 1 and 5, the sweeper
publishes the fallback intents and a worker finishes those declarations the usual way (idempotent: messages
already stored are reused). Steps 3 and 5 re-check each declaration under its row lock, so a declaration a
user withdrew meanwhile, or that a worker rendered first, is left alone.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from declarations.choices import DeclarationStatus, EventSource
from declarations.messages import exchange
from declarations.messages.common import china_time
from declarations.messages.parallel import RenderedChunk, RenderPool, default_processes
from declarations.messages.signing import Signer, get_signer
from declarations.models import Declaration, RenderedMessage
from declarations.services.bulk_store import RowMaker, insert_rows, insertable_fields
from declarations.services.dispatch import task_fallbacks_done
from declarations.services.status import declarations_advance_bulk
from declarations.services.submission import declarations_submit_checked

_MESSAGE_ROWS = RowMaker(insertable_fields(RenderedMessage), add=True)
_IDS_PER_STATEMENT = 900  # below SQLite's historical limit of 999 parameters


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
    intents: dict[int, int]  # declaration id -> fallback intent id
    future: Future


def bulk_render_processes() -> int:
    """settings.BULK_RENDER_PROCESSES, or one per CPU when it is 0."""
    return int(getattr(settings, "BULK_RENDER_PROCESSES", 0) or 0) or default_processes()


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
        self.pool = RenderPool(processes=processes, signer=signer or get_signer(), at=china_time(at))
        self.in_flight = processes + 1  # every worker busy and one chunk ready for the first to come back
        self.result = BulkSubmitResult()
        self._pending: deque[_Pending] = deque()

    def __enter__(self) -> BulkSubmission:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            if exc_type is None:
                self.finish()
        finally:
            self.pool.close()

    def add(self, items: Sequence[tuple[Declaration, list]]) -> None:
        """Submit these stored declarations (with their lines) and queue their rendering."""
        declarations = {declaration.pk: declaration for declaration, _lines in items}
        intents = declarations_submit_checked(
            declarations=list(declarations.values()), actor=self.actor, note=self.note
        )
        self.result.submitted += len(intents)
        if not intents:
            return
        future = self.pool.submit([(d, lines) for d, lines in items if d.pk in intents])
        self._pending.append(_Pending({pk: declarations[pk] for pk in intents}, intents, future))
        while len(self._pending) > self.in_flight:
            self._complete(self._pending.popleft())

    def finish(self) -> BulkSubmitResult:
        while self._pending:
            self._complete(self._pending.popleft())
        return self.result

    def _complete(self, pending: _Pending) -> None:
        chunk: RenderedChunk = pending.future.result()
        self.result.render_peak_rss_mb = max(self.result.render_peak_rss_mb, chunk.peak_rss_mb)
        stored = self._store(pending, chunk)
        if stored:
            exchange.outbox_write_many(
                directory=self.outbox,
                files=[(message.file_name, message.content) for rows in stored.values() for message in rows],
            )
        self._mark_sent(pending, stored)

    def _store(self, pending: _Pending, chunk: RenderedChunk) -> dict[int, list[RenderedMessage]]:
        """Store the messages of the declarations still SUBMITTED in their version and not rendered meanwhile."""
        versions = {pk: d.version for pk, d in pending.declarations.items()}
        with transaction.atomic():
            current = _lock_submitted(versions)
            already = _rendered(versions)
            stored: dict[int, list[RenderedMessage]] = {}
            for pk, messages in chunk.messages.items():
                if pk in current and pk not in already:
                    declaration = pending.declarations[pk]
                    stored[pk] = [
                        RenderedMessage.from_rendered(
                            declaration=declaration, version=versions[pk], rendered=m
                        )
                        for m in messages
                    ]
            rows = [_MESSAGE_ROWS(message) for messages in stored.values() for message in messages]
            if rows:
                insert_rows(RenderedMessage, _MESSAGE_ROWS.columns, rows)
            failed = {pk: reason for pk, reason in chunk.failed.items() if pk in current}
            if failed:
                # As on the worker: a message that fails our XSD is never stored or sent.
                declarations_advance_bulk(
                    versions={pk: versions[pk] for pk in failed},
                    from_statuses={DeclarationStatus.SUBMITTED},
                    to_status=DeclarationStatus.RENDER_FAILED,
                    source=EventSource.SYSTEM,
                    notes={
                        pk: _("Rendering failed: %(reason)s") % {"reason": reason}
                        for pk, reason in failed.items()
                    },
                )
                self.result.failed.update(failed)
                task_fallbacks_done(intent_ids=[pending.intents[pk] for pk in failed])
        return stored

    def _mark_sent(self, pending: _Pending, stored: dict[int, list[RenderedMessage]]) -> None:
        if not stored:
            return
        guids = [message.guid for messages in stored.values() for message in messages]
        with transaction.atomic():
            now = timezone.now()
            for start in range(0, len(guids), _IDS_PER_STATEMENT):
                RenderedMessage.objects.filter(
                    guid__in=guids[start : start + _IDS_PER_STATEMENT], written_at__isnull=True
                ).update(written_at=now, outbox_file=RenderedMessage.file_name_expression())
            sent = declarations_advance_bulk(
                versions={pk: pending.declarations[pk].version for pk in stored},
                from_statuses={DeclarationStatus.SUBMITTED},
                to_status=DeclarationStatus.SENT,
                source=EventSource.SYSTEM,
                notes={pk: ", ".join(m.file_name for m in messages) for pk, messages in stored.items()},
            )
            task_fallbacks_done(intent_ids=[pending.intents[pk] for pk in stored])
        for pk in sent:
            pending.declarations[pk].status = DeclarationStatus.SENT
        self.result.sent += len(sent)
        self.result.messages += len(guids)


def _lock_submitted(versions: dict[int, int]) -> set[int]:
    """Lock the rows; the ids still SUBMITTED in the version the caller holds."""
    ids = list(versions)
    current = set()
    for start in range(0, len(ids), _IDS_PER_STATEMENT):
        rows = (
            Declaration.objects.select_for_update()
            .filter(pk__in=ids[start : start + _IDS_PER_STATEMENT], status=DeclarationStatus.SUBMITTED)
            .values_list("pk", "version")
        )
        current.update(pk for pk, version in rows if version == versions[pk])
    return current


def _rendered(versions: dict[int, int]) -> set[int]:
    """Ids whose messages for that version are stored already (a worker got there first)."""
    ids = list(versions)
    found = set()
    for start in range(0, len(ids), _IDS_PER_STATEMENT):
        rows = RenderedMessage.objects.filter(declaration_id__in=ids[start : start + _IDS_PER_STATEMENT])
        found.update(
            pk for pk, version in rows.values_list("declaration_id", "version") if version == versions[pk]
        )
    return found


def declarations_submit_bulk(
    *, items: Sequence[tuple[Declaration, list]], actor=None, note: str = "", **options
) -> BulkSubmitResult:
    """One-shot BulkSubmission for declarations already in memory (tests, the shell)."""
    with BulkSubmission(actor=actor, note=note, **options) as submission:
        submission.add(items)
    return submission.result
