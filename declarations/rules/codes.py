"""Code-table membership (customs parameter codes, JGS-20 / JGS/T 18) and the shape of HS codes and barcodes.

The code sets come from the RuleContext. POD has no code table (the CEB POD set is unresolved, domain
notes §9.3), so only its length is checked (fields.py).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

from declarations.choices import Mode

from .context import RuleContext
from .fields import line_ref, text_value
from .finding import Finding
from .identifiers import short

_HS_FORMAT = re.compile(r"^(?:[0-9]{10}|[0-9]{6})$")
_SIX_DIGITS = re.compile(r"^[0-9]{6}$")
_GTIN = re.compile(r"^(?:[0-9]{8}|[0-9]{12,14})$")
_MODES = frozenset(Mode.values)  # Mode.values builds a new list on every access


def is_six_digit_hs(code) -> bool:
    """A 6-digit HS code: the simplified declaration (简化申报, statisticsFlag A) of a pilot-zone office."""
    return bool(_SIX_DIGITS.match(text_value(code).strip()))


def gtin_check_digit_ok(code: str) -> bool:
    """GS1 mod-10: weights 3, 1, 3 … from the digit left of the check digit."""
    body, check = code[:-1], int(code[-1])
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10 == check


def _member(value, codes: Collection[str], code: str, field: str, gnum: int | None = None) -> list[Finding]:
    text = text_value(value)
    if not text.strip() or text in codes:
        return []  # empty: REQUIRED from fields.py when the element is required; the value is sent unstripped
    return [Finding.of(code, field, gnum, value=short(text))]


def _refused(value, known: Collection[str], refused: Collection[str], code: str, field: str, gnum=None):
    """A known code that customs nevertheless refuses here (an unknown one is reported by _member)."""
    text = text_value(value)
    if text in known and text in refused:
        return [Finding.of(code, field, gnum, value=short(text))]
    return []


def check_line_codes(line, index: int, *, ctx: RuleContext, head=None) -> list[Finding]:
    """A line's codes. Its country keeps everything the table declares (142 and 999 too): the XSD calls it
    最终目的国 while issue 20 reads it as the origin, so no destination test is applied to it (docs/rules.md)."""
    gnum = line_ref(line, index)
    findings: list[Finding] = []
    gcode = text_value(getattr(line, "gcode", None)).strip()
    if gcode:
        if not _HS_FORMAT.match(gcode):
            findings.append(Finding.of("HS_CODE_FORMAT", "gcode", gnum, value=short(gcode)))
        elif gcode[:6] not in ctx.hs6:
            findings.append(Finding.of("HS_NOT_IN_HS2022", "gcode", gnum, subheading=gcode[:6]))
    bar_code = text_value(getattr(line, "bar_code", None)).strip()
    if _GTIN.match(bar_code) and not gtin_check_digit_ok(bar_code):
        findings.append(Finding.of("BARCODE_CHECK_DIGIT", "barCode", gnum, value=bar_code))
    findings += _member(getattr(line, "country", None), ctx.countries, "UNKNOWN_COUNTRY", "country", gnum)
    findings += _member(getattr(line, "currency", None), ctx.currencies, "UNKNOWN_CURRENCY", "currency", gnum)
    if text_value(getattr(line, "currency", None)) != text_value(getattr(head, "currency", None)):
        # the same obsolete currency as the head's is one case, reported once on the head
        findings += _refused(
            getattr(line, "currency", None),
            ctx.currencies,
            ctx.inactive_currencies,
            "CURRENCY_INACTIVE",
            "currency",
            gnum,
        )
    for ceb, attr in (("unit", "unit"), ("unit1", "unit1"), ("unit2", "unit2")):
        findings += _member(getattr(line, attr, None), ctx.units, "UNKNOWN_UNIT", ceb, gnum)
    return findings


def check_codes(head, lines: Sequence, *, ctx: RuleContext) -> list[Finding]:
    findings: list[Finding] = []
    findings += _member(getattr(head, "mode", None), _MODES, "UNKNOWN_TRADE_MODE", "tradeMode")
    for attr, ceb in (("customs_code", "customsCode"), ("port_code", "portCode")):
        office = getattr(head, attr, None)
        findings += _member(office, ctx.customs_offices, "UNKNOWN_CUSTOMS_OFFICE", ceb)
        findings += _refused(
            office, ctx.customs_offices, ctx.non_declarable_offices, "CUSTOMS_OFFICE_NOT_DECLARABLE", ceb
        )
    findings += _member(
        getattr(head, "traf_mode", None), ctx.transport_modes, "UNKNOWN_TRANSPORT_MODE", "trafMode"
    )
    # The head's country is the destination / arrival country (运抵国): a place goods can go to.
    findings += _member(getattr(head, "country", None), ctx.countries, "UNKNOWN_COUNTRY", "country")
    findings += _refused(
        getattr(head, "country", None),
        ctx.countries,
        ctx.non_destination_countries,
        "COUNTRY_NOT_DESTINATION",
        "country",
    )
    findings += _member(getattr(head, "currency", None), ctx.currencies, "UNKNOWN_CURRENCY", "currency")
    findings += _refused(
        getattr(head, "currency", None),
        ctx.currencies,
        ctx.inactive_currencies,
        "CURRENCY_INACTIVE",
        "currency",
    )
    findings += _member(
        getattr(head, "wrap_type", None), ctx.packing_types, "UNKNOWN_PACKING_TYPE", "wrapType"
    )
    for index, line in enumerate(lines):
        findings += check_line_codes(line, index, ctx=ctx, head=head)
    return findings
