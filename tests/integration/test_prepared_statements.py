"""On PostgreSQL the portal's connections bind parameters on the server and prepare a read once it has run
DB_PREPARE_THRESHOLD times (default 5): the repeated page reads skip parsing and planning and return the same."""

import pytest
from django.conf import settings
from django.db import connection
from django.http import Http404

from declarations.selectors import declaration_for_user
from tests import factories as f
from tests.integration.conftest import _unavailable

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def _prepared_declaration_reads() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ['SELECT "declarations_declaration"."id"%'],
        )
        return cursor.fetchone()[0]


def test_a_repeated_read_is_prepared_after_the_threshold_and_returns_the_same():
    if connection.vendor != "postgresql":
        _unavailable("DATABASE_URL does not point at PostgreSQL")
    options = settings.DATABASES["default"]["OPTIONS"]
    assert options["server_side_binding"] is True and options["prepare_threshold"] == 5
    membership = f.MembershipFactory()
    declaration = f.DeclarationFactory(enterprise=membership.enterprise, cop_no="PREP-1")
    user = membership.user
    reads = []
    for _ in range(4):
        reads.append(declaration_for_user(user=user, pk=declaration.pk).cop_no)
    assert _prepared_declaration_reads() == 0  # four runs: below the threshold
    for _ in range(3):
        reads.append(declaration_for_user(user=user, pk=declaration.pk).cop_no)
    assert _prepared_declaration_reads() == 1
    assert reads == ["PREP-1"] * 7
    other = f.MembershipFactory().user  # the prepared read still checks the tenant
    with pytest.raises(Http404):
        declaration_for_user(user=other, pk=declaration.pk)
