"""CEB605 撤销申请单: request to cancel a released inventory list, by the declaring agent."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from .common import (
    APP_STATUS_DRAFT,
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

MESSAGE_TYPE = "CEB605"

INVT_CANCEL = xsd_sequence(
    """
    guid appType appTime appStatus customsCode copNo preNo? invtNo reason agentCode agentName ebcCode ebcName
    note?
    """
)
_INVT_CANCEL = Node("InvtCancel", INVT_CANCEL, 1)


def render_cancel(
    declaration,
    lines: Sequence = (),
    *,
    guid: str | None = None,
    head_guid: str | None = None,
    app_status: str = APP_STATUS_DRAFT,
    app_type: str = "1",
    at: datetime | None = None,
    invt_no: str | None = None,
    reason: str | None = None,
    sender=None,
) -> Rendered:
    """Cancel the list numbered `invt_no` (default: the one customs assigned) for `reason`
    (default: declaration.cancel_reason). Both are required."""
    invt_no = invt_no or declaration.invt_no
    reason = reason or declaration.cancel_reason
    if not invt_no:
        raise MissingField("InvtCancel", "invtNo", "only a list customs has numbered can be cancelled")
    if not (reason or "").strip():
        raise MissingField("InvtCancel", "reason", "the reason for the cancellation")
    guid = check_guid(guid)
    agent = declaration.agent
    writer = MessageWriter(MESSAGE_TYPE, guid)
    writer.node(
        _INVT_CANCEL,
        {
            "guid": check_guid(head_guid),
            "appType": check_app_type(app_type),
            "appTime": app_time(at),
            "appStatus": check_app_status(app_status),
            "customsCode": declaration.customs_code,
            "copNo": declaration.cop_no,
            "preNo": declaration.pre_no,
            "invtNo": invt_no,
            "reason": reason,
            "agentCode": agent.ceb_code,
            "agentName": agent.name,
            "ebcCode": declaration.enterprise.ceb_code,
            "ebcName": declaration.enterprise.name,
        },
    )
    write_base_transfer(writer, sender or agent)
    return Rendered(MESSAGE_TYPE, guid, writer.finish())
