"""CEB303 电子订单: the B2B order (orderType B, 9710) or the overseas-warehouse booking order (W, 9810)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from .common import (
    APP_STATUS_DRAFT,
    NO_BARCODE,
    Container,
    MessageWriter,
    Node,
    Rendered,
    app_time,
    check_app_status,
    check_app_type,
    check_guid,
    check_line_count,
    goods_value,
    item_name,
    order_type,
    platform_code_and_name,
    sorted_lines,
    write_base_transfer,
    xsd_sequence,
)

MESSAGE_TYPE = "CEB303"

ORDER_HEAD = xsd_sequence(
    """
    guid appType appTime appStatus orderType orderNo ebpCode ebpName ebcCode ebcName goodsValue freight
    currency note?
    """
)
ORDER_LIST = xsd_sequence(
    "gnum itemNo itemName itemDescribe? barCode? unit currency qty price totalPrice note?"
)
_ORDER = Container("Order", 1)
_ORDER_HEAD = Node("OrderHead", ORDER_HEAD, 2)
_ORDER_LIST = Node("OrderList", ORDER_LIST, 2)


def render_order(
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
    """The order sent by the exporter (or `sender`); goodsValue is the sum of the line totals."""
    check_line_count(MESSAGE_TYPE, lines)
    lines = sorted_lines(lines)
    guid = check_guid(guid)
    ebp_code, ebp_name = platform_code_and_name(declaration)
    exporter = declaration.enterprise

    writer = MessageWriter(MESSAGE_TYPE, guid)
    writer.open(_ORDER)
    writer.node(
        _ORDER_HEAD,
        {
            "guid": check_guid(head_guid),
            "appType": check_app_type(app_type),
            "appTime": app_time(at),
            "appStatus": check_app_status(app_status),
            "orderType": order_type(declaration),
            "orderNo": declaration.order_no,
            "ebpCode": ebp_code,
            "ebpName": ebp_name,
            "ebcCode": exporter.ceb_code,
            "ebcName": exporter.name,
            "goodsValue": goods_value(lines),
            "freight": declaration.freight,
            "currency": declaration.currency,
            "note": declaration.note,
        },
    )
    node = writer.node
    for line in lines:
        node(
            _ORDER_LIST,
            {
                "gnum": line.gnum,
                "itemNo": line.item_no,
                "itemName": item_name(line),
                "barCode": line.bar_code or NO_BARCODE,
                "unit": line.unit,
                "currency": line.currency,
                "qty": line.qty,
                "price": line.price,
                "totalPrice": line.total_price,
                "note": line.note,
            },
        )
    writer.end(_ORDER)
    write_base_transfer(writer, sender or exporter)
    return Rendered(MESSAGE_TYPE, guid, writer.finish())
