"""What the national tariff (税则) says about a goods line: licence, inspection and duty, derived, with reasons.

Pure: the tariff reaches the rules as ``TariffFacts`` through ``RuleContext.tariff_for`` (built outside the
rules, see context.py). A flag is derived when the tariff knows the line's 10-digit code; the user's own tick
adds to it and never hides it (涉证 / 涉检 / 涉税). Where the tariff does not know the code, the ticks apply alone.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .context import RuleContext
from .fields import line_ref, text_value
from .finding import Finding

FLAGS = ("licence", "inspection", "tax")
_ELEMENT = re.compile(r"^\s*(\d+)\s*[:：]\s*(.+?)\s*$")
_TEN_DIGITS = re.compile(r"^[0-9]{10}$")


def _localized(name_zh: str, name_en: str) -> str:
    return name_en if name_en and (get_language() or "").startswith("en") else name_zh


@dataclass(frozen=True)
class Condition:
    """A supervision condition (监管条件) or an inspection category (检验检疫类别) as the tariff names it."""

    code: str
    name_zh: str
    name_en: str = ""
    licence: bool = False  # needs an export licence
    inspection: bool = False  # needs outbound inspection

    @property
    def name(self) -> str:
        return _localized(self.name_zh, self.name_en)


def condition_codes(text: str) -> list[str]:
    """ "AB" / "M/N" / "4xy" -> the single-character codes, in order (case matters: x and X differ)."""
    return [c for c in (text or "") if not c.isspace() and c not in "/,，;"]


def resolve_conditions(text: str, table) -> tuple:
    return tuple(table.get(code) or Condition(code, code) for code in condition_codes(text))


@dataclass(frozen=True)
class TariffFacts:
    code: str
    name_zh: str
    name_en: str = ""
    unit1: str = ""
    unit2: str = ""
    supervision: tuple[Condition, ...] = ()
    inspection: tuple[Condition, ...] = ()
    export_duty_rate: Decimal | None = None
    refund_rate: Decimal | None = None
    elements: tuple[str, ...] = ()
    active: bool = True

    @property
    def name(self) -> str:
        return _localized(self.name_zh, self.name_en)


@dataclass(frozen=True)
class Reason:
    flag: str  # licence / inspection / tax
    kind: str  # supervision / inspection / duty / tick
    code: str = ""
    name: str = ""
    rate: str = ""

    @property
    def text(self) -> str:
        """ "监管条件 4: 出口许可证" — in the active language when read."""
        if self.kind == "supervision":
            return str(_("Supervision condition %(code)s: %(name)s")) % {"code": self.code, "name": self.name}
        if self.kind == "inspection":
            return str(_("Inspection category %(code)s: %(name)s")) % {"code": self.code, "name": self.name}
        if self.kind == "duty":
            return str(_("Export duty rate %(rate)s%%")) % {"rate": self.rate}
        return str(_("Ticked by the user"))


@dataclass(frozen=True)
class LineTariff:
    """A line's flags as the rules use them: derived from the tariff where it knows the code, plus the ticks."""

    code: str
    facts: TariffFacts | None
    licence: bool
    inspection: bool
    tax: bool
    reasons: tuple[Reason, ...]

    @property
    def known(self) -> bool:
        return self.facts is not None

    def reasons_for(self, flag: str) -> list[Reason]:
        return [r for r in self.reasons if r.flag == flag]


def parse_elements(text: str) -> tuple[str, ...]:
    """``1:品牌类型;2:出口享惠情况;3:用途`` -> the names in customs order; ValueError names what is wrong."""
    text = (text or "").strip()
    if not text:
        return ()
    names: list[str] = []
    for number, part in enumerate((p for p in re.split(r"[;；]", text) if p.strip()), start=1):
        match = _ELEMENT.match(part)
        if not match:
            raise ValueError(str(_("element “%(part)s” is not “number:name”")) % {"part": part.strip()})
        if int(match.group(1)) != number:
            raise ValueError(
                str(_("element “%(part)s” is out of order: number %(number)s was expected"))
                % {"part": part.strip(), "number": number}
            )
        names.append(match.group(2))
    return tuple(names)


def _rate_text(rate: Decimal) -> str:
    return format(rate.normalize(), "f")


def derive(facts: TariffFacts | None, *, ticks: dict[str, bool], code: str = "") -> LineTariff:
    """The flags of a line with these ticks under these tariff facts (None: the tariff does not know the code)."""
    reasons: list[Reason] = []
    if facts is not None:
        for condition in facts.supervision:
            if condition.licence:
                reasons.append(Reason("licence", "supervision", condition.code, condition.name))
            if condition.inspection:
                reasons.append(Reason("inspection", "supervision", condition.code, condition.name))
        for category in facts.inspection:
            if category.inspection:
                reasons.append(Reason("inspection", "inspection", category.code, category.name))
        if facts.export_duty_rate:
            reasons.append(Reason("tax", "duty", rate=_rate_text(facts.export_duty_rate)))
    derived = {flag for flag in FLAGS if any(r.flag == flag for r in reasons)}
    for flag in FLAGS:
        if ticks.get(flag) and flag not in derived:
            reasons.append(Reason(flag, "tick"))
    values = {flag: flag in derived or bool(ticks.get(flag)) for flag in FLAGS}
    return LineTariff(code=code, facts=facts, reasons=tuple(reasons), **values)


def line_tariff(line, ctx: RuleContext) -> LineTariff:
    code = text_value(getattr(line, "gcode", None)).strip()
    facts = ctx.tariff_for(code) if _TEN_DIGITS.match(code) else None
    ticks = {flag: bool(getattr(line, flag, False)) for flag in FLAGS}
    return derive(facts, ticks=ticks, code=code)


def line_flag(line, flag: str, ctx: RuleContext) -> bool:
    """The tick, or the tariff's derived flag: what the channel rules use."""
    if bool(getattr(line, flag, False)):
        return True
    return getattr(line_tariff(line, ctx), flag)


def check_tariff_units(head, lines: Sequence, *, ctx: RuleContext) -> list[Finding]:
    """A legal unit other than the tariff's (法定计量单位) for a code the tariff knows."""
    findings: list[Finding] = []
    for index, line in enumerate(lines):
        code = text_value(getattr(line, "gcode", None)).strip()
        facts = ctx.tariff_for(code) if _TEN_DIGITS.match(code) else None
        if facts is None:
            continue
        gnum = line_ref(line, index)
        for field, expected in (("unit1", facts.unit1), ("unit2", facts.unit2)):
            value = text_value(getattr(line, field, None)).strip()
            if value != (expected or ""):
                findings.append(
                    Finding.of(
                        "TARIFF_UNIT_MISMATCH",
                        field,
                        gnum,
                        value=value or "—",
                        expected=expected or "—",
                        code=code,
                    )
                )
    return findings
