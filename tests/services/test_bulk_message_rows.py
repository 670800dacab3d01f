"""The bulk submission's message rows: the same database values as a RenderedMessage made by from_rendered."""

import datetime

import pytest
from django.utils import timezone

from declarations.messages.render import render_all
from declarations.models import RenderedMessage
from declarations.services.bulk_store import RowMaker, insert_rows, insertable_fields
from declarations.services.bulk_submit import _MESSAGE_ROWS

pytestmark = pytest.mark.django_db

WRITTEN_AT = datetime.datetime(2026, 12, 3, 8, 30, 15, 123456, tzinfo=datetime.UTC)


def _orm_rows(declaration, rendered) -> list[tuple]:
    """What the ORM path stores: from_rendered, marked written, every field read as the database gets it."""
    maker = RowMaker(insertable_fields(RenderedMessage), add=False)
    rows = []
    for message in rendered:
        row = RenderedMessage.from_rendered(
            declaration=declaration, version=declaration.version, rendered=message
        )
        row.outbox_file, row.written_at, row.created_at = row.file_name, WRITTEN_AT, WRITTEN_AT
        rows.append(maker(row))
    return rows


def _plain(rows: list[tuple]) -> list[tuple]:
    """The content as bytes: SQLite's driver wraps it in a memoryview, psycopg in a Binary (no __eq__ of its own)."""
    unwrapped = []
    for row in rows:
        values = []
        for value in row:
            value = getattr(value, "obj", value)  # psycopg.Binary
            values.append(bytes(value) if isinstance(value, memoryview) else value)
        unwrapped.append(tuple(values))
    return unwrapped


def test_rows_hold_the_values_from_rendered_gives(submitted):
    lines = list(submitted.lines.all())
    rendered = render_all(submitted, lines)

    rows = _MESSAGE_ROWS.rows(submitted, rendered, written_at=WRITTEN_AT)

    assert _plain(rows) == _plain(_orm_rows(submitted, rendered))
    assert _MESSAGE_ROWS.columns == [f.column for f in insertable_fields(RenderedMessage)]


def test_stored_rows_read_back_as_the_rendered_messages(submitted):
    rendered = render_all(submitted, list(submitted.lines.all()), at=timezone.now())

    insert_rows(
        RenderedMessage,
        _MESSAGE_ROWS.columns,
        _MESSAGE_ROWS.rows(submitted, rendered, written_at=WRITTEN_AT),
        binary=True,  # as bulk_submit stores them: PostgreSQL's binary COPY (the unit suite runs there too)
    )

    stored = {m.message_type: m for m in RenderedMessage.objects.filter(declaration=submitted)}
    assert sorted(stored) == ["CEB303", "CEB505", "CEB603"]
    for message in rendered:
        row = stored[message.message_type]
        assert (row.guid, bytes(row.content), row.version, row.signed) == (
            message.guid,
            message.content,
            submitted.version,
            message.signed,
        )
        assert row.sha256 == RenderedMessage.digest(message.content)
        assert row.outbox_file == f"{message.message_type}_{message.guid}.xml"
        assert row.written_at == WRITTEN_AT and row.created_at == WRITTEN_AT


def test_restamped_rows_differ_only_in_their_times(submitted):
    rendered = render_all(submitted, list(submitted.lines.all()))
    later = WRITTEN_AT + datetime.timedelta(seconds=3)

    restamped = _MESSAGE_ROWS.restamped(
        _MESSAGE_ROWS.rows(submitted, rendered, written_at=WRITTEN_AT), written_at=later
    )

    assert _plain(restamped) == _plain(_MESSAGE_ROWS.rows(submitted, rendered, written_at=later))
