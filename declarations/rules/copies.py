"""A copy (declaration_copy) is a draft that may not go to customs with its source's numbers.

The copy remembers its source's order number and waybill (``copy_of_order_no`` / ``copy_of_logistics_no``);
until the user enters the copy's own, submitting is blocked with a finding on the field to change.
"""

from __future__ import annotations

from .fields import text_value
from .finding import Finding
from .identifiers import short

COPY_SUFFIX = "-COPY"


def copy_placeholder(order_no: str) -> str:
    """The order number a fresh copy gets: its source's, marked, within orderNo's 60 characters."""
    return f"{order_no}{COPY_SUFFIX}"[:60]


def check_copy(head) -> list[Finding]:
    source_order = text_value(getattr(head, "copy_of_order_no", None)).strip()
    if not source_order:
        return []
    findings = []
    order_no = text_value(getattr(head, "order_no", None)).strip()
    if order_no in (source_order, copy_placeholder(source_order)):
        findings.append(
            Finding.of(
                "COPY_ORDER_NO_UNCHANGED", "orderNo", source=short(source_order), value=short(order_no)
            )
        )
    source_waybill = text_value(getattr(head, "copy_of_logistics_no", None)).strip()
    waybill = text_value(getattr(head, "logistics_no", None)).strip()
    if source_waybill and waybill in ("", source_waybill):
        findings.append(Finding.of("COPY_WAYBILL_UNCHANGED", "logisticsNo", source=short(source_order)))
    return findings
