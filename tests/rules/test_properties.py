"""Properties: the engine never raises on arbitrary values; the totals rule agrees with Decimal arithmetic."""

import decimal
import json
from dataclasses import replace
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from declarations.models import CEB_HEAD_FIELDS, CEB_LINE_FIELDS
from declarations.rules.catalogue import CATALOGUE
from declarations.rules.channel import recommend_channel
from declarations.rules.engine import check_declaration, evaluate
from tests.rules.helpers import make_ctx, make_enterprise, make_head, make_line, make_warehouse, triples

EXTREME_DECIMALS = [
    Decimal("1E+999999999"),
    Decimal("-1E-999999999"),
    Decimal("99999999999999.99999"),
    Decimal("100000000000000"),
    Decimal("0.000001"),
    Decimal("-0"),
    Decimal("sNaN"),
    Decimal("-Infinity"),
    Decimal("1." + "1" * 200),
]
# Every character class, lone surrogates and non-BMP characters included.
ANY_CHAR = st.characters(exclude_categories=())
ANY = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(10**60), max_value=10**60),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.sampled_from(EXTREME_DECIMALS),
    st.floats(),
    st.text(ANY_CHAR, max_size=300),
    st.text(st.characters(min_codepoint=0x10000), max_size=40),
    st.sampled_from(["", " ", "无", "NO", "502", "142", "5141", "9617001100", "961700", "list", "9810"]),
    st.dates(),
    st.datetimes(),
)
HEAD_ATTRS = sorted(set(CEB_HEAD_FIELDS.values()) | {"mode", "channel"})
LINE_ATTRS = sorted(set(CEB_LINE_FIELDS.values()) | {"licence", "inspection", "tax"})


def enterprises():
    return st.one_of(
        st.none(),
        st.builds(
            lambda pk, uscc, code, name: make_enterprise(pk=pk, uscc=uscc, customs_code=code, name=name),
            st.one_of(st.none(), st.integers(1, 5)),
            ANY,
            ANY,
            ANY,
        ),
    )


@st.composite
def declarations(draw):
    head = make_head()
    for attr in draw(st.lists(st.sampled_from(HEAD_ATTRS), unique=True)):
        setattr(head, attr, draw(ANY))
    head.enterprise = draw(enterprises())
    head.agent = draw(enterprises())
    if draw(st.booleans()):
        head.warehouse = make_warehouse(pk=draw(st.integers(1, 20)), name=draw(ANY))
    lines = []
    for index in range(draw(st.integers(0, 4))):
        line = make_line(head, index + 1)
        for attr in draw(st.lists(st.sampled_from(LINE_ATTRS), unique=True)):
            setattr(line, attr, draw(ANY))
        lines.append(line)
    rate = draw(st.one_of(st.none(), ANY))
    ctx = make_ctx(
        rate_for=lambda currency, month: rate,
        is_duplicate=lambda kind, key, exclude_id: hash(key) % 2 == 0,
        require_warehouse_filing=draw(st.booleans()),
    )
    return head, lines, ctx


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(declarations())
def test_engine_never_raises(case):
    head, lines, ctx = case
    evaluation = evaluate(head, lines, ctx=ctx)
    for finding in evaluation.findings:
        assert finding.code in CATALOGUE
        assert finding.gnum is None or isinstance(finding.gnum, int)
        assert finding.message
        json.dumps(finding.as_dict())
    assert evaluation.advice.channel in ("list", "customs_declaration")
    assert evaluation.advice.reason_message
    json.dumps(evaluation.advice.params)


@settings(max_examples=20, deadline=None)
@given(st.lists(st.sampled_from(LINE_ATTRS), unique=True), ANY)
def test_engine_never_raises_on_many_lines(attrs, value):
    head = make_head()
    lines = [make_line(head, gnum) for gnum in range(1, 103)]
    for attr in attrs:
        setattr(lines[50], attr, value)
    assert ("TOO_MANY_LINES", "lines", None) in triples(check_declaration(head, lines, ctx=make_ctx()))
    recommend_channel(head, lines, make_ctx())


N19_5 = st.decimals(min_value=0, max_value=Decimal("99999999999999.99999"), places=5)
EXACT = decimal.Context(prec=60, rounding=decimal.ROUND_HALF_UP)


@settings(max_examples=300, deadline=None)
@given(qty=N19_5, price=N19_5, total=N19_5, use_expected=st.booleans())
def test_totals_rule_agrees_with_decimal_arithmetic(qty, price, total, use_expected):
    expected = (qty * price).quantize(Decimal("0.00001"), context=EXACT)
    if use_expected and expected <= Decimal("99999999999999.99999"):
        total = expected
    head = make_head()
    line = make_line(head, 1, qty=qty, price=price, total_price=total)
    found = ("TOTAL_PRICE_MISMATCH", "totalPrice", 1) in triples(
        check_declaration(head, [line], ctx=make_ctx())
    )
    assert found == (total != expected)


@settings(max_examples=100, deadline=None)
@given(
    totals=st.lists(N19_5, min_size=1, max_size=5),
    rate=st.decimals(min_value="0.0001", max_value="100", places=4),
)
def test_value_test_agrees_with_decimal_arithmetic(totals, rate):
    head = make_head(currency="502")
    lines = [make_line(head, i + 1, currency="502", total_price=total) for i, total in enumerate(totals)]
    ctx = replace(make_ctx(), rate_for=lambda currency, month: rate)
    value_cny = sum(totals, Decimal(0)) * rate
    over = value_cny > ctx.list_limit_cny
    codes = [f.code for f in check_declaration(head, lines, ctx=ctx)]
    assert ("LIST_VALUE_OVER_LIMIT" in codes) == over
    assert recommend_channel(head, lines, ctx).channel == ("customs_declaration" if over else "list")
