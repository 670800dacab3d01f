"""CEB505 物流运单: the logistics waybill of the shipment (list channel only)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from .common import (
    APP_STATUS_DRAFT,
    MessageWriter,
    Node,
    Rendered,
    app_time,
    check_app_status,
    check_app_type,
    check_guid,
    sorted_lines,
    write_base_transfer,
    xsd_sequence,
)

MESSAGE_TYPE = "CEB505"
GOODS_INFO_MAX = 200

LOGISTICS = xsd_sequence(
    """
    guid appType appTime appStatus logisticsCode logisticsName logisticsNo freight insuredFee currency
    grossWeight packNo goodsInfo ebcCode? ebcName? ebcTelephone? note?
    """
)
_LOGISTICS = Node("Logistics", LOGISTICS, 1)


def goods_info(declaration, lines: Sequence) -> str:
    """goodsInfo (C..200): the declared text, else the distinct goods names of the lines."""
    if declaration.goods_info:
        return declaration.goods_info
    names = list(dict.fromkeys(line.gname for line in sorted_lines(lines) if line.gname))
    return "、".join(names)[:GOODS_INFO_MAX]


def render_waybill(
    declaration,
    lines: Sequence = (),
    *,
    guid: str | None = None,
    head_guid: str | None = None,
    app_status: str = APP_STATUS_DRAFT,
    app_type: str = "1",
    at: datetime | None = None,
    sender=None,
) -> Rendered:
    """The waybill; transmitted by the exporter unless a `sender` (the logistics enterprise) is given."""
    guid = check_guid(guid)
    exporter = declaration.enterprise
    writer = MessageWriter(MESSAGE_TYPE, guid)
    writer.node(
        _LOGISTICS,
        {
            "guid": check_guid(head_guid),
            "appType": check_app_type(app_type),
            "appTime": app_time(at),
            "appStatus": check_app_status(app_status),
            "logisticsCode": declaration.logistics_code,
            "logisticsName": declaration.logistics_name,
            "logisticsNo": declaration.logistics_no,
            "freight": declaration.freight,
            "insuredFee": declaration.insured_fee,
            "currency": declaration.currency,
            "grossWeight": declaration.gross_weight,
            "packNo": declaration.pack_no,
            "goodsInfo": goods_info(declaration, lines),
            "ebcCode": exporter.ceb_code,
            "ebcName": exporter.name,
            "ebcTelephone": exporter.phone,
        },
    )
    write_base_transfer(writer, sender or exporter)
    return Rendered(MESSAGE_TYPE, guid, writer.finish())
