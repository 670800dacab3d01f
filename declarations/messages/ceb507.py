"""CEB507 运抵单: arrival of the goods at the supervised site, sent by the site operator (list channel)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from .common import (
    APP_STATUS_DRAFT,
    IE_FLAG_EXPORT,
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

MESSAGE_TYPE = "CEB507"

ARRIVAL_HEAD = xsd_sequence(
    """
    guid appType appTime appStatus customsCode copNo preNo? operatorCode operatorName loctNo? ieFlag trafMode
    billNo? domesticTrafNo logisticsCode logisticsName msgCount msgSeqNo note?
    """
)
ARRIVAL_LIST = xsd_sequence("gnum logisticsNo totalPackageNo? note?")
_ARRIVAL = Container("Arrival", 1)
_ARRIVAL_HEAD = Node("ArrivalHead", ARRIVAL_HEAD, 2)
_ARRIVAL_LIST = Node("ArrivalList", ARRIVAL_LIST, 2)


def render_arrival(
    declaration,
    lines: Sequence = (),
    *,
    guid: str | None = None,
    head_guid: str | None = None,
    app_status: str = APP_STATUS_DRAFT,
    app_type: str = "1",
    at: datetime | None = None,
    cop_no: str | None = None,
    sender=None,
) -> Rendered:
    """Arrival of the declaration's waybill; the operator is declaration.site_operator (also the sender).

    `cop_no` is the operator's own document number; it defaults to the declaration's copNo. The message is
    never split, so msgCount/msgSeqNo are 1/1 (the PDF: "未拆分的填1").
    """
    operator = declaration.site_operator
    if operator is None:
        raise MissingField("ArrivalHead", "operatorCode", "the declaration names no supervised-site operator")
    guid = check_guid(guid)
    writer = MessageWriter(MESSAGE_TYPE, guid)
    writer.open(_ARRIVAL)
    writer.node(
        _ARRIVAL_HEAD,
        {
            "guid": check_guid(head_guid),
            "appType": check_app_type(app_type),
            "appTime": app_time(at),
            "appStatus": check_app_status(app_status),
            "customsCode": declaration.customs_code,
            "copNo": cop_no or declaration.cop_no,
            "operatorCode": operator.ceb_code,
            "operatorName": operator.name,
            "loctNo": declaration.loct_no,
            "ieFlag": IE_FLAG_EXPORT,
            "trafMode": declaration.traf_mode,
            "billNo": declaration.bill_no,
            "domesticTrafNo": declaration.domestic_traf_no,
            "logisticsCode": declaration.logistics_code,
            "logisticsName": declaration.logistics_name,
            "msgCount": 1,
            "msgSeqNo": 1,
        },
    )
    writer.node(
        _ARRIVAL_LIST,
        {"gnum": 1, "logisticsNo": declaration.logistics_no, "totalPackageNo": declaration.total_package_no},
    )
    writer.end(_ARRIVAL)
    write_base_transfer(writer, sender or operator)
    return Rendered(MESSAGE_TYPE, guid, writer.finish())
