"""Amounts: totalPrice = qty × price (5 decimals), net ≤ gross, one currency, and the CNY value of the ticket.

The value test (单票 ≤ 5,000 CNY for the inventory list channel) converts Σ totalPrice at the customs monthly
rate of the declaration month (申报月份, spec README "Channels"; regulatory notes Q8): the month the ticket was
submitted, or today's month in China while it can still be edited; never the export date's month
(``declaration_month`` is the one place that decides). CNY (142) needs no rate.
Only values that pass fields.py (finite, non-negative, N19,5) take part; fields.py reports the others.
"""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from declarations.choices import EDITABLE_STATUSES, Channel

from .context import CHINA_TZ, CNY, RuleContext, month_start
from .fields import amount, channel_of, decimal_value, fits, line_ref, text_value
from .finding import Finding

# Exact arithmetic for N19,5 operands (28 + 10 digits at most); no traps can fire within these bounds.
_CALC = decimal.Context(prec=100, rounding=ROUND_HALF_UP, Emax=decimal.MAX_EMAX, Emin=decimal.MIN_EMIN)
FIVE_PLACES = Decimal("0.00001")
CENTS = Decimal("0.01")
NEAR_LIMIT_PERCENT = 5  # warn above 95% of the limit: the rate customs applies to the test is unverified

VALUE_UNKNOWN = "VALUE_UNKNOWN"
RATE_MISSING = "EXCHANGE_RATE_MISSING"


def plain(value: Decimal) -> str:
    """A Decimal for messages: fixed point, no trailing fraction zeros."""
    with decimal.localcontext(_CALC):
        text = format(value.normalize(), "f")
    return text


def month_label(month: datetime.date) -> str:
    return f"{month.year:04d}-{month.month:02d}"


def rate_display(rate: Decimal) -> str:
    """A rate with at least two decimals, as customs publishes them: 7.1 -> "7.10", 7.1234 -> "7.1234"."""
    text = plain(rate)
    whole, _dot, fraction = text.partition(".")
    return f"{whole}.{fraction.ljust(2, '0')}"


def declaration_month(head, ctx: RuleContext) -> datetime.date:
    """The declaration month whose rate the value test uses: submitted, its submission's month; a ticket that
    can still be edited (draft, rejected, failed) is declared when it is next submitted, so today's month."""
    submitted = getattr(head, "submitted_at", None)
    status = getattr(head, "status", "") or ""
    if submitted is None or status in EDITABLE_STATUSES:
        return month_start(ctx.today())
    if isinstance(submitted, datetime.datetime):
        submitted = submitted.astimezone(CHINA_TZ) if submitted.tzinfo else submitted
        return month_start(submitted.date())
    return month_start(submitted)


def expected_total(qty: Decimal, price: Decimal) -> Decimal:
    """qty × price rounded half-up to 5 decimals (总价=成交数量*单价)."""
    # The context passed explicitly: the same arithmetic as under localcontext(_CALC), without switching.
    return _CALC.multiply(qty, price).quantize(FIVE_PLACES, context=_CALC)


def check_line_totals(lines: Sequence) -> list[Finding]:
    findings = []
    for index, line in enumerate(lines):
        qty, price = amount(getattr(line, "qty", None)), amount(getattr(line, "price", None))
        total = amount(getattr(line, "total_price", None))
        if qty is None or price is None or total is None:
            continue
        expected = expected_total(qty, price)
        if total != expected:
            findings.append(
                Finding.of(
                    "TOTAL_PRICE_MISMATCH",
                    "totalPrice",
                    line_ref(line, index),
                    total=plain(total),
                    expected=plain(expected),
                )
            )
    return findings


def check_weights(head) -> list[Finding]:
    gross, net = amount(getattr(head, "gross_weight", None)), amount(getattr(head, "net_weight", None))
    if gross is not None and net is not None and net > gross:
        return [Finding.of("NET_GT_GROSS", "netWeight", net=plain(net), gross=plain(gross))]
    return []


def check_line_currencies(head, lines: Sequence) -> list[Finding]:
    currency = text_value(getattr(head, "currency", None))
    if not currency.strip():
        return []
    findings = []
    for index, line in enumerate(lines):
        line_currency = text_value(getattr(line, "currency", None))
        if line_currency.strip() and line_currency != currency:
            findings.append(
                Finding.of(
                    "CURRENCY_MISMATCH",
                    "currency",
                    line_ref(line, index),
                    value=line_currency[:40],
                    expected=currency,
                )
            )
    return findings


def check_goods_value(goods_value, lines: Sequence, *, field: str = "goodsValue") -> list[Finding]:
    """goodsValue (CEB303 商品金额) against Σ totalPrice of the lines, for received or paired messages."""
    totals = [decimal_value(getattr(line, "total_price", None)) for line in lines]
    if any(total is None for total in totals):
        return []  # the line totals themselves are reported by fields.py
    with decimal.localcontext(_CALC):
        expected = sum(totals, Decimal(0))
    value = decimal_value(goods_value)
    if value is not None and value == expected:
        return []
    shown = plain(value) if value is not None else text_value(goods_value)[:40]
    return [Finding.of("GOODS_VALUE_MISMATCH", field, value=shown, expected=plain(expected))]


@dataclass(frozen=True)
class Valuation:
    """The ticket's value: Σ totalPrice in the declaration currency and, when a rate is known, in CNY."""

    value: Decimal | None
    currency: str
    month: datetime.date
    rate: Decimal | None
    value_cny: Decimal | None
    problem: str = ""  # "", VALUE_UNKNOWN (invalid amounts or currency) or EXCHANGE_RATE_MISSING

    @property
    def value_cny_display(self) -> str:
        if self.value_cny is None:
            return ""
        with decimal.localcontext(_CALC):
            return plain(self.value_cny.quantize(CENTS))

    def conversion(self, iso: str = "") -> str:
        """How the CNY value was reached: "610 USD × 7.10 (2026-12) = 4,331.00 CNY"; "" when it was not."""
        if self.value_cny is None or self.value is None or self.rate is None:
            return ""
        with decimal.localcontext(_CALC):
            cny = f"{self.value_cny.quantize(CENTS):,}"
        currency = iso or self.currency
        if self.currency == CNY:
            return f"{plain(self.value)} CNY"
        return f"{plain(self.value)} {currency} × {rate_display(self.rate)} ({month_label(self.month)}) = {cny} CNY"


def valuation(head, lines: Sequence, *, ctx: RuleContext) -> Valuation:
    currency = text_value(getattr(head, "currency", None))
    month = declaration_month(head, ctx)
    totals = [amount(getattr(line, "total_price", None)) for line in lines]
    same_currency = all(text_value(getattr(line, "currency", None)) in ("", currency) for line in lines)
    usable = currency in ctx.currencies and currency not in ctx.inactive_currencies  # no rate for DEM
    if any(total is None for total in totals) or not usable or not same_currency:
        return Valuation(None, currency, month, None, None, VALUE_UNKNOWN)
    with decimal.localcontext(_CALC):
        value = sum(totals, Decimal(0))
    rate = Decimal(1) if currency == CNY else decimal_value(ctx.rate_for(currency, month))
    if rate is None or rate <= 0 or not fits(rate, 14, 10):
        return Valuation(value, currency, month, None, None, RATE_MISSING)
    with decimal.localcontext(_CALC):
        value_cny = value * rate
    return Valuation(value, currency, month, rate, value_cny)


def rate_needed(head, lines: Sequence) -> bool:
    """Only the list channel has a value limit: an explicit list, or no choice yet and no line flags."""
    explicit = channel_of(head)
    if explicit == Channel.LIST:
        return True
    if explicit:
        return False
    return not any(
        bool(getattr(line, flag, False)) for line in lines for flag in ("licence", "inspection", "tax")
    )


def currency_label(currency: str, ctx: RuleContext) -> str:
    iso = ctx.currency_iso.get(currency, "")
    return f"{currency} ({iso})" if iso else currency


def check_value(
    head, lines: Sequence, *, ctx: RuleContext, channel: str, worth: Valuation | None = None
) -> list[Finding]:
    """The list-channel value test; ``channel`` is the effective channel."""
    worth = worth or valuation(head, lines, ctx=ctx)
    if worth.problem == RATE_MISSING:
        if not rate_needed(head, lines):
            return []
        return [
            Finding.of(
                "EXCHANGE_RATE_MISSING",
                "currency",
                currency=currency_label(worth.currency, ctx),
                month=month_label(worth.month),
            )
        ]
    if worth.value_cny is None or channel != Channel.LIST:
        return []
    limit = ctx.list_limit_cny
    params = {
        "value_cny": worth.value_cny_display,
        "limit": plain(limit),
        "conversion": worth.conversion(ctx.currency_iso.get(worth.currency, "")),
    }
    if worth.value_cny > limit:
        # Only an explicit choice can be wrong: a recommendation never picks the list above the limit.
        return (
            [Finding.of("LIST_VALUE_OVER_LIMIT", "channel", **params)]
            if channel_of(head) == Channel.LIST
            else []
        )
    with decimal.localcontext(_CALC):
        near = limit * (100 - NEAR_LIMIT_PERCENT) / 100
    if worth.value_cny > near:
        return [Finding.of("LIST_VALUE_NEAR_LIMIT", "channel", percent=NEAR_LIMIT_PERCENT, **params)]
    return []
