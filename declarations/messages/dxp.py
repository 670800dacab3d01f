"""The terminal-node DxpMsg envelope (spec §2.6), only for self-developed access (settings.DXP_WRAP).

The official client wraps messages itself; an enterprise that connects its own client sends the (signed) CEB
message base64-encoded in Data, addressed to settings.DXP_RECEIVER_ID (export: DXPEDCCEB0000003).
"""

from __future__ import annotations

import base64
from datetime import datetime

from django.conf import settings
from lxml import etree

from declarations.identifiers import new_guid

from .common import CEB_NS, china_time, serialise

DXP_NS = "http://www.chinaport.gov.cn/dxp"
DXP_PREFIX = "dxp"
DXP_VERSION = "1.0"
DXP_ID_MAX = 16  # SenderId / ReceiverId are C1..16, while BaseTransfer.dxpId allows 30


class DxpError(ValueError):
    pass


def _dxp(parent: etree._Element, name: str) -> etree._Element:
    return etree.SubElement(parent, f"{{{DXP_NS}}}{name}")


def _parse(xml: bytes) -> etree._Element:
    return etree.fromstring(xml, etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False))


def _sender_of(root: etree._Element) -> str:
    dxp_id = root.findtext(f"{{{CEB_NS}}}BaseTransfer/{{{CEB_NS}}}dxpId")
    if not dxp_id:
        raise DxpError("the message has no BaseTransfer/dxpId to send from")
    return dxp_id.strip()


def wrap(
    xml: bytes,
    *,
    sender_id: str | None = None,
    receiver_id: str | None = None,
    cop_msg_id: str | None = None,
    created: datetime | None = None,
) -> bytes:
    """DxpMsg around `xml`; MsgType is the CEB root name (e.g. "CEB303Message"), SenderId its dxpId by default."""
    message = _parse(xml)
    msg_type = etree.QName(message).localname
    sender_id = sender_id or _sender_of(message)
    receiver_id = receiver_id or settings.DXP_RECEIVER_ID
    for label, value in (("SenderId", sender_id), ("ReceiverId", receiver_id)):
        if not 1 <= len(value) <= DXP_ID_MAX:
            raise DxpError(f"{label} {value!r} must be 1 to {DXP_ID_MAX} characters")

    root = etree.Element(f"{{{DXP_NS}}}DxpMsg", nsmap={DXP_PREFIX: DXP_NS})
    root.set("ver", DXP_VERSION)
    trans_info = _dxp(root, "TransInfo")
    _dxp(trans_info, "CopMsgId").text = cop_msg_id or new_guid()
    _dxp(trans_info, "SenderId").text = sender_id
    _dxp(_dxp(trans_info, "ReceiverIds"), "ReceiverId").text = receiver_id
    # xs:dateTime without an offset, China time, as the samples and practitioners write it.
    _dxp(trans_info, "CreatTime").text = china_time(created).strftime("%Y-%m-%dT%H:%M:%S")
    _dxp(trans_info, "MsgType").text = msg_type
    # The exact bytes (signature included) travel base64-encoded, untouched by re-serialisation.
    _dxp(root, "Data").text = base64.b64encode(xml).decode("ascii")
    return serialise(root)


def unwrap(xml: bytes) -> bytes:
    """The message carried in a DxpMsg's Data."""
    root = _parse(xml)
    if root.tag != f"{{{DXP_NS}}}DxpMsg":
        raise DxpError("not a DxpMsg")
    data = root.findtext(f"{{{DXP_NS}}}Data")
    if not data:
        raise DxpError("DxpMsg without Data")
    return base64.b64decode(data, validate=True)
