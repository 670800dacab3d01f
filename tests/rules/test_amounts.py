"""Amounts: line totals, weights, one currency, goodsValue, and the CNY value test of the list channel."""

import datetime
import decimal
from decimal import Decimal

import pytest

from declarations.choices import Channel
from declarations.rules.amounts import check_goods_value, expected_total, valuation
from tests.rules.helpers import (
    MONTH,
    Case,
    engine,
    run_failing,
    run_passing,
    scenario,
    set_head,
    set_line,
    steps,
    triples,
)

D = Decimal


def _goods_value(s):
    return check_goods_value(s.extra.get("goods_value", "3200"), s.lines)


def _extra(**values):
    def apply(s):
        s.extra.update(values)

    return apply


def _in(currency: str):
    return steps(set_head(currency=currency), set_line(currency=currency))


def _today(day: datetime.date):
    """The day the rules run (a draft is declared when it is submitted: its rate month is today's)."""

    def apply(s):
        s.update_ctx(today=lambda: day)

    return apply


CASES = [
    Case("TOTAL_PRICE_MISMATCH", "totalPrice", 1, bad=set_line(total_price=D("3199.99999"))),
    Case(
        "TOTAL_PRICE_MISMATCH",
        "totalPrice",
        1,
        bad=set_line(qty=D("0.5"), price=D("0.00001"), total_price=D("0")),
        ok=set_line(qty=D("0.5"), price=D("0.00001"), total_price=D("0.00001")),
        name="half-up",
    ),
    Case(
        "TOTAL_PRICE_MISMATCH",
        "totalPrice",
        2,
        bad=set_line(1, qty=D("3"), price=D("0.33333"), total_price=D("1")),
        ok=set_line(1, qty=D("3"), price=D("0.33333"), total_price=D("0.99999")),
        lines=2,
        name="second-line",
    ),
    Case(
        "NET_GT_GROSS",
        "netWeight",
        None,
        bad=set_head(net_weight=D("42.50001")),
        ok=set_head(net_weight=D("42.5")),
    ),
    Case("CURRENCY_MISMATCH", "currency", 1, bad=set_line(currency="502"), ok=_in("502")),
    Case(
        "GOODS_VALUE_MISMATCH",
        "goodsValue",
        None,
        bad=_extra(goods_value="3100"),
        ok=_extra(goods_value=D("3200.00000")),
        check=_goods_value,
    ),
    Case(
        "GOODS_VALUE_MISMATCH",
        "goodsValue",
        None,
        bad=_extra(goods_value=None),
        check=_goods_value,
        name="missing",
    ),
    Case(
        "EXCHANGE_RATE_MISSING",
        "currency",
        None,
        bad=steps(_in("300"), _today(datetime.date(2025, 7, 1))),
        ok=steps(_in("300"), _today(datetime.date(2025, 6, 30))),
    ),
    Case(
        "EXCHANGE_RATE_MISSING",
        "currency",
        None,
        bad=steps(_in("300"), set_head(channel=""), _today(datetime.date(2025, 7, 1))),
        ok=steps(
            _in("300"), set_head(channel=Channel.CUSTOMS_DECLARATION), _today(datetime.date(2025, 7, 1))
        ),
        name="needed-for-recommendation",
    ),
    Case(
        "LIST_VALUE_OVER_LIMIT",
        "channel",
        None,
        bad=set_line(price=D("50.01"), total_price=D("5001")),
        ok=set_line(price=D("50"), total_price=D("5000")),
    ),
    Case(
        "LIST_VALUE_OVER_LIMIT",
        "channel",
        None,
        bad=steps(_in("502"), set_line(qty=D("1"), price=D("705"), total_price=D("705"))),
        ok=steps(_in("502"), set_line(qty=D("1"), price=D("704"), total_price=D("704"))),
        name="usd",
    ),
    Case(
        "LIST_VALUE_NEAR_LIMIT",
        "channel",
        None,
        bad=set_line(price=D("47.51"), total_price=D("4751")),
        ok=set_line(price=D("47.5"), total_price=D("4750")),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_rule_fires(case):
    run_failing(case)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_rule_does_not_fire_on_near_miss(case):
    run_passing(case)


def test_rate_missing_names_currency_and_month():
    s = scenario()
    _in("300")(s)
    _today(datetime.date(2025, 7, 9))(s)
    (finding,) = [f for f in engine(s) if f.code == "EXCHANGE_RATE_MISSING"]
    assert finding.params == {"currency": "300 (EUR)", "month": "2025-07"}
    assert "300 (EUR)" in finding.message and "2025-07" in finding.message


def test_month_is_today_in_china_without_an_export_date():
    s = scenario()
    _in("502")(s)
    s.head.ie_date = None
    s.head.channel = Channel.CUSTOMS_DECLARATION  # ieDate is required in the list channel only
    assert valuation(s.head, s.lines, ctx=s.ctx).month == MONTH
    s.update_ctx(today=lambda: datetime.date(2025, 8, 1))
    assert valuation(s.head, s.lines, ctx=s.ctx).rate is None


def test_cny_needs_no_rate():
    s = scenario()
    s.update_ctx(rate_for=lambda currency, month: pytest.fail("no rate lookup for CNY"))
    worth = valuation(s.head, s.lines, ctx=s.ctx)
    assert (worth.value, worth.rate, worth.value_cny) == (D("3200"), D("1"), D("3200"))


def test_no_rate_needed_when_a_line_excludes_the_list_anyway():
    s = scenario()
    _in("300")(s)
    s.head.channel = ""
    _today(datetime.date(2025, 7, 1))(s)
    s.lines[0].licence = True
    assert "EXCHANGE_RATE_MISSING" not in [f.code for f in engine(s)]


def test_value_converts_at_the_month_rate():
    s = scenario()
    _in("502")(s)
    worth = valuation(s.head, s.lines, ctx=s.ctx)
    assert worth.value_cny == D("3200") * D("7.1")
    assert worth.value_cny_display == "22720"


def test_over_limit_params():
    s = scenario()
    set_line(price=D("50.01"), total_price=D("5001"))(s)
    (finding,) = [f for f in engine(s) if f.code == "LIST_VALUE_OVER_LIMIT"]
    assert finding.params == {"value_cny": "5001", "limit": "5000", "conversion": "5001 CNY"}


def test_limit_comes_from_the_context():
    s = scenario()
    s.update_ctx(list_limit_cny=D("3000"))
    assert ("LIST_VALUE_OVER_LIMIT", "channel", None) in triples(engine(s))


def test_customs_declaration_has_no_value_limit():
    s = scenario()
    set_line(price=D("500"), total_price=D("50000"))(s)
    s.head.channel = Channel.CUSTOMS_DECLARATION
    assert [f for f in engine(s) if f.code.startswith("LIST_")] == []


@pytest.mark.parametrize(
    "qty, price, expected",
    [("3", "0.33333", "0.99999"), ("0.5", "0.00001", "0.00001"), ("0.4", "0.00001", "0"), ("2", "1.5", "3")],
)
def test_expected_total(qty, price, expected):
    assert expected_total(D(qty), D(price)) == D(expected)


def test_expected_total_of_the_largest_operands_is_exact():
    big = D("99999999999999.99999")
    exact = decimal.Context(prec=60, rounding=decimal.ROUND_HALF_UP)
    assert expected_total(big, big) == (big * big).quantize(D("0.00001"), context=exact)
