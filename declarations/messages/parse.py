"""Reading a CEB export message back into unsaved declarations, so the rules engine can judge any message.

Used by ``check_message`` for messages we rendered and ones produced elsewhere. Each business node becomes a
``ParsedDeclaration``: an unsaved Declaration, its lines, and the element path of every field, so a finding on
(field, gnum) can be reported at ``/ceb:CEB603Message/ceb:Inventory[1]/ceb:InventoryList[2]/ceb:gcode``.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from lxml import etree

from declarations.models import CEB_HEAD_FIELDS, CEB_LINE_FIELDS, Declaration, DeclarationLine, Enterprise

CEB_NS = "http://www.chinaport.gov.cn/ceb"
_Q = f"{{{CEB_NS}}}"

# message root -> (business node, head element or None when the node is the head, line element, mode field)
LAYOUTS = {
    "CEB303Message": ("Order", "OrderHead", "OrderList"),
    "CEB603Message": ("Inventory", "InventoryHead", "InventoryList"),
}
ORDER_TYPE_MODE = {"B": "9710", "W": "9810"}
_DECIMAL_FIELDS = {
    "freight",
    "insured_fee",
    "gross_weight",
    "net_weight",
    "qty",
    "qty1",
    "qty2",
    "price",
    "total_price",
}


@dataclass
class ParsedDeclaration:
    message_type: str
    declaration: Declaration
    lines: list[DeclarationLine]
    paths: dict[tuple[str, int | None], str] = field(default_factory=dict)
    extras: dict[str, str] = field(
        default_factory=dict
    )  # elements without a model field (orderType, goodsValue...)
    node_path: str = ""

    def path_for(self, name: str, gnum: int | None) -> str:
        return self.paths.get((name, gnum)) or self.paths.get((name, None)) or self.node_path


def _value(attr: str, text: str):
    if attr in _DECIMAL_FIELDS:
        try:
            return Decimal(text)
        except InvalidOperation:
            return None
    if attr == "ie_date":
        try:
            return date(int(text[:4]), int(text[4:6]), int(text[6:8]))
        except ValueError:
            return None
    if attr in ("pack_no", "gnum"):
        return int(text) if text.isdigit() else None
    return text


def _fill(obj, element, mapping: dict[str, str], paths: dict, gnum: int | None, base: str, extras=None):
    for child in element:
        if not isinstance(child.tag, str) or not child.tag.startswith(_Q):
            continue
        name = etree.QName(child).localname
        text = (child.text or "").strip()
        paths[(name, gnum)] = f"{base}/ceb:{name}"
        attr = mapping.get(name)
        if attr is not None:
            setattr(obj, attr, _value(attr, text))
        elif extras is not None:
            extras[name] = text


def _party(code: str, name: str) -> Enterprise:
    if len(code) == 18:
        return Enterprise(uscc=code, name=name)
    return Enterprise(uscc="", customs_code=code, name=name)


def parse_business_nodes(root) -> list[ParsedDeclaration]:
    """Every Order / Inventory node of a CEB303 or CEB603 message; other messages give an empty list."""
    root_name = etree.QName(root).localname
    if root_name not in LAYOUTS:
        return []
    node_name, head_name, line_name = LAYOUTS[root_name]
    parsed = []
    for n, node in enumerate(root.findall(f"{_Q}{node_name}"), start=1):
        node_path = f"/ceb:{root_name}/ceb:{node_name}[{n}]"
        declaration = Declaration(channel="list")
        paths: dict = {}
        extras: dict = {}
        head = node.find(f"{_Q}{head_name}")
        if head is not None:
            _fill(declaration, head, CEB_HEAD_FIELDS, paths, None, f"{node_path}/ceb:{head_name}", extras)
        # Parties appear as code + name; unsaved Enterprise objects let the identifier rules judge them.
        declaration.enterprise = _party(extras.get("ebcCode", ""), extras.get("ebcName", ""))
        declaration.agent = (
            _party(extras.get("agentCode", ""), extras.get("agentName", ""))
            if head_name == "InventoryHead"
            else declaration.enterprise
        )
        mode = extras.get("tradeMode") or ORDER_TYPE_MODE.get(extras.get("orderType", ""), "")
        declaration.mode = mode
        lines = []
        for i, line_el in enumerate(node.findall(f"{_Q}{line_name}"), start=1):
            line = DeclarationLine(declaration=declaration)
            line_paths: dict = {}
            _fill(line, line_el, CEB_LINE_FIELDS, line_paths, i, f"{node_path}/ceb:{line_name}[{i}]")
            # Findings carry the line's own gnum when it is valid (rules.fields.line_ref), else its position.
            gnum = line.gnum if isinstance(line.gnum, int) and 0 < line.gnum < 100_000 else i
            line.gnum = gnum
            paths.update({(name, gnum): path for (name, _pos), path in line_paths.items()})
            lines.append(line)
        parsed.append(
            ParsedDeclaration(
                message_type=root_name[:6],
                declaration=declaration,
                lines=lines,
                paths=paths,
                extras=extras,
                node_path=node_path,
            )
        )
    return parsed
