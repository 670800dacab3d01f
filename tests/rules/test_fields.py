"""XSD-level field rules: required, lengths, N19,5, integers, dates, characters, line count, gnum sequence."""

from decimal import Decimal

import pytest

from declarations.choices import Channel, Mode
from declarations.rules.fields import check_fields, decimal_value, digits, fits
from tests.rules.helpers import (
    Case,
    make_line,
    make_warehouse,
    run_failing,
    run_passing,
    scenario,
    set_head,
    set_line,
    steps,
    triples,
)


def _lines(count: int):
    def apply(s):
        s.lines = [make_line(s.head, gnum) for gnum in range(1, count + 1)]

    return apply


def _gnums(*numbers):
    def apply(s):
        for line, number in zip(s.lines, numbers, strict=True):
            line.gnum = number

    return apply


CASES = [
    Case("REQUIRED", "orderNo", None, bad=set_head(order_no=""), ok=set_head(order_no="X")),
    Case("REQUIRED", "grossWeight", None, bad=set_head(gross_weight=None), name="number"),
    Case("REQUIRED", "ebcCode", None, bad=set_head(enterprise=None), name="enterprise"),
    Case("REQUIRED", "agentCode", None, bad=set_head(agent=None), name="agent"),
    Case("REQUIRED", "tradeMode", None, bad=set_head(mode=""), name="mode"),
    Case("REQUIRED", "gname", 1, bad=set_line(gname="   "), name="line-blank"),
    Case(
        "REQUIRED",
        "logisticsNo",
        None,
        bad=set_head(logistics_no=""),
        ok=set_head(logistics_no="", channel=Channel.CUSTOMS_DECLARATION),
        name="list-only",
    ),
    Case(
        "REQUIRED",
        "ieDate",
        None,
        bad=set_head(ie_date=None),
        ok=set_head(ie_date=None, channel=Channel.CUSTOMS_DECLARATION),
        name="ieDate-list-only",
    ),
    Case(
        "REQUIRED",
        "ownerName",
        None,
        bad=set_head(owner_code="4401980ABC", owner_name=""),
        ok=set_head(owner_code="NO", owner_name=""),
        name="ownerName",
    ),
    Case("REQUIRED", "unit2", 1, bad=set_line(qty2=Decimal("2")), name="qty2-without-unit2"),
    Case(
        "REQUIRED",
        "qty2",
        1,
        bad=set_line(unit2="035"),
        ok=set_line(unit2="035", qty2=Decimal("2")),
        name="unit2",
    ),
    Case("TOO_LONG", "itemNo", 1, bad=set_line(item_no="S" * 21), ok=set_line(item_no="S" * 20), name="list"),
    Case(
        "TOO_LONG",
        "itemNo",
        1,
        bad=steps(set_head(channel=Channel.CUSTOMS_DECLARATION), set_line(item_no="S" * 31)),
        ok=steps(set_head(channel=Channel.CUSTOMS_DECLARATION), set_line(item_no="S" * 30)),
        name="order",
    ),
    Case(
        "TOO_LONG",
        "orderNo",
        None,
        bad=set_head(order_no="9" * 61),
        ok=set_head(order_no="9" * 60),
        name="orderNo",
    ),
    Case(
        "TOO_LONG",
        "gname",
        1,
        bad=set_line(gname="\U0001f600" * 251),
        ok=set_line(gname="\U0001f600" * 250),
        name="non-bmp-counts-one",
    ),
    Case(
        "WRONG_LENGTH",
        "customsCode",
        None,
        bad=set_head(customs_code="514"),
        ok=set_head(customs_code="5100"),
    ),
    Case("WRONG_LENGTH", "POD", None, bad=set_head(pod="50"), ok=set_head(pod="5020"), name="range"),
    Case("WRONG_LENGTH", "unit", 1, bad=set_line(unit="07"), name="line"),
    Case("INVALID_CHARACTERS", "gname", 1, bad=set_line(gname="cup\x07"), ok=set_line(gname="cup\tflask\n")),
    Case(
        "INVALID_IDENTIFIER",
        "copNo",
        None,
        bad=set_head(cop_no="EP2025\r\nX"),
        ok=set_head(cop_no="EP2025-01/A 1"),
    ),
    Case("INVALID_IDENTIFIER", "orderNo", None, bad=set_head(order_no='O"1<x>'), name="quote"),
    Case("INVALID_IDENTIFIER", "logisticsNo", None, bad=set_head(logistics_no="W\t1"), name="tab"),
    Case("INVALID_NUMBER", "qty", 1, bad=set_line(qty="ten"), ok=set_line(qty="100")),
    Case("INVALID_NUMBER", "freight", None, bad=set_head(freight=Decimal("NaN")), name="nan"),
    Case("INVALID_NUMBER", "price", 1, bad=set_line(price=True), name="bool"),
    Case(
        "INVALID_DATE", "ieDate", None, bad=set_head(ie_date="2025-02-31"), ok=set_head(ie_date="2025-02-28")
    ),
    Case(
        "DECIMAL_PRECISION",
        "price",
        1,
        bad=set_line(price=Decimal("32.123456"), total_price=Decimal("3212.3456")),
        ok=set_line(price=Decimal("32.123450"), total_price=Decimal("3212.345")),
    ),
    Case(
        "DECIMAL_PRECISION",
        "freight",
        None,
        bad=set_head(freight=Decimal("123456789012345")),
        ok=set_head(freight=Decimal("12345678901234.12345")),
        name="integer-digits",
    ),
    Case(
        "DECIMAL_PRECISION",
        "packNo",
        None,
        bad=set_head(pack_no=1_000_000_000),
        ok=set_head(pack_no=999_999_999),
    ),
    Case(
        "DECIMAL_PRECISION",
        "gnum",
        1,
        bad=set_line(gnum=Decimal("1.5")),
        ok=set_line(gnum=Decimal("1.0")),
        name="gnum",
    ),
    Case(
        "NEGATIVE_NUMBER",
        "freight",
        None,
        bad=set_head(freight=Decimal("-1")),
        ok=set_head(freight=Decimal("0")),
    ),
    Case(
        "NEGATIVE_NUMBER",
        "price",
        1,
        bad=set_line(price=Decimal("-32"), total_price=Decimal("0")),
        name="line",
    ),
    Case(
        "NOT_POSITIVE", "grossWeight", None, bad=set_head(gross_weight=Decimal("0"), net_weight=Decimal("0"))
    ),
    Case(
        "NOT_POSITIVE",
        "qty",
        1,
        bad=set_line(qty=0, total_price=0),
        ok=set_line(qty=Decimal("0.00001"), total_price=0),
    ),
    Case("NOT_POSITIVE", "packNo", None, bad=set_head(pack_no=0), ok=set_head(pack_no=1), name="packNo"),
    Case("NO_LINES", "lines", None, bad=_lines(0), ok=_lines(1)),
    Case("TOO_MANY_LINES", "lines", None, bad=_lines(101), ok=_lines(100)),
    Case("GNUM_SEQUENCE", "gnum", 3, bad=_gnums(1, 3), ok=_gnums(2, 1), lines=2, name="gap"),
    Case("GNUM_SEQUENCE", "gnum", 1, bad=_gnums(1, 1), lines=2, name="repeat"),
    Case("GNUM_SEQUENCE", "gnum", 2, bad=_gnums(2, 3), lines=2, name="not-from-1"),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_rule_fires(case):
    run_failing(case)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_rule_does_not_fire_on_near_miss(case):
    run_passing(case)


def test_baseline_has_no_field_findings():
    s = scenario(3)
    assert check_fields(s.head, s.lines, channel=Channel.LIST) == []


def test_one_finding_per_field():
    s = scenario()
    s.head.customs_code = "51\x00"  # wrong characters and wrong length: the first problem only
    assert triples(check_fields(s.head, s.lines, channel=Channel.LIST)) == [
        ("INVALID_CHARACTERS", "customsCode", None)
    ]


def test_renderer_defaults_are_optional():
    """Elements the renderer fills when empty are optional: ebpCode 无, itemName, barCode, POD, goodsInfo."""
    s = scenario()
    s.head.ebp_code = s.head.pod = s.head.goods_info = s.head.owner_code = ""
    s.lines[0].item_name = s.lines[0].bar_code = ""
    assert check_fields(s.head, s.lines, channel=Channel.LIST) == []


def test_9810_ebp_name_comes_from_the_warehouse():
    s = scenario()
    s.head.mode = Mode.WAREHOUSE
    s.head.warehouse = make_warehouse()
    s.head.ebp_name = ""
    assert check_fields(s.head, s.lines, channel=Channel.LIST) == []
    s.head.mode = Mode.DIRECT
    assert ("REQUIRED", "ebpName", None) in triples(check_fields(s.head, s.lines, channel=Channel.LIST))


def test_line_findings_use_position_when_gnum_is_unusable():
    s = scenario(2)
    s.lines[1].gnum = "x"
    s.lines[1].qty = None
    found = triples(check_fields(s.head, s.lines, channel=Channel.LIST))
    assert ("INVALID_NUMBER", "gnum", 2) in found
    assert ("REQUIRED", "qty", 2) in found


@pytest.mark.parametrize(
    "value, expected",
    [
        ("0", (0, 0)),
        ("0.00000", (0, 0)),
        ("100", (3, 0)),
        ("1E+2", (3, 0)),
        ("12.30", (2, 1)),
        ("0.05", (0, 2)),
        ("1.000000000000000000000000000000001", (1, 33)),  # more digits than the default context keeps
    ],
)
def test_digits(value, expected):
    assert digits(Decimal(value)) == expected


def test_fits_n19_5_bounds():
    assert fits(Decimal("99999999999999.99999"))
    assert not fits(Decimal("100000000000000"))
    assert not fits(Decimal("0.000001"))
    assert not fits(Decimal("1E+999999"))


@pytest.mark.parametrize("value", [None, "", "abc", True, Decimal("Infinity"), float("nan"), [1], object()])
def test_decimal_value_rejects_non_numbers(value):
    assert decimal_value(value) is None


def test_decimal_value_reads_numbers():
    assert decimal_value(3) == Decimal(3)
    assert decimal_value(0.1) == Decimal("0.1")
    assert decimal_value(" 2.50 ") == Decimal("2.5")
