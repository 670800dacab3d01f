"""Derived, not ticked: licence, inspection and duty come from the tariff where it knows the code; ticks add."""

from decimal import Decimal

import pytest
from django.utils import translation

from declarations.choices import Channel
from declarations.rules.channel import recommend_channel
from declarations.rules.engine import evaluate
from declarations.rules.tariff import Condition, TariffFacts, derive, line_tariff, parse_elements
from tests.rules.helpers import make_ctx, make_head, make_line

LICENCE_4 = Condition("4", "出口许可证", "Export licence", licence=True)
INSPECTION_B = Condition("B", "出境货物检验检疫", "Outbound goods inspection", inspection=True)
IMPORT_A = Condition("A", "入境货物检验检疫", "Inbound goods inspection")
CATEGORY_N = Condition("N", "出口商品检验", "Export commodity inspection", inspection=True)
CATEGORY_M = Condition("M", "进口商品检验", "Import commodity inspection")

TARIFF = {
    "9617001100": TariffFacts("9617001100", "保温杯", unit1="007"),
    "2818101000": TariffFacts("2818101000", "许可证货物", unit1="035", supervision=(LICENCE_4,)),
    "9613100000": TariffFacts(
        "9613100000", "打火机", unit1="007", unit2="035", supervision=(IMPORT_A, INSPECTION_B)
    ),
    "0902109000": TariffFacts("0902109000", "绿茶", unit1="035", inspection=(CATEGORY_M, CATEGORY_N)),
    "2606000000": TariffFacts("2606000000", "铝矿砂", unit1="035", export_duty_rate=Decimal("20")),
}


HS6 = frozenset({code[:6] for code in TARIFF} | {"854442", "961700"})


def ctx(**overrides):
    return make_ctx(tariff_for=TARIFF.get, hs6=HS6, **overrides)


def line_for(code, **kwargs):
    head = make_head()
    unit1 = TARIFF[code].unit1 if code in TARIFF else "007"
    unit2 = TARIFF[code].unit2 if code in TARIFF else ""
    kwargs.setdefault("unit1", unit1)
    kwargs.setdefault("unit2", unit2)
    if unit2:
        kwargs.setdefault("qty2", Decimal("1"))
    return head, make_line(head, gcode=code, **kwargs)


@pytest.fixture(autouse=True)
def zh():
    with translation.override("zh-hans"):
        yield


def test_supervision_condition_4_derives_a_licence_with_its_reason():
    _, line = line_for("2818101000")
    facts = line_tariff(line, ctx())
    assert (facts.licence, facts.inspection, facts.tax) == (True, False, False)
    assert [r.text for r in facts.reasons] == ["监管条件 4：出口许可证"]


def test_supervision_condition_b_derives_inspection_and_import_only_a_does_not():
    _, line = line_for("9613100000")
    facts = line_tariff(line, ctx())
    assert (facts.licence, facts.inspection, facts.tax) == (False, True, False)
    assert [r.text for r in facts.reasons] == ["监管条件 B：出境货物检验检疫"]


def test_an_outbound_inspection_category_derives_inspection():
    _, line = line_for("0902109000")
    facts = line_tariff(line, ctx())
    assert facts.inspection is True
    assert [r.text for r in facts.reasons] == ["检验检疫类别 N：出口商品检验"]


def test_an_export_duty_rate_derives_tax_in_english_too():
    _, line = line_for("2606000000")
    with translation.override("en"):
        facts = line_tariff(line, ctx())
        assert [r.text for r in facts.reasons] == ["Export duty rate 20%"]
    assert facts.tax is True


def test_a_tick_adds_but_never_hides():
    _, line = line_for("9617001100", inspection=True)
    facts = line_tariff(line, ctx())
    assert (facts.licence, facts.inspection) == (False, True)
    assert [(r.flag, r.kind) for r in facts.reasons] == [("inspection", "tick")]
    # Unticking does not remove what the tariff says.
    _, line = line_for("2818101000", licence=False)
    assert line_tariff(line, ctx()).licence is True


def test_unknown_code_the_ticks_apply_alone():
    _, line = line_for("8544422100", licence=True)
    facts = line_tariff(line, ctx())
    assert facts.known is False
    assert (facts.licence, facts.inspection, facts.tax) == (True, False, False)
    _, line = line_for("8544422100")
    assert line_tariff(line, ctx()).licence is False


def test_six_digit_codes_are_not_looked_up():
    seen = []
    _, line = line_for("961700")
    line_tariff(line, make_ctx(tariff_for=lambda code: seen.append(code)))
    assert seen == []


def test_channel_recommendation_uses_the_derived_flag():
    head, line = line_for("2818101000")
    head.channel = ""
    assert (
        recommend_channel(head, [line], make_ctx(hs6=HS6)).channel == Channel.LIST
    )  # the tariff unknown: eligible
    advice = recommend_channel(head, [line], ctx())
    assert (advice.channel, advice.reason_code, advice.params) == (
        Channel.CUSTOMS_DECLARATION,
        "LIST_NEEDS_LICENCE",
        {"gnum": 1},
    )


def test_an_explicit_list_channel_with_a_derived_inspection_is_an_error():
    head, line = line_for("9613100000")
    head.channel = Channel.LIST
    codes = [(f.code, f.field, f.gnum) for f in evaluate(head, [line], ctx=ctx()).findings]
    assert codes == [("LIST_NEEDS_INSPECTION", "inspection", 1)]


def test_a_legal_unit_other_than_the_tariffs_is_a_finding():
    head, line = line_for("9613100000", unit1="035", unit2="", qty2=None)
    found = [(f.code, f.field, f.params.get("expected")) for f in evaluate(head, [line], ctx=ctx()).findings]
    assert ("TARIFF_UNIT_MISMATCH", "unit1", "007") in found
    assert ("TARIFF_UNIT_MISMATCH", "unit2", "035") in found


def test_the_tariffs_units_give_no_finding_and_unknown_codes_are_not_checked():
    head, line = line_for("9617001100")
    head.channel = Channel.LIST
    assert evaluate(head, [line], ctx=ctx()).findings == []
    head, line = line_for("8544422100", unit1="035")
    assert [f.code for f in evaluate(head, [line], ctx=ctx()).findings] == []


def test_derive_lists_every_reason():
    facts = TariffFacts("x", "x", supervision=(LICENCE_4, INSPECTION_B), export_duty_rate=Decimal("5.500"))
    result = derive(facts, ticks={"tax": True})
    assert [(r.flag, r.kind, r.code) for r in result.reasons] == [
        ("licence", "supervision", "4"),
        ("inspection", "supervision", "B"),
        ("tax", "duty", ""),
    ]
    assert result.reasons[2].text == "出口税率 5.5%"


def test_parse_elements_in_customs_order():
    assert parse_elements("1:品牌类型;2:出口享惠情况；3：用途") == ("品牌类型", "出口享惠情况", "用途")
    assert parse_elements("") == ()
    with pytest.raises(ValueError, match="序号 2"):
        parse_elements("1:品牌类型;3:用途")
    with pytest.raises(ValueError, match="序号:名称"):
        parse_elements("品牌类型")
