"""Pure checks of a return (退运) of released goods, and of the tax-free return under MOF/GAC/STA announcement
2026 No. 16. Plain values in, ``ReturnCheck`` out: no database, no request (docs/returns.md, docs/rules.md).

Codes are stable (stored with a return, returned by the API). ``check_return`` returns only failures (each an
error: nothing is stored while one remains); ``tax_free_checks`` returns every condition of No. 16, passed or not,
so the page can show why a return is or is not eligible.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

# Statuses whose goods have left with customs' release: released, and closed (结关) after it.
RETURNABLE_STATUSES = frozenset({"released", "closed"})
# Announcement 2026 No. 16: the supervision modes it covers, the export period and the months to come back.
TAX_FREE_MODES = ("1210", "9610", "9710", "9810")
TAX_FREE_EXPORT_FROM = datetime.date(2026, 1, 1)
TAX_FREE_EXPORT_TO = datetime.date(2027, 12, 31)
TAX_FREE_MONTHS = 6
# "because unsold or returned" (因滞销、退货原因)
TAX_FREE_REASONS = frozenset({"unsold", "buyer_return"})
# Food (食品) is excluded. The announcement names no code list: the portal treats as food a line whose HS code is in
# chapters 01–24 (HS sections I–IV: animals, vegetable products, fats, prepared foodstuffs, beverages, tobacco) or
# whose tariff inspection category holds R (出境食品卫生). Our choice, documented in docs/returns.md.
FOOD_HS_CHAPTERS = frozenset(f"{n:02d}" for n in range(1, 25))
FOOD_INSPECTION_CATEGORY = "R"
QUANTUM = Decimal("0.00001")

# code -> (message, meaning); messages take %(name)s parameters.
RETURN_RULES: dict[str, tuple] = {
    "RETURN_NOT_RELEASED": (
        _("Only released goods can be returned; this declaration is “%(status)s”."),
        "The declaration is not released (or closed after release).",
    ),
    "RETURN_NO_LINES": (
        _("Choose at least one goods line and the quantity that comes back."),
        "No line has a returned quantity.",
    ),
    "RETURN_UNKNOWN_LINE": (
        _("Line %(gnum)s is not a goods line of this declaration."),
        "A returned line names a gnum the declaration does not have.",
    ),
    "RETURN_QTY_NOT_POSITIVE": (
        _("Line %(gnum)s: the returned quantity must be above zero."),
        "A returned quantity of zero or less.",
    ),
    "RETURN_QTY_ABOVE_REMAINING": (
        _(
            "Line %(gnum)s: %(qty)s come back, but only %(remaining)s of the %(exported)s exported can "
            "(%(returned)s returned before)."
        ),
        "The returned quantity is above the exported quantity less earlier returns.",
    ),
    "RETURN_REASON_REQUIRED": (_("Choose why the goods come back."), "No (or an unknown) reason."),
    "RETURN_REASON_NOTE_REQUIRED": (
        _("Describe the reason when it is “other”."),
        "Reason “other” without details.",
    ),
    "RETURN_DATE_BEFORE_EXPORT": (
        _("The return date %(date)s is before the export date %(export_date)s."),
        "Goods cannot come back before they left.",
    ),
    "RETURN_UNKNOWN_PORT": (
        _("Port %(code)s is not a customs office in the code table."),
        "The port of return is not a customs office code.",
    ),
}

# Conditions of 2026 No. 16: code -> (message when met, message when not met, meaning).
TAX_FREE_RULES: dict[str, tuple] = {
    "TAXFREE_MODE": (
        _("Exported under supervision mode %(mode)s, which the announcement covers."),
        _("Supervision mode %(mode)s is not covered (only 1210, 9610, 9710 and 9810)."),
        "Exported under 1210 / 9610 / 9710 / 9810.",
    ),
    "TAXFREE_EXPORT_PERIOD": (
        _("Exported on %(export_date)s, between 2026-01-01 and 2027-12-31."),
        _("Exported on %(export_date)s, outside 2026-01-01 to 2027-12-31 (or the export date is unknown)."),
        "Export date between 2026-01-01 and 2027-12-31.",
    ),
    "TAXFREE_SIX_MONTHS": (
        _("Returned on %(return_date)s, within 6 months of export (by %(limit)s)."),
        _("Returned on %(return_date)s, more than 6 months after export (the limit was %(limit)s)."),
        "Return date at most 6 calendar months after the export date.",
    ),
    "TAXFREE_ORIGINAL_STATE": (
        _("Returned in their original state."),
        _("Not declared as returned in their original state."),
        "The user confirms the goods come back in their original state (原状).",
    ),
    "TAXFREE_REASON": (
        _("Returned because unsold or returned by the buyer."),
        _("The reason “%(reason)s” is not one the announcement covers (unsold or returned by the buyer)."),
        "Reason unsold (滞销) or returned (退货).",
    ),
    "TAXFREE_NOT_FOOD": (
        _("No food among the returned lines."),
        _("Line(s) %(gnums)s are food (HS chapters 01–24 or inspection category R); food is excluded."),
        "No returned line is food.",
    ),
}

VAT_REFUND_NOTE = _(
    "The exporter claimed an export VAT refund for these goods: the tax office's certificate of tax repaid or "
    "not refunded (《出口货物补税/未退税证明》) is needed for the return."
)


@dataclass(frozen=True)
class ReturnCheck:
    code: str
    field: str
    gnum: int | None = None
    params: dict = field(default_factory=dict)
    passed: bool = False

    @property
    def message(self) -> str:
        if self.code in TAX_FREE_RULES:
            met, not_met, _meaning = TAX_FREE_RULES[self.code]
            text = met if self.passed else not_met
        else:
            text = RETURN_RULES[self.code][0]
        return str(text) % {"gnum": self.gnum, **self.params}

    def as_dict(self) -> dict:
        return {"code": self.code, "passed": self.passed, "field": self.field, "params": self.params}

    @classmethod
    def from_dict(cls, data: dict) -> ReturnCheck:
        return cls(
            data["code"],
            data.get("field", ""),
            data.get("gnum"),
            dict(data.get("params") or {}),
            data["passed"],
        )


@dataclass(frozen=True)
class LineState:
    """One goods line of the declaration: what left and what came back before this return."""

    gnum: int
    qty: Decimal
    returned: Decimal = Decimal("0")
    gcode: str = ""
    inspection: str = ""

    @property
    def remaining(self) -> Decimal:
        return self.qty - self.returned


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later, or the month's last day (2026-08-31 + 6 → 2027-02-28)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def returned_value(*, qty: Decimal, exported_qty: Decimal, price: Decimal, total_price: Decimal) -> Decimal:
    """The value of the returned quantity: the line's total when all of it comes back, else qty × price."""
    if qty == exported_qty:
        return total_price
    return (qty * price).quantize(QUANTUM, rounding=ROUND_HALF_UP)


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")


def check_return(
    *,
    status: str,
    status_label: str,
    lines: Sequence[LineState],
    quantities: dict[int, Decimal],
    reason: str,
    reason_note: str,
    return_date: datetime.date | None,
    export_date: datetime.date | None,
    port_code: str,
    known_ports: Iterable[str],
    reasons: Iterable[str],
) -> list[ReturnCheck]:
    """Every reason this return cannot be stored, in field order; [] when it can."""
    found: list[ReturnCheck] = []
    if status not in RETURNABLE_STATUSES:
        found.append(ReturnCheck("RETURN_NOT_RELEASED", "declaration", params={"status": status_label}))
    by_gnum = {line.gnum: line for line in lines}
    chosen = {gnum: qty for gnum, qty in quantities.items() if qty is not None}
    if not any(qty != 0 for qty in chosen.values()):
        found.append(ReturnCheck("RETURN_NO_LINES", "lines"))
    for gnum in sorted(chosen):
        qty = chosen[gnum]
        line = by_gnum.get(gnum)
        if qty == 0:  # a line left out
            continue
        if line is None:
            found.append(ReturnCheck("RETURN_UNKNOWN_LINE", "lines", gnum))
        elif qty < 0:
            found.append(ReturnCheck("RETURN_QTY_NOT_POSITIVE", "qty", gnum))
        elif qty > line.remaining:
            found.append(
                ReturnCheck(
                    "RETURN_QTY_ABOVE_REMAINING",
                    "qty",
                    gnum,
                    {
                        "qty": _plain(qty),
                        "remaining": _plain(line.remaining),
                        "exported": _plain(line.qty),
                        "returned": _plain(line.returned),
                    },
                )
            )
    if reason not in set(reasons):
        found.append(ReturnCheck("RETURN_REASON_REQUIRED", "reason"))
    elif reason == "other" and not reason_note.strip():
        found.append(ReturnCheck("RETURN_REASON_NOTE_REQUIRED", "reason_note"))
    if return_date and export_date and return_date < export_date:
        found.append(
            ReturnCheck(
                "RETURN_DATE_BEFORE_EXPORT",
                "return_date",
                params={"date": return_date.isoformat(), "export_date": export_date.isoformat()},
            )
        )
    if port_code not in set(known_ports):
        found.append(ReturnCheck("RETURN_UNKNOWN_PORT", "port_code", params={"code": port_code}))
    return found


def is_food(*, gcode: str, inspection: str = "") -> bool:
    return gcode[:2] in FOOD_HS_CHAPTERS or FOOD_INSPECTION_CATEGORY in (inspection or "").upper()


def tax_free_checks(
    *,
    mode: str,
    export_date: datetime.date | None,
    return_date: datetime.date,
    original_state: bool,
    reason: str,
    reason_label: str,
    returned_lines: Sequence[LineState],
) -> list[ReturnCheck]:
    """Each condition of 2026 No. 16, met or not, in the announcement's order."""
    checks = [ReturnCheck("TAXFREE_MODE", "mode", params={"mode": mode}, passed=mode in TAX_FREE_MODES)]
    in_period = export_date is not None and TAX_FREE_EXPORT_FROM <= export_date <= TAX_FREE_EXPORT_TO
    shown = export_date.isoformat() if export_date else "?"
    checks.append(
        ReturnCheck("TAXFREE_EXPORT_PERIOD", "export_date", params={"export_date": shown}, passed=in_period)
    )
    limit = add_months(export_date, TAX_FREE_MONTHS) if export_date else None
    checks.append(
        ReturnCheck(
            "TAXFREE_SIX_MONTHS",
            "return_date",
            params={"return_date": return_date.isoformat(), "limit": limit.isoformat() if limit else "?"},
            passed=limit is not None and return_date <= limit,
        )
    )
    checks.append(ReturnCheck("TAXFREE_ORIGINAL_STATE", "original_state", passed=bool(original_state)))
    checks.append(
        ReturnCheck(
            "TAXFREE_REASON", "reason", params={"reason": reason_label}, passed=reason in TAX_FREE_REASONS
        )
    )
    food = [line.gnum for line in returned_lines if is_food(gcode=line.gcode, inspection=line.inspection)]
    checks.append(
        ReturnCheck(
            "TAXFREE_NOT_FOOD", "lines", params={"gnums": ", ".join(map(str, sorted(food)))}, passed=not food
        )
    )
    return checks


def tax_free(checks: Sequence[ReturnCheck]) -> bool:
    return bool(checks) and all(check.passed for check in checks)


def markdown_table() -> str:
    """The returns section of docs/rules.md."""
    rows = ["| code | meaning |", "|---|---|"]
    rows += [f"| `{code}` | {meaning} |" for code, (_message, meaning) in RETURN_RULES.items()]
    rows += [f"| `{code}` | {meaning} |" for code, (_met, _not, meaning) in TAX_FREE_RULES.items()]
    return "\n".join(rows)
