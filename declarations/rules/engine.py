"""Run every rule on a declaration head and its lines (saved or not) and return the findings in a fixed order.

Order: head findings first, then each line by gnum; within those, the group order below (fields, identifiers,
codes, amounts, channel, consistency) and the CEB element order inside each group. A later group does not
report on a field that already has an XSD-level error (an over-long currency is not also an unknown one).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .amounts import check_line_currencies, check_line_totals, check_value, check_weights, valuation
from .catalogue import ERROR
from .channel import ChannelAdvice, check_channel, recommend_channel
from .codes import check_codes
from .consistency import check_consistency
from .context import RuleContext
from .copies import check_copy
from .fields import channel_of, check_fields
from .finding import Finding
from .identifiers import check_identifiers

__all__ = ["Evaluation", "check_declaration", "evaluate", "has_errors"]


@dataclass(frozen=True)
class Evaluation:
    findings: list[Finding]
    advice: ChannelAdvice
    channel: str  # the effective channel the rules assumed: explicit, else recommended


def evaluate(head, lines: Sequence, *, ctx: RuleContext) -> Evaluation:
    """Findings and the channel advice in one pass (the value is computed once)."""
    lines = list(lines or ())
    worth = valuation(head, lines, ctx=ctx)
    advice = recommend_channel(head, lines, ctx, worth=worth)
    channel = channel_of(head) or advice.channel

    field_findings = check_fields(head, lines, channel=channel)
    blocked = {(f.field, f.gnum) for f in field_findings if f.is_error}
    later = check_identifiers(head)
    later += check_codes(head, lines, ctx=ctx)
    later += check_line_totals(lines)
    later += check_weights(head)
    later += check_line_currencies(head, lines)
    later += check_value(head, lines, ctx=ctx, channel=channel, worth=worth)
    later += check_channel(head, lines, ctx=ctx, channel=channel)
    later += check_consistency(head, ctx=ctx)
    later += check_copy(head)
    findings = field_findings + [f for f in later if (f.field, f.gnum) not in blocked]
    # Stable: keeps the group and element order within the head and within each line.
    findings.sort(key=lambda f: (f.gnum is not None, f.gnum or 0))
    return Evaluation(findings, advice, channel)


def check_declaration(head, lines: Sequence, *, ctx: RuleContext) -> list[Finding]:
    return evaluate(head, lines, ctx=ctx).findings


def has_errors(findings: Iterable[Finding | dict]) -> bool:
    """True when a finding blocks submission; accepts Finding objects or their stored dicts."""
    return any((f.severity if isinstance(f, Finding) else f.get("severity")) == ERROR for f in findings)
