"""The engine: a valid declaration is clean; order is deterministic; later groups respect field errors."""

from decimal import Decimal

from declarations.choices import Channel
from declarations.rules.engine import check_declaration, evaluate, has_errors
from declarations.rules.finding import Finding
from tests.rules.helpers import engine, scenario, triples


def test_factory_declaration_is_clean():
    s = scenario(3)
    assert engine(s) == []


def test_evaluate_returns_the_advice_and_the_assumed_channel():
    s = scenario()
    s.head.channel = ""
    evaluation = evaluate(s.head, s.lines, ctx=s.ctx)
    assert (evaluation.findings, evaluation.channel, evaluation.advice.channel) == ([], "list", "list")


def test_order_is_head_first_then_lines_by_gnum():
    s = scenario(3)
    s.lines.reverse()  # input order does not matter
    s.lines[0].qty = None  # gnum 3
    s.lines[2].unit = "999"  # gnum 1
    s.head.order_no = ""
    s.head.net_weight = Decimal("50")
    assert triples(engine(s)) == [
        ("REQUIRED", "orderNo", None),
        ("NET_GT_GROSS", "netWeight", None),
        ("UNKNOWN_UNIT", "unit", 1),
        ("REQUIRED", "qty", 3),
    ]


def test_same_input_same_output():
    s = scenario(5)
    s.head.currency = "USD"
    for line in s.lines:
        line.gcode = "12"
    assert engine(s) == engine(s)


def test_a_field_with_an_xsd_error_gets_no_further_findings():
    s = scenario()
    s.head.currency = "5020"  # WRONG_LENGTH, not also UNKNOWN_CURRENCY
    s.lines[0].total_price = Decimal("1.123456")  # DECIMAL_PRECISION, not also TOTAL_PRICE_MISMATCH
    found = triples(engine(s))
    assert ("WRONG_LENGTH", "currency", None) in found
    assert ("DECIMAL_PRECISION", "totalPrice", 1) in found
    assert not [t for t in found if t[0] in ("UNKNOWN_CURRENCY", "TOTAL_PRICE_MISMATCH")]


def test_itemno_limit_follows_the_recommended_channel():
    s = scenario()
    s.head.channel = ""
    s.lines[0].item_no = "S" * 25
    assert ("TOO_LONG", "itemNo", 1) in triples(engine(s))  # recommended: list
    s.lines[0].licence = True
    assert engine(s) == []  # recommended: customs declaration, where the order allows 30


def test_has_errors_reads_findings_and_stored_dicts():
    warning = Finding.of("HS_NOT_IN_HS2022", "gcode", 1, subheading="999900")
    error = Finding.of("REQUIRED", "orderNo")
    assert not has_errors([warning])
    assert has_errors([warning, error])
    assert has_errors([error.as_dict()])
    assert not has_errors([])


def test_lines_may_be_any_iterable():
    s = scenario(2)
    assert check_declaration(s.head, iter(s.lines), ctx=s.ctx) == []
    assert triples(check_declaration(s.head, (), ctx=s.ctx)) == [("NO_LINES", "lines", None)]


def test_customs_declaration_channel_does_not_need_list_only_data():
    s = scenario()
    s.head.channel = Channel.CUSTOMS_DECLARATION
    s.head.logistics_code = s.head.logistics_name = s.head.logistics_no = ""
    s.head.ie_date = None
    assert engine(s) == []
