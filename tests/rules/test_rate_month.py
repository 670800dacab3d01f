"""The value test converts at the rate of the declaration month (spec README, "Channels": "the exchange rate of
the declaration month"; regulatory notes Q8): submitted → that month, still editable → today's; never ieDate's."""

import datetime
from decimal import Decimal

from django.utils import translation

from declarations.choices import Channel, DeclarationStatus
from declarations.rules.amounts import declaration_month, rate_display, valuation
from declarations.rules.channel import recommend_channel
from tests.rules.helpers import MONTH, RATES, engine, scenario

D = Decimal
JULY = datetime.date(2025, 7, 1)


def _usd(s, total="610"):
    s.head.currency = "502"
    line = s.lines[0]
    line.currency, line.qty, line.price, line.total_price = "502", D("1"), D(total), D(total)


def test_an_export_date_next_month_does_not_block_a_ticket_whose_rate_exists():
    s = scenario()
    _usd(s)
    s.head.ie_date = datetime.date(2025, 7, 3)  # next month: no July rate is stored
    codes = [f.code for f in engine(s)]
    assert "EXCHANGE_RATE_MISSING" not in codes
    assert valuation(s.head, s.lines, ctx=s.ctx).month == MONTH


def test_a_draft_uses_todays_month():
    s = scenario()
    s.update_ctx(today=lambda: datetime.date(2025, 7, 2))
    assert declaration_month(s.head, s.ctx) == JULY


def test_a_submitted_declaration_uses_its_submission_month_in_china():
    s = scenario()
    s.head.status = DeclarationStatus.SUBMITTED
    # 30 June 17:30 UTC is 1 July 01:30 in China
    s.head.submitted_at = datetime.datetime(2025, 6, 30, 17, 30, tzinfo=datetime.UTC)
    s.update_ctx(today=lambda: datetime.date(2025, 9, 9))
    assert declaration_month(s.head, s.ctx) == JULY


def test_a_rejected_declaration_is_declared_again_today():
    s = scenario()
    s.head.status = DeclarationStatus.REJECTED
    s.head.submitted_at = datetime.datetime(2025, 5, 20, 8, 0, tzinfo=datetime.UTC)
    assert declaration_month(s.head, s.ctx) == MONTH  # today (TODAY is in June), not May


def test_rate_display_keeps_two_decimals():
    assert (rate_display(D("7.1")), rate_display(D("7.100000")), rate_display(D("7.1234"))) == (
        "7.10",
        "7.10",
        "7.1234",
    )
    assert rate_display(D("7")) == "7.00"


def test_the_finding_says_which_rate_and_month_were_used():
    s = scenario()
    _usd(s, "705")
    (finding,) = [f for f in engine(s) if f.code == "LIST_VALUE_OVER_LIMIT"]
    assert finding.params["conversion"] == "705 USD × 7.10 (2025-06) = 5,005.50 CNY"
    with translation.override("en"):
        assert "705 USD × 7.10 (2025-06) = 5,005.50 CNY" in finding.message
    with translation.override("zh-hans"):
        assert "705 USD × 7.10 (2025-06) = 5,005.50 CNY" in finding.message


def test_the_channel_advice_carries_the_conversion():
    s = scenario()
    _usd(s)
    s.head.channel = ""
    advice = recommend_channel(s.head, s.lines, s.ctx)
    assert advice.channel == Channel.LIST
    assert advice.conversion == "610 USD × 7.10 (2025-06) = 4,331.00 CNY"
    with translation.override("en"):
        assert advice.conversion in advice.reason_message
    assert RATES[("502", MONTH)] == D("7.1")


def test_cny_conversion_is_the_value_itself():
    s = scenario()
    assert valuation(s.head, s.lines, ctx=s.ctx).conversion() == "3200 CNY"
