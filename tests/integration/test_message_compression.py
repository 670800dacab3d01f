"""On PostgreSQL a rendered message's content is compressed with lz4 (migration 0007), and reads back intact."""

import pytest
from django.db import connection

from declarations.models import RenderedMessage
from tests import factories as f
from tests.integration.conftest import _unavailable

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def _column_compression() -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attcompression FROM pg_attribute "
            "WHERE attrelid = 'declarations_renderedmessage'::regclass AND attname = 'content'"
        )
        return cursor.fetchone()[0]


def test_content_is_stored_with_lz4_and_reads_back_the_same():
    if connection.vendor != "postgresql":
        _unavailable("DATABASE_URL does not point at PostgreSQL")
    assert _column_compression() == "l"
    content = (
        b"<ceb:CEB603Message>" + b"<ceb:InventoryList>x</ceb:InventoryList>" * 400 + b"</ceb:CEB603Message>"
    )
    declaration = f.DeclarationFactory()
    message = RenderedMessage.objects.create(
        declaration=declaration, message_type="CEB603", version=1, guid="0" * 36, content=content, sha256="x"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_column_compression(content), pg_column_size(content) FROM declarations_renderedmessage "
            "WHERE id = %s",
            [message.pk],
        )
        method, size = cursor.fetchone()
    assert method == "lz4" and size < len(content)
    assert bytes(RenderedMessage.objects.get(pk=message.pk).content) == content
