"""CEB603 申报清单: the export inventory list, tradeMode 9710 or 9810, declared by the agent."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from django.conf import settings

from .common import (
    APP_STATUS_DRAFT,
    IE_FLAG_EXPORT,
    NO_BARCODE,
    NO_OWNER_CODE,
    Container,
    MessageWriter,
    MissingField,
    Node,
    Rendered,
    app_time,
    check_app_status,
    check_app_type,
    check_guid,
    check_line_count,
    ie_date,
    item_name,
    order_type,
    platform_code_and_name,
    sorted_lines,
    write_base_transfer,
    xsd_sequence,
)

MESSAGE_TYPE = "CEB603"
FLAG_TOTAL = "3"  # fFlag / iFlag: 1 rate, 2 unit price, 3 total
STATISTICS_SIMPLIFIED = "A"  # 简化申报
STATISTICS_SUMMARY = "B"  # 汇总申报
_SIMPLIFIED_HS = re.compile(r"^[0-9]{6}$")

INVENTORY_HEAD = xsd_sequence(
    """
    guid appType appTime appStatus customsCode ebpCode ebpName orderNo logisticsCode logisticsName
    logisticsNo copNo preNo? invtNo? ieFlag portCode ieDate statisticsFlag agentCode agentName ebcCode
    ebcName ownerCode ownerName iacCode? iacName? emsNo? tradeMode trafMode trafName? voyageNo? billNo?
    totalPackageNo? loctNo? licenseNo? country POD freight fCurrency fFlag insuredFee iCurrency iFlag
    wrapType packNo grossWeight netWeight note?
    """
)
INVENTORY_LIST = xsd_sequence(
    """
    gnum itemNo itemRecordNo? itemName? gcode gname gmodel barCode country currency qty qty1 qty2? unit
    unit1 unit2? price totalPrice note?
    """
)
_INVENTORY = Container("Inventory", 1)
_INVENTORY_HEAD = Node("InventoryHead", INVENTORY_HEAD, 2)
_INVENTORY_LIST = Node("InventoryList", INVENTORY_LIST, 2)


def is_simplified_hs(code: str) -> bool:
    """A 6-digit HS code: the simplified declaration of a pilot-zone office (statisticsFlag A)."""
    return bool(_SIMPLIFIED_HS.match(code or ""))


def ceb_gcode(code: str) -> str:
    """The 10-character gcode: a 6-digit code right-padded with SIMPLIFIED_HS_PADDING, others unchanged.

    The padding is our convention (domain notes §9.4); the declared 6 digits stay on the record.
    """
    code = (code or "").strip()
    if is_simplified_hs(code):
        return code + settings.SIMPLIFIED_HS_PADDING
    return code


def statistics_flag(lines: Sequence) -> str:
    """A (simplified) as soon as one line is declared with 6 digits, since B would demand full codes."""
    return (
        STATISTICS_SIMPLIFIED if any(is_simplified_hs(line.gcode) for line in lines) else STATISTICS_SUMMARY
    )


def _owner(declaration) -> tuple[str, str]:
    """生产销售单位: declared, or the exporter itself; "NO" (unregistered producer) carries the name "NO"."""
    exporter = declaration.enterprise
    if not declaration.owner_code:
        return exporter.ceb_code, declaration.owner_name or exporter.name
    if declaration.owner_name:
        return declaration.owner_code, declaration.owner_name
    if declaration.owner_code == NO_OWNER_CODE:
        return NO_OWNER_CODE, NO_OWNER_CODE
    raise MissingField("InventoryHead", "ownerName", f"name of the producer/seller {declaration.owner_code}")


def render_inventory(
    declaration,
    lines: Sequence,
    *,
    guid: str | None = None,
    head_guid: str | None = None,
    app_status: str = APP_STATUS_DRAFT,
    app_type: str = "1",
    at: datetime | None = None,
    sender=None,
) -> Rendered:
    """The inventory list, transmitted by the declaring agent unless `sender` is given."""
    check_line_count(MESSAGE_TYPE, lines)
    lines = sorted_lines(lines)
    order_type(declaration)  # rejects an unknown mode before it reaches tradeMode
    if declaration.ie_date is None:
        raise MissingField("InventoryHead", "ieDate", "the export date")
    guid = check_guid(guid)
    ebp_code, ebp_name = platform_code_and_name(declaration)
    owner_code, owner_name = _owner(declaration)
    exporter, agent = declaration.enterprise, declaration.agent

    writer = MessageWriter(MESSAGE_TYPE, guid)
    writer.open(_INVENTORY)
    writer.node(
        _INVENTORY_HEAD,
        {
            "guid": check_guid(head_guid),
            "appType": check_app_type(app_type),
            "appTime": app_time(at),
            "appStatus": check_app_status(app_status),
            "customsCode": declaration.customs_code,
            "ebpCode": ebp_code,
            "ebpName": ebp_name,
            "orderNo": declaration.order_no,
            "logisticsCode": declaration.logistics_code,
            "logisticsName": declaration.logistics_name,
            "logisticsNo": declaration.logistics_no,
            "copNo": declaration.cop_no,
            "preNo": declaration.pre_no,
            "invtNo": declaration.invt_no,
            "ieFlag": IE_FLAG_EXPORT,
            "portCode": declaration.port_code,
            "ieDate": ie_date(declaration.ie_date),
            "statisticsFlag": statistics_flag(lines),
            "agentCode": agent.ceb_code,
            "agentName": agent.name,
            "ebcCode": exporter.ceb_code,
            "ebcName": exporter.name,
            "ownerCode": owner_code,
            "ownerName": owner_name,
            "tradeMode": declaration.mode,
            "trafMode": declaration.traf_mode,
            "trafName": declaration.traf_name,
            "voyageNo": declaration.voyage_no,
            "billNo": declaration.bill_no,
            "totalPackageNo": declaration.total_package_no,
            "loctNo": declaration.loct_no,
            "licenseNo": declaration.license_no,
            "country": declaration.country,
            # No official POD table for the 统一版: the destination country code is the practitioners' default.
            "POD": declaration.pod or declaration.country,
            "freight": declaration.freight,
            "fCurrency": declaration.currency,
            "fFlag": FLAG_TOTAL,
            "insuredFee": declaration.insured_fee,
            "iCurrency": declaration.currency,
            "iFlag": FLAG_TOTAL,
            "wrapType": declaration.wrap_type,
            "packNo": declaration.pack_no,
            "grossWeight": declaration.gross_weight,
            "netWeight": declaration.net_weight,
            "note": declaration.note,
        },
    )
    node = writer.node
    for line in lines:
        node(
            _INVENTORY_LIST,
            {
                "gnum": line.gnum,
                "itemNo": line.item_no,
                "itemName": item_name(line),
                "gcode": ceb_gcode(line.gcode),
                "gname": line.gname,
                "gmodel": line.gmodel,
                "barCode": line.bar_code or NO_BARCODE,
                "country": line.country,
                "currency": line.currency,
                "qty": line.qty,
                "qty1": line.qty1,
                "qty2": line.qty2,
                "unit": line.unit,
                "unit1": line.unit1,
                "unit2": line.unit2,
                "price": line.price,
                "totalPrice": line.total_price,
                "note": line.note,
            },
        )
    writer.end(_INVENTORY)
    write_base_transfer(writer, sender or agent)
    return Rendered(MESSAGE_TYPE, guid, writer.finish())
