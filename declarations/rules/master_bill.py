"""Checks of a master bill (清单总分单, CEB607) over the lists it names: pure, on plain objects.

``bill`` has the head's attributes (customs_code, traf_mode, traf_name, voyage_no, bill_no, gross_weight,
pack_no, logistics_code, logistics_name); each of ``lists`` is a ``MasterBillList``, built by the
selector from the database, so that these checks query nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from .finding import Finding

# The head's required elements (XSD: WayBillHead) -> the bill's attribute.
REQUIRED_HEAD = {
    "customsCode": "customs_code",
    "trafMode": "traf_mode",
    "trafName": "traf_name",
    "voyageNo": "voyage_no",
    "billNo": "bill_no",
    "grossWeight": "gross_weight",
    "packNo": "pack_no",
    "logisticsCode": "logistics_code",
    "logisticsName": "logistics_name",
}


@dataclass(frozen=True)
class MasterBillList:
    """What the checks need of one list: its keys, weight, whether customs declared it, and other bills."""

    cop_no: str
    invt_no: str
    customs_code: str
    logistics_code: str
    gross_weight: Decimal
    declared: bool
    other_bill_no: str = ""


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def check_master_bill(bill, lists: Sequence[MasterBillList]) -> list[Finding]:
    findings = [
        Finding.of("REQUIRED", name) for name, attr in REQUIRED_HEAD.items() if _blank(getattr(bill, attr))
    ]
    if not lists:
        findings.append(Finding.of("MB_NO_LISTS", "lists"))
        return findings
    for position, item in enumerate(lists, start=1):
        findings.extend(_check_list(bill, item, position))
    total = sum((item.gross_weight or Decimal(0) for item in lists), Decimal(0))
    weight = bill.gross_weight
    if weight is not None and weight < total:
        findings.append(
            Finding.of(
                "MB_GROSS_WEIGHT_BELOW_LISTS",
                "grossWeight",
                weight=weight.normalize(),
                total=total.normalize(),
                difference=(total - weight).normalize(),
            )
        )
    return findings


def _check_list(bill, item: MasterBillList, position: int) -> list[Finding]:
    found = []
    if not item.declared or not item.invt_no:
        found.append(Finding.of("MB_LIST_NOT_DECLARED", "lists", position, cop_no=item.cop_no))
    pairs = (
        ("MB_OTHER_OFFICE", "customsCode", item.customs_code, bill.customs_code),
        ("MB_OTHER_LOGISTICS", "logisticsCode", item.logistics_code, bill.logistics_code),
    )
    for code, field, value, expected in pairs:
        if expected and value != expected:
            found.append(
                Finding.of(code, field, position, cop_no=item.cop_no, found=value, expected=expected)
            )
    if item.other_bill_no:
        found.append(
            Finding.of(
                "MB_LIST_ON_OTHER_BILL", "lists", position, cop_no=item.cop_no, bill_no=item.other_bill_no
            )
        )
    return found
