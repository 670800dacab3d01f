"""CEB509 离境单: departure of the goods, sent by the logistics enterprise after release (list channel)."""

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

MESSAGE_TYPE = "CEB509"

DEPARTURE_HEAD = xsd_sequence(
    """
    guid appType appTime appStatus customsCode copNo preNo? logisticsCode logisticsName trafMode trafName?
    voyageNo? billNo? leaveTime msgCount msgSeqNo note?
    """
)
DEPARTURE_LIST = xsd_sequence("gnum totalPackageNo? logisticsNo note?")
_DEPARTURE = Container("Departure", 1)
_DEPARTURE_HEAD = Node("DepartureHead", DEPARTURE_HEAD, 2)
_DEPARTURE_LIST = Node("DepartureList", DEPARTURE_LIST, 2)


def render_departure(
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
    """Departure of the declaration's waybill at declaration.leave_time.

    The declaration has no Enterprise record for the logistics company, so the transmitting enterprise is
    `sender` when given (the logistics enterprise's user), else the exporter. msgCount/msgSeqNo are 1/1.
    """
    if declaration.leave_time is None:
        raise MissingField("DepartureHead", "leaveTime", "the departure time")
    guid = check_guid(guid)
    writer = MessageWriter(MESSAGE_TYPE, guid)
    writer.open(_DEPARTURE)
    writer.node(
        _DEPARTURE_HEAD,
        {
            "guid": check_guid(head_guid),
            "appType": check_app_type(app_type),
            "appTime": app_time(at),
            "appStatus": check_app_status(app_status),
            "customsCode": declaration.customs_code,
            "copNo": cop_no or declaration.cop_no,
            "logisticsCode": declaration.logistics_code,
            "logisticsName": declaration.logistics_name,
            "trafMode": declaration.traf_mode,
            "trafName": declaration.traf_name,
            "voyageNo": declaration.voyage_no,
            "billNo": declaration.bill_no,
            "leaveTime": app_time(declaration.leave_time),
            "msgCount": 1,
            "msgSeqNo": 1,
        },
    )
    writer.node(
        _DEPARTURE_LIST,
        {"gnum": 1, "totalPackageNo": declaration.total_package_no, "logisticsNo": declaration.logistics_no},
    )
    writer.end(_DEPARTURE)
    write_base_transfer(writer, sender or declaration.enterprise)
    return Rendered(MESSAGE_TYPE, guid, writer.finish())
