"""services.bulk_render: the render step for many declarations, stored once, written atomically, idempotent."""

import pytest

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
