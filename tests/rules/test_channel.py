"""Channel eligibility, the recommendation, and 6-digit HS codes."""

import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from declarations.choices import Channel
from declarations.rules.channel import LIST_ELIGIBLE, recommend_channel
from tests.rules.helpers import (
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

CUSTOMS = Channel.CUSTOMS_DECLARATION

CASES = [
    Case(
        "LIST_NEEDS_LICENCE",
        "licence",
        1,
        bad=set_line(licence=True),
        ok=steps(set_line(licence=True), set_head(channel=CUSTOMS)),
    ),
    Case(
        "LIST_NEEDS_INSPECTION",
        "inspection",
        2,
        bad=set_line(1, inspection=True),
        ok=steps(set_line(1, inspection=True), set_head(channel="")),
        lines=2,
    ),
    Case(
        "LIST_TAXABLE",
        "tax",
        1,
        bad=set_line(tax=True),
        ok=steps(set_line(tax=True), set_head(channel=CUSTOMS)),
    ),
    Case(
        "HS_SIX_DIGIT_NOT_ALLOWED",
        "gcode",
        1,
        bad=steps(set_line(gcode="961700"), set_head(channel=CUSTOMS)),
        ok=set_line(gcode="961700"),
        name="customs-declaration",
    ),
    Case(
        "HS_SIX_DIGIT_NOT_ALLOWED",
        "gcode",
        1,
        bad=steps(set_line(gcode="961700"), set_head(customs_code="5100")),
        ok=steps(set_line(gcode="961700"), set_head(customs_code="5141", channel="")),
        name="not-a-pilot-office",
    ),
    Case(
        "HS_SIX_DIGIT_NOT_ALLOWED",
        "gcode",
        1,
        bad=steps(set_line(gcode="961700", licence=True), set_head(channel="")),
        name="recommended-customs-declaration",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_rule_fires(case):
    run_failing(case)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_rule_does_not_fire_on_near_miss(case):
    run_passing(case)


def test_eligible_ticket_is_recommended_the_list():
    s = scenario()
    advice = recommend_channel(s.head, s.lines, s.ctx)
    assert (advice.channel, advice.reason_code, advice.value_cny) == ("list", LIST_ELIGIBLE, Decimal("3200"))
    assert advice.eligible_for_list
    with translation.override("en"):
        assert advice.reason_message.startswith("The goods value of 3200 CNY is within the 5000 CNY limit")


@pytest.mark.parametrize(
    "change, reason, params",
    [
        (set_line(licence=True), "LIST_NEEDS_LICENCE", {"gnum": 1}),
        (set_line(inspection=True), "LIST_NEEDS_INSPECTION", {"gnum": 1}),
        (set_line(tax=True), "LIST_TAXABLE", {"gnum": 1}),
        (
            set_line(price=Decimal("60"), total_price=Decimal("6000")),
            "LIST_VALUE_OVER_LIMIT",
            {"value_cny": "6000", "limit": "5000", "conversion": "6000 CNY"},
        ),
        (
            steps(
                set_head(currency="300"),
                set_line(currency="300"),
                lambda s: s.update_ctx(today=lambda: datetime.date(2025, 1, 2)),  # declared in January
            ),
            "EXCHANGE_RATE_MISSING",
            {"currency": "300 (EUR)", "month": "2025-01"},
        ),
        (set_line(currency="502"), "VALUE_UNKNOWN", {}),
        (set_line(total_price=None), "VALUE_UNKNOWN", {}),
    ],
)
def test_ineligible_ticket_is_recommended_the_customs_declaration(change, reason, params):
    s = scenario()
    change(s)
    advice = recommend_channel(s.head, s.lines, s.ctx)
    assert (advice.channel, advice.reason_code, advice.params) == ("customs_declaration", reason, params)
    assert not advice.eligible_for_list
    assert advice.reason_message  # every reason renders


def test_user_may_choose_the_customs_declaration_for_an_eligible_ticket():
    s = scenario()
    s.head.channel = CUSTOMS
    assert engine(s) == []


def test_explicit_list_on_an_ineligible_ticket_gives_one_error_per_cause():
    s = scenario(2)
    set_line(0, licence=True, tax=True)(s)
    set_line(1, price=Decimal("60"), total_price=Decimal("6000"))(s)
    found = [t for t in triples(engine(s)) if t[0].startswith("LIST_")]
    assert found == [
        ("LIST_VALUE_OVER_LIMIT", "channel", None),
        ("LIST_NEEDS_LICENCE", "licence", 1),
        ("LIST_TAXABLE", "tax", 1),
    ]


def test_no_choice_follows_the_recommendation_without_errors():
    s = scenario()
    s.head.channel = ""
    s.lines[0].licence = True
    assert engine(s) == []


def test_reason_message_follows_the_active_language():
    s = scenario()
    s.lines[0].licence = True
    advice = recommend_channel(s.head, s.lines, s.ctx)
    with translation.override("en"):
        english = advice.reason_message
    assert english.startswith("Line 1 needs a licence")
    with translation.override("zh-hans"):
        assert advice.reason_message  # renders (translated once the .po file has it)
