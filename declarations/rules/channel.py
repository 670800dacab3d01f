"""Clearance channel: inventory list (申报清单, 统一版) or customs declaration (报关单, H2018).

A ticket may use the list channel when its value is ≤ the limit (5,000 CNY) and no line needs a
licence, inspection or tax (不涉证、不涉检、不涉税). The customs declaration is always allowed; the user may
choose it for an eligible ticket, but an explicit list channel on an ineligible ticket gives error findings.
6-digit HS codes (简化申报) are accepted only in the list channel at an office in a comprehensive pilot
zone (综试区).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from declarations.choices import Channel

from .amounts import RATE_MISSING, VALUE_UNKNOWN, Valuation, currency_label, month_label, plain, valuation
from .catalogue import CATALOGUE
from .codes import is_six_digit_hs
from .context import RuleContext
from .fields import channel_of, line_ref, text_value
from .finding import Finding, MessageParams
from .identifiers import short

# Line flags that exclude the list channel, in the order they are reported.
LINE_FLAGS = (
    ("licence", "LIST_NEEDS_LICENCE"),
    ("inspection", "LIST_NEEDS_INSPECTION"),
    ("tax", "LIST_TAXABLE"),
)

# Advice reasons that are not findings; the other reason codes are catalogue codes.
LIST_ELIGIBLE = "LIST_ELIGIBLE"
ADVICE_REASONS = {
    LIST_ELIGIBLE: _(
        "The goods value of %(conversion)s is within the %(limit)s CNY limit and no line needs a licence, "
        "inspection or tax: the inventory list channel may be used."
    ),
    VALUE_UNKNOWN: _(
        "The goods value cannot be computed (check the line totals and currencies), so only the customs "
        "declaration channel can be recommended."
    ),
}


@dataclass(frozen=True)
class ChannelAdvice:
    channel: str
    reason_code: str
    params: dict = field(default_factory=dict)
    value_cny: Decimal | None = None

    @property
    def conversion(self) -> str:
        """ "610 USD × 7.10 (2026-12) = 4,331.00 CNY": the rate and month the value test used."""
        return str(self.params.get("conversion", ""))

    @property
    def eligible_for_list(self) -> bool:
        return self.channel == Channel.LIST

    @property
    def reason_message(self) -> str:
        """Rendered in the active language when read."""
        rule = CATALOGUE.get(self.reason_code)
        message = rule.message if rule else ADVICE_REASONS[self.reason_code]
        return str(message) % MessageParams(self.params)


def _flagged(lines: Sequence, flag: str) -> list[int]:
    return [line_ref(line, index) for index, line in enumerate(lines) if bool(getattr(line, flag, False))]


def recommend_channel(
    head, lines: Sequence, ctx: RuleContext, *, worth: Valuation | None = None
) -> ChannelAdvice:
    """The channel to recommend and why: the list if the ticket is eligible, else the customs declaration."""
    lines = list(lines)
    customs = Channel.CUSTOMS_DECLARATION.value
    for flag, code in LINE_FLAGS:
        gnums = _flagged(lines, flag)
        if gnums:
            return ChannelAdvice(customs, code, {"gnum": gnums[0]})
    worth = worth or valuation(head, lines, ctx=ctx)
    if worth.problem == VALUE_UNKNOWN:
        return ChannelAdvice(customs, VALUE_UNKNOWN)
    if worth.problem == RATE_MISSING:
        params = {"currency": currency_label(worth.currency, ctx), "month": month_label(worth.month)}
        return ChannelAdvice(customs, RATE_MISSING, params)
    params = {
        "value_cny": worth.value_cny_display,
        "limit": plain(ctx.list_limit_cny),
        "conversion": worth.conversion(ctx.currency_iso.get(worth.currency, "")),
    }
    if worth.value_cny > ctx.list_limit_cny:
        return ChannelAdvice(customs, "LIST_VALUE_OVER_LIMIT", params, worth.value_cny)
    return ChannelAdvice(Channel.LIST.value, LIST_ELIGIBLE, params, worth.value_cny)


def check_list_eligibility(head, lines: Sequence) -> list[Finding]:
    """Lines that exclude an explicitly chosen list channel (the value limit is in amounts.check_value)."""
    if channel_of(head) != Channel.LIST:
        return []
    findings = []
    for flag, code in LINE_FLAGS:
        findings += [Finding.of(code, flag, gnum) for gnum in _flagged(lines, flag)]
    return findings


def check_six_digit_hs(head, lines: Sequence, *, ctx: RuleContext, channel: str) -> list[Finding]:
    office = text_value(getattr(head, "customs_code", None))
    allowed = channel == Channel.LIST and office in ctx.pilot_offices
    if allowed:
        return []
    return [
        Finding.of(
            "HS_SIX_DIGIT_NOT_ALLOWED",
            "gcode",
            line_ref(line, index),
            value=text_value(getattr(line, "gcode", None)).strip(),
            office=short(office),
        )
        for index, line in enumerate(lines)
        if is_six_digit_hs(getattr(line, "gcode", None))
    ]


def check_channel(head, lines: Sequence, *, ctx: RuleContext, channel: str) -> list[Finding]:
    """``channel`` is the effective channel: the explicit choice, else the recommendation."""
    return check_list_eligibility(head, lines) + check_six_digit_hs(head, lines, ctx=ctx, channel=channel)
