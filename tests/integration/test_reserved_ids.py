"""On PostgreSQL the import draws its new heads' ids from the table's sequence before COPYing them."""

import pytest
from django.db import connection

from declarations.models import Declaration
from declarations.services.bulk_store import reserve_ids
from tests import factories as f
from tests.integration.conftest import _unavailable

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def test_reserved_ids_are_new_and_never_handed_out_again():
    if connection.vendor != "postgresql":
        _unavailable("DATABASE_URL does not point at PostgreSQL")
    existing = f.DeclarationFactory()

    ids = reserve_ids(Declaration, 5)

    assert len(set(ids)) == 5 and min(ids) > existing.pk
    assert f.DeclarationFactory().pk > max(ids)  # the sequence moved past them
    assert reserve_ids(Declaration, 0) is None
