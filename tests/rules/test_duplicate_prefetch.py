"""RuleContext.with_prefetched_duplicates: one batch read answers exactly as the per-declaration queries do."""

import datetime
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from declarations.choices import Mode
from declarations.models import CustomsOffice, Declaration
from declarations.rules.engine import check_declaration
from declarations.selectors_rule_context import rule_context_load, rule_context_with_prefetched_duplicates
from tests import factories as f
from tests.rules.helpers import triples

pytestmark = pytest.mark.django_db


@pytest.fixture
def stored(code_tables, exporter_a, exporter_b):
    """Declarations covering every branch of the three duplicate queries."""
    warehouse = f.OverseasWarehouseFactory(enterprise=exporter_a, name="LA Warehouse")
    rows = {
        "plain": f.DeclarationFactory(
            enterprise=exporter_a, order_no="O-1", logistics_no="SF1", cop_no="C-1", ebp_name="Shop"
        ),
        "empty_code": f.DeclarationFactory(
            enterprise=exporter_a, order_no="O-2", ebp_code="", ebp_name="Shop"
        ),
        "real_code": f.DeclarationFactory(
            enterprise=exporter_b, order_no="O-1", ebp_code="4401PLAT01", ebp_name="Shop", cop_no="C-1"
        ),
        "warehouse": f.DeclarationFactory(
            enterprise=exporter_a, mode=Mode.WAREHOUSE, warehouse=warehouse, ebp_name="Shop", order_no="W-1"
        ),
        "warehouse_none": f.DeclarationFactory(
            enterprise=exporter_a, mode=Mode.WAREHOUSE, warehouse=None, ebp_name="Shop", order_no="W-2"
        ),
        "old_waybill": f.DeclarationFactory(enterprise=exporter_b, logistics_no="SF-OLD"),
        "twice": f.DeclarationFactory(
            enterprise=exporter_b, logistics_no="SF2", order_no="O-3", ebp_name="Two"
        ),
        "twice_again": f.DeclarationFactory(
            enterprise=exporter_a, logistics_no="SF2", order_no="O-3", ebp_name="Two"
        ),
    }
    Declaration.objects.filter(pk=rows["old_waybill"].pk).update(
        created_at=datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=200)
    )
    return rows


def _questions(stored):
    ids = [None, *(d.pk for d in stored.values())]
    codes = ["无", "", "4401PLAT01", "OTHER"]
    names = ["Shop", "LA Warehouse", "Two", "Nobody", ""]
    orders = ["O-1", "O-2", "O-3", "W-1", "W-2", "O-404"]
    logistics_codes = ["4401980ABC", "4401980XYZ"]
    waybills = ["SF1", "SF2", "SF-OLD", "SF-404"]
    agents = [stored["plain"].agent_id, stored["real_code"].agent_id, 999_999]
    cops = ["C-1", stored["twice"].cop_no, "C-404"]
    for code, name, order, exclude in itertools.product(codes, names, orders, ids):
        yield "order_no", (code, name, order), exclude
    for code, number, exclude in itertools.product(logistics_codes, waybills, ids):
        yield "waybill", (code, number), exclude
    for agent, cop, exclude in itertools.product(agents, cops, ids):
        yield "cop_no", (agent, cop), exclude


def test_batched_answers_equal_the_per_declaration_queries(stored):
    per_query = rule_context_load()
    batched = rule_context_with_prefetched_duplicates(
        per_query,
        order_nos=["O-1", "O-2", "O-3", "W-1", "W-2", "O-404"],
        logistics_nos=["SF1", "SF2", "SF-OLD", "SF-404"],
        cop_nos=["C-1", stored["twice"].cop_no, "C-404"],
    )
    questions = list(_questions(stored))
    expected = [per_query.is_duplicate(*q) for q in questions]
    with CaptureQueriesContext(connection) as queries:
        got = [batched.is_duplicate(*q) for q in questions]
    assert got == expected
    assert len(queries) == 0
    assert (sum(expected), len(expected)) == (115, 1233)  # hits and misses both in the grid
    assert not per_query.is_duplicate("waybill", ("4401980ABC", "SF-OLD"), None)  # older than 6 months


def test_prefetch_reads_each_kind_in_one_query(stored):
    ctx = rule_context_load()
    with CaptureQueriesContext(connection) as queries:
        rule_context_with_prefetched_duplicates(
            ctx, order_nos={"O-1", "O-2"}, logistics_nos={"SF1"}, cop_nos={"C-1"}
        )
    assert len(queries) == 3


def test_prefetch_chunks_long_lists(stored):
    numbers = [f"N-{n:05d}" for n in range(2000)] + ["O-1"]
    ctx = rule_context_load()
    with CaptureQueriesContext(connection) as queries:
        batched = rule_context_with_prefetched_duplicates(ctx, order_nos=numbers)
    assert len(queries) == 3  # 2,001 numbers in chunks of 900
    assert batched.is_duplicate("order_no", ("无", "Shop", "O-1"), None)


def test_numbers_not_prefetched_still_ask_the_database(stored):
    batched = rule_context_with_prefetched_duplicates(
        rule_context_load(), order_nos={"O-404"}, cop_nos={"", "C-404"}
    )
    with CaptureQueriesContext(connection) as queries:
        assert batched.is_duplicate("order_no", ("无", "Shop", "O-1"), None)
        assert batched.is_duplicate("waybill", ("4401980ABC", "SF1"), None)
        assert batched.is_duplicate("cop_no", (stored["plain"].agent_id, "C-1"), None)
    assert len(queries) == 3
    with pytest.raises(ValueError):
        batched.is_duplicate("nonsense", (), None)


def test_engine_findings_are_the_same_on_both_paths(stored, exporter_a):
    f.RegistrationFactory(enterprise=exporter_a, customs_office=CustomsOffice.objects.get(code="5141"))
    heads = [
        f.DeclarationFactory.build(
            enterprise=exporter_a,
            agent=exporter_a,
            order_no=order,
            logistics_no=waybill,
            cop_no=cop,
            ebp_name=name,
        )
        for order, waybill, cop, name in [
            ("O-1", "SF1", "C-1", "Shop"),
            ("O-1", "SF-NEW", "C-NEW", "Elsewhere"),
            ("O-3", "SF2", "C-2", "Two"),
            ("O-NEW", "SF-OLD", "C-3", "Shop"),
        ]
    ]
    heads.append(stored["plain"])  # a stored declaration is not its own duplicate
    per_query = rule_context_load()
    batched = rule_context_with_prefetched_duplicates(
        per_query,
        order_nos={h.order_no for h in heads},
        logistics_nos={h.logistics_no for h in heads},
        cop_nos={h.cop_no for h in heads},
    )
    results = []
    for head in heads:
        line = f.DeclarationLineFactory.build(declaration=head, gnum=1)
        expected = triples(check_declaration(head, [line], ctx=per_query))
        assert triples(check_declaration(head, [line], ctx=batched)) == expected
        results.append([t for t in expected if t[0].startswith("DUPLICATE")])
    assert results == [
        [
            ("DUPLICATE_ORDER_NO", "orderNo", None),
            ("DUPLICATE_WAYBILL", "logisticsNo", None),
            ("DUPLICATE_COP_NO", "copNo", None),
        ],
        [],
        [("DUPLICATE_ORDER_NO", "orderNo", None), ("DUPLICATE_WAYBILL", "logisticsNo", None)],
        [],
        [],
    ]
