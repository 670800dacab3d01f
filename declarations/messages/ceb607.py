"""CEB607 清单总分单: the master bill (transport name, voyage, bill of lading) filed after a batch of lists."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from .common import (
    APP_STATUS_DRAFT,
    Container,
    MessageWriter,
    MissingField,
    Node,
    Rendered,
    app_time,
    check_app_status,
    check_app_type,
    check_guid,
    write_base_transfer,
    xsd_sequence,
)

MESSAGE_TYPE = "CEB607"

WAYBILL_HEAD = xsd_sequence(
    """
    guid appType appTime appStatus customsCode copNo preNo? agentCode agentName loctNo? trafMode trafName
    voyageNo billNo domesticTrafNo? grossWeight logisticsCode logisticsName msgCount msgSeqNo note?
    """
)
WAYBILL_LIST = xsd_sequence("gnum totalPackageNo? logisticsNo invtNo? note?")
_WAYBILL = Container("WayBill", 1)
_WAYBILL_HEAD = Node("WayBillHead", WAYBILL_HEAD, 2)
_WAYBILL_LIST = Node("WayBillList", WAYBILL_LIST, 2)


def render_master_bill(
    bill,
    items: Sequence,
    *,
    guid: str | None = None,
    head_guid: str | None = None,
    app_status: str = APP_STATUS_DRAFT,
    app_type: str = "1",
    at: datetime | None = None,
) -> Rendered:
    """The master bill ``bill`` (agent, head fields) over ``items`` (gnum, logistics_no, invt_no).

    Never split: msgCount / msgSeqNo are 1 / 1 (the 2022 PDF: "未拆分的填1"; the XSD requires both).
    """
    if not items:
        raise MissingField("WayBillList", "logisticsNo", "a master bill names at least one list")
    agent = bill.agent
    guid = check_guid(guid)
    writer = MessageWriter(MESSAGE_TYPE, guid)
    writer.open(_WAYBILL)
    writer.node(
        _WAYBILL_HEAD,
        {
            "guid": check_guid(head_guid),
            "appType": check_app_type(app_type),
            "appTime": app_time(at),
            "appStatus": check_app_status(app_status),
            "customsCode": bill.customs_code,
            "copNo": bill.cop_no,
            "preNo": bill.pre_no,
            "agentCode": agent.ceb_code,
            "agentName": agent.name,
            "loctNo": bill.loct_no,
            "trafMode": bill.traf_mode,
            "trafName": bill.traf_name,
            "voyageNo": bill.voyage_no,
            "billNo": bill.bill_no,
            "domesticTrafNo": bill.domestic_traf_no,
            "grossWeight": bill.gross_weight,
            "logisticsCode": bill.logistics_code,
            "logisticsName": bill.logistics_name,
            "msgCount": 1,
            "msgSeqNo": 1,
            "note": bill.note,
        },
    )
    for item in items:
        writer.node(
            _WAYBILL_LIST, {"gnum": item.gnum, "logisticsNo": item.logistics_no, "invtNo": item.invt_no}
        )
    writer.end(_WAYBILL)
    write_base_transfer(writer, agent)
    return Rendered(MESSAGE_TYPE, guid, writer.finish())
