"""Rendering many declarations at once: the render step of submission, in chunks, for bulk uploads.

Per declaration it does what ``submission.declaration_render`` does between "submitted" and "sent": every
message of the business type is rendered by the same renderers, signed, checked against our XSD (one compiled
schema for the whole run), stored immutably for the declaration's current version, and written to the outbox
atomically. What differs is the batching: one query for a chunk of declarations and one for their lines (plain
rows), one bulk insert of the message rows, one filesystem sync for the chunk's outbox files, one update marking
them written. Memory stays bounded by the chunk: rendered bytes are dropped once a chunk is written.

Status changes stay with the caller (``services.submission``): this module never moves a declaration.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from declarations.messages import exchange
from declarations.messages.common import china_time
from declarations.messages.render import render_all
from declarations.messages.schema import SchemaInvalid
from declarations.messages.signing import Signer, get_signer
from declarations.models import Declaration, DeclarationLine, RenderedMessage
from declarations.services.bulk_store import RowMaker, insert_rows, insertable_fields

RENDER_CHUNK = 500  # declarations per query, bulk insert and outbox sync (as the import's STORE_CHUNK)
_LINE_FIELDS = [field.attname for field in DeclarationLine._meta.concrete_fields]
_MESSAGE_ROWS = RowMaker(insertable_fields(RenderedMessage), add=True)


@dataclass
class BulkRenderResult:
    rendered: int = 0  # messages stored by this run
    reused: int = 0  # messages already stored for the declaration's version (written again, no-op if present)
    written: int = 0  # outbox files this run is responsible for (new or already identical)
    failed: dict[int, str] = field(default_factory=dict)  # declaration id -> why it could not be rendered


def declarations_render_bulk(
    *,
    declaration_ids: Iterable[int],
    outbox_dir: Path | None = None,
    signer: Signer | None = None,
    at: datetime | None = None,
    chunk_size: int = RENDER_CHUNK,
) -> BulkRenderResult:
    """Render, validate, store and write to the outbox every message of these declarations (idempotent).

    A declaration that already has messages for its version keeps them (they are written again, which is a
    no-op for identical bytes); one that fails to render or validate is reported in ``failed`` and stores
    nothing, without stopping the others.
    """
    signer = signer or get_signer()
    at = china_time(at)
    outbox = Path(outbox_dir if outbox_dir is not None else settings.OUTBOX_DIR)
    result = BulkRenderResult()
    ids = list(dict.fromkeys(declaration_ids))
    for start in range(0, len(ids), chunk_size):
        _render_chunk(ids[start : start + chunk_size], outbox, signer, at, result)
    return result


def _render_chunk(
    ids: list[int], outbox: Path, signer: Signer, at: datetime, result: BulkRenderResult
) -> None:
    declarations = (
        Declaration.objects.filter(pk__in=ids)
        .select_related("enterprise", "agent", "warehouse")
        .order_by("pk")
    )
    # The renderers only read the lines' fields: plain rows cost a fraction of model instances.
    lines: dict[int, list[SimpleNamespace]] = defaultdict(list)
    for row in DeclarationLine.objects.filter(declaration_id__in=ids).values(*_LINE_FIELDS):
        lines[row["declaration_id"]].append(SimpleNamespace(**row))
    stored: dict[tuple[int, int], list[str]] = {}  # (declaration id, version) -> guids, without the bytes
    for declaration_id, version, guid in RenderedMessage.objects.filter(declaration_id__in=ids).values_list(
        "declaration_id", "version", "guid"
    ):
        stored.setdefault((declaration_id, version), []).append(guid)

    new: list[RenderedMessage] = []
    to_write: list[tuple[str, bytes]] = []
    reused: list[str] = []
    for declaration in declarations:
        existing = stored.get((declaration.pk, declaration.version))
        if existing:
            reused.extend(existing)
            continue
        try:
            # render_all sorts the lines by gnum itself.
            rendered = render_all(declaration, lines.get(declaration.pk, ()), signer=signer, at=at)
        except (SchemaInvalid, ValueError) as exc:
            # As on the worker: a message that fails our XSD is never stored or sent.
            result.failed[declaration.pk] = str(exc)
            continue
        for message in rendered:
            row = RenderedMessage.from_rendered(
                declaration=declaration, version=declaration.version, rendered=message
            )
            new.append(row)
            to_write.append((row.file_name, message.content))

    for guids in _chunks(reused):
        for message in RenderedMessage.objects.filter(guid__in=guids).only("message_type", "guid", "content"):
            to_write.append((message.file_name, bytes(message.content)))
    result.reused += len(reused)
    if new:
        with transaction.atomic():
            insert_rows(RenderedMessage, _MESSAGE_ROWS.columns, [_MESSAGE_ROWS(row) for row in new])
        result.rendered += len(new)
    if to_write:
        exchange.outbox_write_many(directory=outbox, files=to_write)
        result.written += len(to_write)
        # As message_write_outbox: only rows not marked yet, the file name from type and guid.
        written = [name.split("_", 1)[1].removesuffix(".xml") for name, _content in to_write]
        now = timezone.now()
        for guids in _chunks(written):
            RenderedMessage.objects.filter(guid__in=guids, written_at__isnull=True).update(
                written_at=now, outbox_file=RenderedMessage.file_name_expression()
            )


def _chunks(values: list[str], size: int = 900) -> list[list[str]]:
    # Below SQLite's historical limit of 999 parameters per statement.
    return [values[i : i + size] for i in range(0, len(values), size)]
