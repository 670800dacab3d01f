"""The lxml builder the renderers used before the text builder (declarations.messages.common.MessageWriter).

Kept only as the oracle the golden tests compare the text builder with: same bytes, same exceptions.
"""

from collections.abc import Mapping, Sequence

from lxml import etree

from declarations.messages.common import (
    BASE_TRANSFER,
    DXP_MODE,
    MESSAGE_VERSION,
    NSMAP,
    MissingField,
    RenderError,
    XsdField,
    _text,
    ceb,
    dxp_id_for,
)


def add_node(
    parent: etree._Element, node: str, fields: Sequence[XsdField], values: Mapping[str, object]
) -> etree._Element:
    """Append <ceb:node> with its children in the given XSD order.

    Empty optional elements are omitted; an empty required element raises MissingField; a value for an element
    not in `fields` raises, so a misspelt name cannot silently disappear.
    """
    unknown = set(values) - {f.name for f in fields}
    if unknown:
        raise RenderError(f"{node}: no such elements {sorted(unknown)}")
    element = etree.SubElement(parent, ceb(node))
    for field in fields:
        text = _text(values.get(field.name))
        if not text:
            if field.required:
                raise MissingField(node, field.name)
            continue
        try:
            etree.SubElement(element, ceb(field.name)).text = text
        except ValueError as exc:  # control characters and the like
            raise RenderError(f"{node}.{field.name}: {exc}") from exc
    return element


def message_root(message_type: str, guid: str) -> etree._Element:
    root = etree.Element(ceb(f"{message_type}Message"), nsmap=NSMAP)
    root.set("guid", guid)
    root.set("version", MESSAGE_VERSION)
    return root


def base_transfer(enterprise, parent: etree._Element | None = None) -> etree._Element:
    """BaseTransfer of the transmitting enterprise: its CEB code and name, and its DXP id (or the placeholder)."""
    holder = parent if parent is not None else etree.Element("holder")
    return add_node(
        holder,
        "BaseTransfer",
        BASE_TRANSFER,
        {
            "copCode": enterprise.ceb_code,
            "copName": enterprise.name,
            "dxpMode": DXP_MODE,
            "dxpId": dxp_id_for(enterprise),
        },
    )
