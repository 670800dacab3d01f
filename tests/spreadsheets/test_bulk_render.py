"""services.bulk_render: the render step for many declarations, stored once, written atomically, idempotent."""

import hashlib
import re
from decimal import Decimal

import pytest

from declarations.messages.common import china_time
from declarations.messages.render import render_all
from declarations.models import RenderedMessage
from declarations.services.bulk_render import declarations_render_bulk
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_renders_stores_and_writes_every_message_once(tmp_path, exporter_a):
    good = [f.DeclarationLineFactory(declaration__enterprise=exporter_a).declaration for _ in range(2)]
    empty = f.DeclarationFactory(enterprise=exporter_a)  # no goods lines: cannot be rendered
    ids = [good[0].pk, empty.pk, good[1].pk]

    result = declarations_render_bulk(declaration_ids=ids, outbox_dir=tmp_path, chunk_size=2)

    assert (result.rendered, result.reused, result.written) == (6, 0, 6)
    assert list(result.failed) == [empty.pk]
    stored = RenderedMessage.objects.order_by("declaration_id", "message_type")
    assert [(m.declaration_id, m.message_type) for m in stored] == [
        (d.pk, t) for d in good for t in ("CEB303", "CEB505", "CEB603")
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(m.file_name for m in stored)
    for message in stored:
        assert (tmp_path / message.file_name).read_bytes() == bytes(message.content)
        assert message.outbox_file == message.file_name and message.written_at is not None

    again = declarations_render_bulk(declaration_ids=ids, outbox_dir=tmp_path)
    assert (again.rendered, again.reused, again.written) == (0, 6, 6)
    assert RenderedMessage.objects.count() == 6
    assert len(list(tmp_path.iterdir())) == 6


def _masked(content: bytes) -> bytes:
    """The message without its random identifiers (the root's and the head's guid)."""
    content = re.sub(rb'guid="[0-9A-F-]{36}"', b'guid="*"', content)
    return re.sub(rb"<ceb:guid>[0-9A-F-]{36}</ceb:guid>", b"<ceb:guid>*</ceb:guid>", content)


def test_plain_line_rows_render_exactly_what_the_model_lines_render(tmp_path, exporter_a):
    """The bulk path reads lines as plain rows; the worker's path renders model instances: same bytes."""
    declaration = f.DeclarationFactory(enterprise=exporter_a, agent=exporter_a)
    for gnum, qty in ((3, Decimal("1.5")), (1, Decimal("2")), (2, Decimal("0.001"))):
        f.DeclarationLineFactory(
            declaration=declaration, gnum=gnum, qty=qty, qty1=qty, total_price=qty * 16, note=f"第{gnum}行 ✓"
        )
    at = china_time(None)

    declarations_render_bulk(declaration_ids=[declaration.pk], outbox_dir=tmp_path, at=at)

    stored = {m.message_type: m for m in RenderedMessage.objects.filter(declaration=declaration)}
    expected = render_all(declaration, list(declaration.lines.all()), at=at)
    assert sorted(stored) == sorted(r.message_type for r in expected) == ["CEB303", "CEB505", "CEB603"]
    for rendered in expected:
        row = stored[rendered.message_type]
        assert _masked(bytes(row.content)) == _masked(rendered.content)
        assert row.version == declaration.version and row.signed == rendered.signed
        assert row.sha256 == hashlib.sha256(bytes(row.content)).hexdigest()
        assert row.created_at is not None
