"""Staged outbox files a process left behind when it died between staging and publishing.

The worker's render and a bulk submission stage their files under dot-prefixed temp names (never picked up by
the official client) before their transaction commits, and rename them after. Killed in between (``kill -9``,
a power cut), the process leaves the temp files: the redelivered task or the fallback intent writes the
messages again, under new temp names, so the old ones would stay forever. This sweep (beat, and
``manage.py sweep_outbox``) settles every staged file older than ``OUTBOX_STAGED_MAX_AGE``:

- its message is stored (the transaction committed): the file is made visible from the database's bytes if it
  is not yet (``message_write_outbox``, a no-op when it is), then the temp file is removed;
- its message is not stored (the transaction never committed): nothing will ever publish it; removed.

Files in place with other bytes than the stored message are a conflict: reported, the temp file kept for a
person to look at. The age keeps the sweep away from a transaction still in progress; should one outlive it,
its rename fails and the task is retried, which writes the files from the database.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings

from declarations.messages import exchange
from declarations.models import RenderedMessage
from declarations.services.bulk_store import id_batches
from declarations.services.submission import message_write_outbox

logger = logging.getLogger(__name__)


@dataclass
class StagedSweep:
    published: int = 0  # stored, not yet visible: written from the database
    removed: int = 0  # temp files removed (published, already in place, or never committed)
    conflicts: list[str] = field(default_factory=list)  # file names in place with other bytes

    def as_dict(self) -> dict:
        return {"published": self.published, "removed": self.removed, "conflicts": self.conflicts}


def outbox_staged_sweep(*, older_than: timedelta | None = None) -> StagedSweep:
    """Settle the staged files older than ``older_than`` (default ``settings.OUTBOX_STAGED_MAX_AGE`` seconds)."""
    if older_than is None:
        older_than = timedelta(seconds=settings.OUTBOX_STAGED_MAX_AGE)
    result = StagedSweep()
    stale = exchange.outbox_stale_staged(directory=settings.OUTBOX_DIR, older_than=older_than.total_seconds())
    guids = sorted({_guid(item) for item in stale})
    stored: dict[str, RenderedMessage] = {}
    for batch in id_batches(guids):
        stored.update((m.file_name, m) for m in RenderedMessage.objects.filter(guid__in=batch))
    for item in stale:
        message = stored.get(item.target.name)
        if message is not None:
            was_visible = item.target.exists()
            try:
                message_write_outbox(message=message)
            except exchange.OutboxConflict:
                logger.error(
                    "outbox file %s differs from its stored message; %s kept", item.target, item.temp
                )
                result.conflicts.append(item.target.name)
                continue
            result.published += not was_visible
        exchange.outbox_discard(staged=[item])
        result.removed += 1
    if stale:
        logger.info("staged outbox files settled: %s", result.as_dict())
    return result


def _guid(item: exchange.Staged) -> str:
    # CEB303_<GUID>.xml
    return item.target.stem.split("_", 1)[1]
