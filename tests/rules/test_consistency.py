"""Consistency with other records (registration, warehouse filing, uniqueness) and between paired messages."""

from decimal import Decimal

import pytest
from django.utils import translation

from declarations.choices import Mode
from declarations.rules.consistency import check_duplicates, check_order_type, compare_order_and_list
from tests.rules.helpers import (
    Case,
    make_enterprise,
    make_warehouse,
    run_failing,
    run_passing,
    scenario,
    set_head,
    set_line,
    steps,
    triples,
)

PLATFORM = "Example Global B2B Marketplace"


def _order_type(s):
    return check_order_type(s.extra.get("order_type", "B"), s.head.mode)


def _pair(s):
    return compare_order_and_list(s.order_lines, s.lines)


def _extra(**values):
    def apply(s):
        s.extra.update(values)

    return apply


def _duplicates(*entries):
    """The context reports these (kind, key) pairs as already used by another declaration."""
    taken = set(entries)

    def apply(s):
        s.update_ctx(is_duplicate=lambda kind, key, exclude_id: (kind, key) in taken)

    return apply


def _ctx(**overrides):
    def apply(s):
        s.update_ctx(**overrides)

    return apply


def _drop_line(index):
    def apply(s):
        del s.lines[index]

    return apply


def _reverse_lines(s):
    s.lines.reverse()


WAREHOUSE_9810 = set_head(mode=Mode.WAREHOUSE, warehouse=None)

CASES = [
    Case("ORDER_TYPE_MODE_MISMATCH", "orderType", None, bad=_extra(order_type="W"), check=_order_type),
    Case(
        "ORDER_TYPE_MODE_MISMATCH",
        "orderType",
        None,
        bad=_extra(order_type="B"),
        ok=_extra(order_type="W"),
        check=lambda s: check_order_type(s.extra["order_type"], "9810"),
        name="9810",
    ),
    Case(
        "WAREHOUSE_REQUIRED",
        "warehouse",
        None,
        bad=set_head(mode=Mode.WAREHOUSE),
        ok=lambda s: set_head(mode=Mode.WAREHOUSE, warehouse=make_warehouse())(s),
    ),
    Case(
        "WAREHOUSE_FILING_NOT_APPROVED",
        "warehouse",
        None,
        bad=lambda s: set_head(mode=Mode.WAREHOUSE, warehouse=make_warehouse(pk=11))(s),
        ok=lambda s: steps(
            set_head(mode=Mode.WAREHOUSE, warehouse=make_warehouse(pk=11)),
            _ctx(require_warehouse_filing=False),
        )(s),
    ),
    Case(
        "REGISTRATION_MISSING",
        "customsCode",
        None,
        bad=set_head(customs_code="5100"),
        ok=set_head(customs_code="5141"),
    ),
    Case(
        "REGISTRATION_MISSING",
        "customsCode",
        None,
        bad=lambda s: set_head(enterprise=make_enterprise(pk=3))(s),
        name="other-enterprise",
    ),
    Case(
        "DUPLICATE_ORDER_NO",
        "orderNo",
        None,
        bad=steps(set_head(order_no="ORDER-1"), _duplicates(("order_no", ("无", PLATFORM, "ORDER-1")))),
        ok=steps(
            set_head(order_no="ORDER-1"), _duplicates(("order_no", ("无", "Other platform", "ORDER-1")))
        ),
    ),
    Case(
        "DUPLICATE_ORDER_NO",
        "orderNo",
        None,
        bad=lambda s: steps(
            set_head(
                order_no="W-1", mode=Mode.WAREHOUSE, warehouse=make_warehouse(), ebp_code="", ebp_name=""
            ),
            _duplicates(("order_no", ("无", "Example US Warehouse", "W-1"))),
        )(s),
        name="9810-warehouse-name",
    ),
    Case(
        "DUPLICATE_WAYBILL",
        "logisticsNo",
        None,
        bad=steps(set_head(logistics_no="SF1"), _duplicates(("waybill", ("4401980ABC", "SF1")))),
        ok=steps(set_head(logistics_no="SF1"), _duplicates(("waybill", ("4401980XYZ", "SF1")))),
    ),
    Case(
        "DUPLICATE_COP_NO",
        "copNo",
        None,
        bad=_duplicates(("cop_no", (1, "COP00000001"))),
        ok=steps(
            _duplicates(("cop_no", (1, "COP00000001"))),
            lambda s: setattr(s.head, "agent", make_enterprise(pk=2)),
        ),
    ),
    Case(
        "LINE_MISMATCH",
        "qty",
        1,
        bad=set_line(qty=Decimal("90"), total_price=Decimal("2880")),
        ok=set_line(qty=Decimal("100.000")),
        check=_pair,
    ),
    Case("LINE_MISMATCH", "itemNo", 2, bad=set_line(1, item_no="SKU-X"), check=_pair, lines=2, name="itemNo"),
    Case("LINE_MISMATCH", "price", 1, bad=set_line(price=Decimal("31")), check=_pair, name="price"),
    Case(
        "LINE_MISMATCH",
        "totalPrice",
        1,
        bad=set_line(total_price=Decimal("1")),
        check=_pair,
        name="totalPrice",
    ),
    Case("LINE_MISSING", "gnum", 2, bad=_drop_line(1), ok=_reverse_lines, check=_pair, lines=2),
    # A copy keeps its source's numbers until the user changes them (rules/copies.py).
    Case(
        "COPY_ORDER_NO_UNCHANGED",
        "orderNo",
        None,
        bad=set_head(copy_of_order_no="SRC-ORDER-1", order_no="SRC-ORDER-1-COPY"),
        ok=set_head(copy_of_order_no="SRC-ORDER-1", order_no="NEW-ORDER-2"),
    ),
    Case(
        "COPY_ORDER_NO_UNCHANGED",
        "orderNo",
        None,
        bad=set_head(copy_of_order_no="SRC-ORDER-1", order_no="SRC-ORDER-1"),
        ok=set_head(copy_of_order_no="", order_no="SRC-ORDER-1-COPY"),
        name="source number",
    ),
    Case(
        "COPY_WAYBILL_UNCHANGED",
        "logisticsNo",
        None,
        bad=set_head(
            copy_of_order_no="SRC-ORDER-1", copy_of_logistics_no="SF0000000001", logistics_no="SF0000000001"
        ),
        ok=set_head(
            copy_of_order_no="SRC-ORDER-1", copy_of_logistics_no="SF0000000001", logistics_no="SF0000000002"
        ),
    ),
    Case(
        "COPY_WAYBILL_UNCHANGED",
        "logisticsNo",
        None,
        bad=set_head(
            copy_of_order_no="SRC-ORDER-1",
            copy_of_logistics_no="SF0000000001",
            channel="customs_declaration",
            logistics_no="",
        ),
        ok=set_head(
            copy_of_order_no="SRC-ORDER-1",
            copy_of_logistics_no="",
            channel="customs_declaration",
            logistics_no="",
        ),
        name="empty in the customs declaration channel",
    ),
    Case(
        "WAREHOUSE_COUNTRY_MISMATCH",
        "country",
        None,
        bad=lambda s: set_head(mode=Mode.WAREHOUSE, warehouse=make_warehouse(), country="303")(s),
        ok=lambda s: set_head(mode=Mode.WAREHOUSE, warehouse=make_warehouse(), country="502")(s),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_rule_fires(case):
    run_failing(case)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_rule_does_not_fire_on_near_miss(case):
    run_passing(case)


def test_duplicate_lookup_excludes_the_declaration_itself():
    s = scenario()
    s.head.pk = 42
    calls = []
    s.update_ctx(is_duplicate=lambda kind, key, exclude_id: calls.append((kind, key, exclude_id)) or False)
    assert check_duplicates(s.head, ctx=s.ctx) == []
    assert calls == [
        ("order_no", ("无", PLATFORM, s.head.order_no), 42),
        ("waybill", ("4401980ABC", s.head.logistics_no), 42),
        ("cop_no", (1, "COP00000001"), 42),
    ]


def test_empty_keys_are_not_looked_up():
    s = scenario()
    s.head.order_no = s.head.logistics_no = s.head.cop_no = ""
    s.update_ctx(is_duplicate=lambda *args: pytest.fail(f"looked up {args}"))
    assert check_duplicates(s.head, ctx=s.ctx) == []


def test_order_and_list_lines_may_be_parsed_mappings():
    s = scenario(2)
    order = [{"gnum": "1", "itemNo": "SKU-0001", "qty": "10", "price": "32", "totalPrice": "320.00000"}]
    assert triples(compare_order_and_list(order, s.lines)) == [("LINE_MISSING", "gnum", 2)]


def test_line_mismatch_message_names_both_values():
    s = scenario()
    s.lines[0].qty = Decimal("90")
    (finding,) = compare_order_and_list(s.order_lines, s.lines)
    assert finding.params == {"order_value": "100", "list_value": "90"}
    with translation.override("en"):
        assert finding.message == "Line 1: quantity is 90 in the list but 100 in the order."
