"""Linting any CEB export message (ours or produced elsewhere): our XSD, then every rule that can be judged
from the one message — code tables, identifiers, totals, weights, line counts and the list-channel value limit.
Registrations, uniqueness and warehouse filings need the portal's records and are not judged here."""

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _
from lxml import etree

from declarations.choices import DeclarationStatus
from declarations.messages.parse import CEB_NS, parse_business_nodes
from declarations.messages.schema import validate_ours
from declarations.rules.amounts import (
    check_goods_value,
    check_line_totals,
    check_value,
    check_weights,
    valuation,
)
from declarations.rules.calendar import DATE_ELEMENTS, check_calendar_values, parse_calendar
from declarations.rules.codes import check_codes
from declarations.rules.consistency import check_order_type
from declarations.rules.context import CHINA_TZ, RuleContext
from declarations.rules.identifiers import check_enterprise_code, check_identifiers


@dataclass(frozen=True)
class LintProblem:
    path: str
    code: str
    message: str


def _parse(data: bytes):
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    return etree.fromstring(data, parser)


_REPEATED = frozenset({"Order", "Inventory", "OrderList", "InventoryList"})  # indexed even when single


def _element_path(element) -> str:
    """/ceb:CEB303Message/ceb:Order[1]/ceb:OrderHead/ceb:appTime, as parse.py writes paths."""
    parts = []
    while element is not None:
        qname = etree.QName(element)
        name = f"ceb:{qname.localname}" if qname.namespace == CEB_NS else qname.localname
        parent = element.getparent()
        if parent is not None:
            same = [child for child in parent if child.tag == element.tag]
            if len(same) > 1 or qname.localname in _REPEATED:
                name += f"[{same.index(element) + 1}]"
        parts.append(name)
        element = parent
    return "/" + "/".join(reversed(parts))


def _calendar_problems(root) -> list[LintProblem]:
    problems = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        name = etree.QName(element).localname
        if name not in DATE_ELEMENTS:
            continue
        for finding in check_calendar_values([(name, element.text or "")]):
            problems.append(LintProblem(_element_path(element), finding.code, str(finding.message)))
    return problems


def message_lint(*, data: bytes, ctx: RuleContext) -> list[LintProblem]:
    problems = [LintProblem(p.path, "XSD", p.message) for p in validate_ours(data)]
    if any(p.message for p in problems) and not data.lstrip().startswith(b"<"):
        return problems
    try:
        root = _parse(data)
    except etree.XMLSyntaxError:
        return problems or [LintProblem("/", "XML", _("The file is not well-formed XML."))]
    if root.getroottree().docinfo.doctype:
        return problems
    problems += _calendar_problems(root)
    for parsed in parse_business_nodes(root):
        head, lines = parsed.declaration, parsed.lines
        declared = parse_calendar("appTime", parsed.extras.get("appTime", ""))
        if declared is not None:
            # The message was declared at its appTime (China time): the value test uses that month's rate.
            head.submitted_at = declared.replace(tzinfo=CHINA_TZ)
            head.status = DeclarationStatus.SUBMITTED
        if parsed.message_type == "CEB603" and not head.currency and lines:
            # InventoryHead carries no currency; the goods lines do.
            head.currency = lines[0].currency
            parsed.paths.setdefault(("currency", None), parsed.path_for("currency", lines[0].gnum))
        # Field-level rules (required, lengths, decimals, line counts) are the XSD's, already reported above.
        # The message names parties by code only (customs code or USCC), so judge the codes, not Enterprise records.
        findings = [f for f in check_identifiers(head) if f.field not in ("ebcCode", "agentCode")]
        for name in ("ebcCode", "agentCode"):
            if name in parsed.extras:
                findings += check_enterprise_code(parsed.extras[name], name)
        findings += check_codes(head, lines, ctx=ctx)
        findings += check_line_totals(lines)
        if parsed.message_type == "CEB603":
            findings += check_weights(head)
            findings += check_value(
                head, lines, ctx=ctx, channel="list", worth=valuation(head, lines, ctx=ctx)
            )
            findings += check_order_type(
                "B" if head.mode == "9710" else "W" if head.mode == "9810" else "", head.mode
            )
        else:
            findings += check_goods_value(parsed.extras.get("goodsValue"), lines)
            order_type = parsed.extras.get("orderType", "")
            findings += check_order_type(order_type, {"B": "9710", "W": "9810"}.get(order_type, ""))
        seen = set()
        for finding in findings:
            key = (finding.code, finding.field, finding.gnum)
            if key in seen:
                continue
            seen.add(key)
            problems.append(
                LintProblem(parsed.path_for(finding.field, finding.gnum), finding.code, str(finding.message))
            )
    return problems


def message_lint_file(*, path: Path, ctx: RuleContext) -> list[LintProblem]:
    try:
        with path.open("rb") as fh:
            data = fh.read(settings.RECEIPT_MAX_BYTES + 1)
    except OSError as exc:
        return [LintProblem("/", "IO", _("Cannot read the file: %(error)s") % {"error": exc.strerror or exc})]
    if len(data) > settings.RECEIPT_MAX_BYTES:
        return [
            LintProblem(
                "/",
                "TOO_LARGE",
                _("The file is larger than %(limit)d bytes.") % {"limit": settings.RECEIPT_MAX_BYTES},
            )
        ]
    return message_lint(data=data, ctx=ctx)
