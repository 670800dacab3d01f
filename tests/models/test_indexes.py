"""Indexes: none repeats the leading columns of another (each costs every insert of a bulk import), and the
lookups by the foreign keys that lost their own index are still answered from an index."""

import pytest
from django.db import connection, transaction

from declarations.models import (
    CatalogueItem,
    Declaration,
    DeclarationLine,
    Delegation,
    ExchangeRate,
    Membership,
    OverseasWarehouse,
    Registration,
    RenderedMessage,
    StatusEvent,
)

pytestmark = pytest.mark.django_db


def _indexes(cursor, table: str) -> dict[str, tuple[list[str], bool]]:
    """name -> (columns, unique) of the table's indexes and unique constraints, the primary key left out."""
    constraints = connection.introspection.get_constraints(cursor, table)
    return {
        name: (list(info["columns"]), bool(info["unique"]))
        for name, info in constraints.items()
        if (info["index"] or info["unique"]) and info["columns"] and not info["primary_key"]
    }


def _pattern_indexes(cursor, table: str) -> set[str]:
    """PostgreSQL's varchar_pattern_ops indexes Django adds for LIKE on indexed text columns: another kind of
    index than a plain one on the same columns."""
    if connection.vendor != "postgresql":
        return set()
    cursor.execute(
        "SELECT indexname FROM pg_indexes WHERE tablename = %s AND indexdef LIKE %s",
        [table, "%_pattern_ops%"],
    )
    return {name for (name,) in cursor.fetchall()}


def test_no_plain_index_is_covered_by_another_that_leads_with_its_columns():
    covered = []
    with connection.cursor() as cursor:
        tables = [
            name for name in connection.introspection.table_names(cursor) if name.startswith("declarations_")
        ]
        assert "declarations_declarationline" in tables
        for table in tables:
            indexes = _indexes(cursor, table)
            pattern = _pattern_indexes(cursor, table)
            for name, (columns, unique) in indexes.items():
                if unique:
                    continue  # a unique constraint says something an index does not
                for other, (other_columns, _unique) in indexes.items():
                    if (
                        other != name
                        and (name in pattern) == (other in pattern)
                        and other_columns[: len(columns)] == columns
                    ):
                        covered.append(f"{table}.{name} {columns} is covered by {other} {other_columns}")
    assert covered == []


LOOKUPS = [
    ("lines of a declaration", lambda: DeclarationLine.objects.filter(declaration_id=1)),
    ("messages of a declaration", lambda: RenderedMessage.objects.filter(declaration_id=1)),
    ("declarations of an agent", lambda: Declaration.objects.filter(agent_id=1)),
    ("declarations of an enterprise", lambda: Declaration.objects.filter(enterprise_id=1)),
    ("events of a user (SET_NULL on delete)", lambda: StatusEvent.objects.filter(actor_id__in=[1, 2])),
    ("events of a receipt (SET_NULL on delete)", lambda: StatusEvent.objects.filter(receipt_id__in=[1, 2])),
    ("memberships of a user", lambda: Membership.objects.filter(user_id=1)),
    ("delegations to a broker", lambda: Delegation.objects.filter(broker_id=1)),
    ("rates of a currency", lambda: ExchangeRate.objects.filter(currency_id="502")),
    ("warehouses of an enterprise", lambda: OverseasWarehouse.objects.filter(enterprise_id=1)),
    ("registrations of an enterprise", lambda: Registration.objects.filter(enterprise_id=1)),
    ("catalogue of an enterprise", lambda: CatalogueItem.objects.filter(enterprise_id=1)),
]


def _plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The tables are empty: without this PostgreSQL would rightly prefer reading them whole.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return "\n".join(str(row[-1]) for row in cursor.fetchall())


@pytest.mark.parametrize("lookup", [query for _label, query in LOOKUPS], ids=[label for label, _q in LOOKUPS])
def test_lookups_by_foreign_key_use_an_index(lookup):
    plan = _plan(lookup())
    if connection.vendor == "postgresql":
        assert "Index" in plan and "Seq Scan" not in plan, plan
    else:
        assert "USING" in plan and "INDEX" in plan and not plan.startswith("SCAN"), plan
