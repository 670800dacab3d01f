"""Consistency with other records and between paired messages.

- uniqueness: orderNo per platform, logisticsNo per logistics enterprise, copNo per agent (context callables);
- the exporter's approved registration at the declaring office; the 9810 overseas warehouse and its filing
  (出口海外仓业务模式备案, required while settings.REQUIRE_WAREHOUSE_FILING is on);
- pure pair checks for messages customs compares: orderType ↔ tradeMode, and order ↔ list lines by gnum.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from declarations.choices import Mode

from .context import (
    DUPLICATE_COP_NO,
    DUPLICATE_ORDER_NO,
    DUPLICATE_WAYBILL,
    NO_PLATFORM_CODE,
    RuleContext,
)
from .fields import decimal_value, int_value, related, text_value
from .finding import Finding
from .identifiers import short

# CEB303 orderType per supervision mode: B B2B export order, W overseas-warehouse booking order (订仓单).
ORDER_TYPE_BY_MODE = {Mode.DIRECT.value: "B", Mode.WAREHOUSE.value: "W"}


def check_order_type(order_type, trade_mode) -> list[Finding]:
    """An order (CEB303 orderType) and a list or declaration (tradeMode) must pair: B ↔ 9710, W ↔ 9810."""
    order_type, trade_mode = text_value(order_type), text_value(trade_mode)
    if ORDER_TYPE_BY_MODE.get(trade_mode) == order_type:
        return []
    return [
        Finding.of(
            "ORDER_TYPE_MODE_MISMATCH",
            "orderType",
            order_type=short(order_type),
            trade_mode=short(trade_mode),
        )
    ]


def platform_key(head) -> tuple[str, str] | None:
    """(ebpCode, ebpName) as sent: an empty code is 无, the 9810 name is the warehouse's; None if unknown."""
    code = text_value(getattr(head, "ebp_code", None)) or NO_PLATFORM_CODE
    if getattr(head, "mode", None) == Mode.WAREHOUSE:
        warehouse = related(head, "warehouse")
        name = text_value(getattr(warehouse, "name", None)) if warehouse is not None else ""
    else:
        name = text_value(getattr(head, "ebp_name", None))
    return (code, name) if name.strip() else None


def check_duplicates(head, *, ctx: RuleContext) -> list[Finding]:
    findings = []
    exclude_id = getattr(head, "pk", None)
    order_no = text_value(getattr(head, "order_no", None))
    platform = platform_key(head)
    if (
        order_no.strip()
        and platform
        and ctx.is_duplicate(DUPLICATE_ORDER_NO, (*platform, order_no), exclude_id)
    ):
        findings.append(
            Finding.of("DUPLICATE_ORDER_NO", "orderNo", value=short(order_no), platform=short(platform[1]))
        )
    logistics_code = text_value(getattr(head, "logistics_code", None))
    logistics_no = text_value(getattr(head, "logistics_no", None))
    if (
        logistics_code.strip()
        and logistics_no.strip()
        and ctx.is_duplicate(DUPLICATE_WAYBILL, (logistics_code, logistics_no), exclude_id)
    ):
        logistics = text_value(getattr(head, "logistics_name", None)) or logistics_code
        findings.append(
            Finding.of(
                "DUPLICATE_WAYBILL", "logisticsNo", value=short(logistics_no), logistics=short(logistics)
            )
        )
    agent = related(head, "agent")
    agent_id = getattr(agent, "pk", None) if agent is not None else None
    cop_no = text_value(getattr(head, "cop_no", None))
    if (
        agent_id is not None
        and cop_no.strip()
        and ctx.is_duplicate(DUPLICATE_COP_NO, (agent_id, cop_no), exclude_id)
    ):
        findings.append(Finding.of("DUPLICATE_COP_NO", "copNo", value=short(cop_no)))
    return findings


def check_registration(head, *, ctx: RuleContext) -> list[Finding]:
    """报关单位注册登记 / 跨境电商企业类型登记: the exporter needs an approved one at the declaring office."""
    enterprise = related(head, "enterprise")
    office = text_value(getattr(head, "customs_code", None))
    if enterprise is None or office not in ctx.customs_offices or office in ctx.non_declarable_offices:
        return []  # REQUIRED / UNKNOWN_CUSTOMS_OFFICE / CUSTOMS_OFFICE_NOT_DECLARABLE already say what is wrong
    if ctx.has_approved_registration(getattr(enterprise, "pk", None), office):
        return []
    name = text_value(getattr(enterprise, "name", None)) or text_value(getattr(enterprise, "uscc", None))
    return [Finding.of("REGISTRATION_MISSING", "customsCode", enterprise=short(name), office=office)]


def check_warehouse(head, *, ctx: RuleContext) -> list[Finding]:
    if getattr(head, "mode", None) != Mode.WAREHOUSE:
        return []
    warehouse = related(head, "warehouse")
    if warehouse is None:
        return [Finding.of("WAREHOUSE_REQUIRED", "warehouse")]
    if ctx.require_warehouse_filing and not ctx.warehouse_filing_approved(getattr(warehouse, "pk", None)):
        name = text_value(getattr(warehouse, "name", None))
        return [Finding.of("WAREHOUSE_FILING_NOT_APPROVED", "warehouse", warehouse=short(name))]
    return []


def check_warehouse_country(head) -> list[Finding]:
    """9810: goods are booked into an overseas warehouse, so they normally go to the warehouse's country."""
    if getattr(head, "mode", None) != Mode.WAREHOUSE:
        return []
    warehouse = related(head, "warehouse")
    country = text_value(getattr(head, "country", None))
    warehouse_country = text_value(getattr(warehouse, "country_id", None)) if warehouse is not None else ""
    if not country.strip() or not warehouse_country or country == warehouse_country:
        return []
    return [
        Finding.of(
            "WAREHOUSE_COUNTRY_MISMATCH",
            "country",
            value=short(country),
            warehouse=short(text_value(getattr(warehouse, "name", None))),
            warehouse_country=warehouse_country,
        )
    ]


def check_consistency(head, *, ctx: RuleContext) -> list[Finding]:
    return (
        check_registration(head, ctx=ctx)
        + check_warehouse(head, ctx=ctx)
        + check_warehouse_country(head)
        + check_duplicates(head, ctx=ctx)
    )


# --- order lines (CEB303) against list lines (CEB603) ---

# Compared per gnum; CEB element name -> model attribute.
ALIGNED_FIELDS = (("itemNo", "item_no"), ("qty", "qty"), ("price", "price"), ("totalPrice", "total_price"))
_NUMERIC = {"qty", "price", "totalPrice"}


def _get(line, ceb: str, attr: str):
    """Lines may be model instances or parsed messages (mappings keyed by CEB element names)."""
    if isinstance(line, Mapping):
        return line.get(ceb, line.get(attr))
    return getattr(line, attr, None)


def _by_gnum(lines: Sequence) -> dict[int, object]:
    indexed: dict[int, object] = {}
    for line in lines:
        gnum = int_value(_get(line, "gnum", "gnum"))
        if gnum is not None:
            indexed.setdefault(gnum, line)
    return indexed


def _same(ceb: str, a, b) -> bool:
    if ceb in _NUMERIC:
        x, y = decimal_value(a), decimal_value(b)
        if x is not None and y is not None:
            return x == y
    return text_value(a).strip() == text_value(b).strip()


def compare_order_and_list(order_lines: Sequence, list_lines: Sequence) -> list[Finding]:
    """Align by gnum ('与清单的商品项关联对应'); each pair must agree on itemNo, qty, price and totalPrice."""
    orders, lists = _by_gnum(order_lines), _by_gnum(list_lines)
    findings = []
    for gnum in sorted(orders.keys() | lists.keys()):
        if gnum not in orders or gnum not in lists:
            findings.append(Finding.of("LINE_MISSING", "gnum", gnum))
            continue
        for ceb, attr in ALIGNED_FIELDS:
            order_value, list_value = _get(orders[gnum], ceb, attr), _get(lists[gnum], ceb, attr)
            if not _same(ceb, order_value, list_value):
                findings.append(
                    Finding.of(
                        "LINE_MISMATCH",
                        ceb,
                        gnum,
                        order_value=short(text_value(order_value)),
                        list_value=short(text_value(list_value)),
                    )
                )
    return findings
