"""Render CEB receipt messages for the customs simulator and tests (the portal itself only reads them)."""

from __future__ import annotations

import uuid
from datetime import datetime

from lxml import etree

from .receipts import CEB_NS, RECEIPT_TYPES, TAIL_FIELDS, format_return_time

_XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'
_MAX_ENTRIES = 100  # XSD maxOccurs of every *Return node


def _new_guid() -> str:
    return str(uuid.uuid4()).upper()


def _text(value: object) -> str:
    if isinstance(value, datetime):
        return format_return_time(value)
    return "" if value is None else str(value)


def render_receipt(message_type: str, entries: list[dict], *, guid: str | None = None) -> bytes:
    """Build a receipt message (e.g. "CEB604") with one *Return node per dict, fields in XSD order.

    Each dict holds the business keys of the receipt type plus returnStatus, returnTime (17-digit text or a
    datetime) and returnInfo; "guid" is optional (a new uppercase UUID otherwise). Lenient keys (preNo,
    invtNo, ...) may be omitted and are then rendered empty, as early receipts carry them; such a message
    does not validate against the XSD (preNo is exactly 18 characters there), like the real ones.
    """
    spec = RECEIPT_TYPES.get(message_type.removesuffix("Message"))
    if spec is None:
        raise ValueError(f"unsupported receipt type: {message_type}")
    if not 1 <= len(entries) <= _MAX_ENTRIES:
        raise ValueError(f"a receipt carries 1 to {_MAX_ENTRIES} entries, got {len(entries)}")

    allowed = {"guid", *spec.key_fields, *TAIL_FIELDS}
    root = etree.Element(f"{{{CEB_NS}}}{spec.root_element}", nsmap={"ceb": CEB_NS})
    root.set("guid", (guid or _new_guid()).upper())
    root.set("version", "1.0")
    for number, entry in enumerate(entries, start=1):
        unknown = set(entry) - allowed
        if unknown:
            raise ValueError(f"entry {number}: unknown fields for {spec.message_type}: {sorted(unknown)}")
        node = etree.SubElement(root, f"{{{CEB_NS}}}{spec.return_element}")
        values = {"returnInfo": "", **entry, "guid": entry.get("guid") or _new_guid()}
        for name in ("guid", *spec.key_fields, *TAIL_FIELDS):
            if name not in values and name not in spec.lenient_fields:
                raise ValueError(f"entry {number}: missing field {name} for {spec.message_type}")
            etree.SubElement(node, f"{{{CEB_NS}}}{name}").text = _text(values.get(name))
    return _XML_DECLARATION + etree.tostring(root, encoding="UTF-8", pretty_print=True)
