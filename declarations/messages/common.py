"""Building blocks shared by the CEB renderers: namespaces, the XSD-ordered element builder, value formatting,
the envelope (root + BaseTransfer) and serialisation.

Renderers are pure: they read the objects they are given (saved or not) and never query the database.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from lxml import etree

from declarations.identifiers import new_guid

CEB_NS = "http://www.chinaport.gov.cn/ceb"
CEB_PREFIX = "ceb"
DS_NS = "http://www.w3.org/2000/09/xmldsig#"
DS_PREFIX = "ds"
NSMAP = {CEB_PREFIX: CEB_NS}
MESSAGE_VERSION = "1.0"
CHINA_TZ = ZoneInfo("Asia/Shanghai")
XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'

# XSD maxOccurs of OrderList / InventoryList; more lines must become separate declarations, never a silent split.
MAX_LINES = 100
MAX_FRACTION_DIGITS = 5  # N19,5

APP_TYPES = frozenset({"1", "2", "3"})  # 1 new, 2 change, 3 delete
APP_STATUS_DRAFT = "1"  # 暂存: the official client signs and declares
APP_STATUS_DECLARE = "2"  # 申报: needs a business signature (ds:Signature)
APP_STATUSES = frozenset({APP_STATUS_DRAFT, APP_STATUS_DECLARE})
IE_FLAG_EXPORT = "E"
DXP_MODE = "DXP"
# Shown in dxpId when the transmitting enterprise has no DXP id yet; obviously not a real id, and ≤ 16
# characters so it also fits the DxpMsg SenderId.
DEFAULT_DXP_ID_PLACEHOLDER = "DXPID-NOT-SET"

# Supervision mode -> CEB303 orderType (B2B export order / overseas-warehouse booking order).
ORDER_TYPE_BY_MODE = {"9710": "B", "9810": "W"}
NO_PLATFORM_CODE = "无"  # foreign platform without a customs code (spec §1.2)
NO_BARCODE = "无"
NO_OWNER_CODE = "NO"  # producer not registered with customs (spec §2.7.5)

_GUID_RE = re.compile(r"^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$")


class RenderError(ValueError):
    """The declaration cannot be rendered as this message; the message names what is missing or wrong."""


class MissingField(RenderError):
    def __init__(self, node: str, field: str, hint: str = ""):
        self.node = node
        self.field = field
        super().__init__(f"{node}.{field} is required" + (f": {hint}" if hint else ""))


class TooManyLines(RenderError):
    """More goods lines than one order or list may carry; the rules engine reports the same as a finding."""

    def __init__(self, message_type: str, count: int, limit: int = MAX_LINES):
        self.message_type = message_type
        self.count = count
        self.limit = limit
        super().__init__(
            f"{message_type}: {count} goods lines, at most {limit} are allowed per order or list; "
            "split the shipment into several declarations"
        )


@dataclass(frozen=True)
class Rendered:
    message_type: str  # "CEB303", without the "Message" suffix
    guid: str  # root guid, also the outbox file name
    content: bytes
    signed: bool = False


@dataclass(frozen=True)
class XsdField:
    name: str
    required: bool


def xsd_sequence(spec: str) -> tuple[XsdField, ...]:
    """Element names in XSD order, whitespace-separated; a trailing "?" marks an optional element."""
    return tuple(XsdField(name.rstrip("?"), not name.endswith("?")) for name in spec.split())


def ceb(name: str) -> str:
    return f"{{{CEB_NS}}}{name}"


def format_decimal(value: Decimal | int | float | str) -> str:
    """Plain notation for N19,5: normalised (no trailing zeros), never an exponent, at most 5 fraction digits.

    More fraction digits raise instead of rounding: an amount must not change on its way into a message.
    """
    if isinstance(value, bool):
        raise TypeError("a boolean is not a decimal")
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except InvalidOperation as exc:
        raise RenderError(f"not a number: {value!r}") from exc
    if not number.is_finite():
        raise RenderError(f"not a finite number: {value!r}")
    if number.is_zero():
        return "0"
    number = number.normalize()
    if -number.as_tuple().exponent > MAX_FRACTION_DIGITS:
        raise RenderError(f"{value} has more than {MAX_FRACTION_DIGITS} fraction digits")
    return format(number, "f")


def china_time(at: datetime | None = None) -> datetime:
    at = at or timezone.now()
    if timezone.is_naive(at):
        # Naive values are taken as China time, the project's TIME_ZONE.
        return at.replace(tzinfo=CHINA_TZ)
    return at.astimezone(CHINA_TZ)


def app_time(at: datetime | None = None) -> str:
    """appTime (and leaveTime): YYYYMMDDhhmmss in China time; now unless `at` is given."""
    if at is None:
        return _app_time_text(china_time())
    return _app_time_of(at)


@lru_cache(maxsize=64)
def _app_time_of(at: datetime) -> str:
    # A bulk submission stamps every message with one `at`: converted and formatted once, not 30,000 times.
    return _app_time_text(china_time(at))


def _app_time_text(at: datetime) -> str:
    return at.strftime("%Y%m%d%H%M%S")


def ie_date(value: date) -> str:
    """ieDate: YYYYMMDD."""
    if isinstance(value, datetime):
        value = china_time(value).date()
    return value.strftime("%Y%m%d")


def check_guid(value: str | None) -> str:
    """A given guid is upper-cased and must be a 36-character UUID; None gets a new one."""
    if value is None:
        return new_guid()
    guid = str(value).upper()
    if not _GUID_RE.match(guid):
        raise RenderError(f"not a 36-character guid: {value!r}")
    return guid


def check_app_type(value: str | int) -> str:
    text = str(value)
    if text not in APP_TYPES:
        raise RenderError(f"appType must be one of 1 (new), 2 (change), 3 (delete), not {value!r}")
    return text


def check_app_status(value: str | int) -> str:
    text = str(value)
    if text not in APP_STATUSES:
        raise RenderError(f"appStatus must be 1 (stored) or 2 (declared), not {value!r}")
    return text


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        raise TypeError("booleans have no CEB representation; map them to a code first")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal | float):
        return format_decimal(value)
    # Dates have several CEB formats (C8, C14); the renderer must choose one explicitly.
    raise TypeError(f"cannot render {type(value).__name__} as CEB text; format it first")


# --- fast text builder ------------------------------------------------------------------------------------------
#
# Rendering builds tens of thousands of messages in a bulk import; an lxml tree costs about 2 µs per element
# before serialisation. The builder below writes the same pretty-printed text directly, byte for byte what
# ``serialise(tree)`` gives for the same elements built with lxml (tests/messages/lxml_reference.py keeps that
# lxml builder as the oracle; tests/messages/test_golden_render.py compares the two).

# lxml refuses these in text with exactly this message (U+FFFE/U+FFFF too); surrogates fail when encoding.
_LXML_INVALID_TEXT = (
    "All strings must be XML compatible: Unicode or ASCII, no NULL bytes or control characters"
)
_INVALID_XML_CHAR = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_DECIMAL_TEXT: dict[Decimal, str] = {}  # equal Decimals have one normalised text; only successes are kept
_DECIMAL_TEXT_MAX = 4096


def _decimal_text(value: Decimal) -> str:
    text = _DECIMAL_TEXT.get(value)
    if text is None:
        text = format_decimal(value)
        if len(_DECIMAL_TEXT) >= _DECIMAL_TEXT_MAX:
            _DECIMAL_TEXT.clear()
        _DECIMAL_TEXT[value] = text
    return text


def _escaped(node: str, name: str, text: str) -> str:
    """Text content as libxml2 writes it, raising where lxml refuses the string."""
    if not text.isprintable():
        # Rare: non-printable characters (control, surrogate, U+FFFE/F, also tab/newline, NBSP ...).
        try:
            text.encode("utf-8")
            if _INVALID_XML_CHAR.search(text):
                raise ValueError(_LXML_INVALID_TEXT)
        except ValueError as exc:  # UnicodeEncodeError included, as with lxml
            raise RenderError(f"{node}.{name}: {exc}") from exc
        if "\r" in text:
            text = text.replace("\r", "\x00")  # placeholder: "&" is escaped below, "&#13;" must stay
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    if "\x00" in text:
        text = text.replace("\x00", "&#13;")
    return text


class Node:
    """An element of a message with its XSD-ordered children, compiled once per module at a given depth.

    ``depth`` is the element's nesting level below the root (BaseTransfer: 1, OrderList: 2); it fixes the
    indentation of the pretty-printed output.
    """

    __slots__ = ("name", "names", "open", "close", "children")

    def __init__(self, name: str, fields: Sequence[XsdField], depth: int):
        indent = "  " * depth
        self.name = name
        self.names = frozenset(field.name for field in fields)
        self.open = f"{indent}<{CEB_PREFIX}:{name}>\n"
        self.close = f"{indent}</{CEB_PREFIX}:{name}>\n"
        child = indent + "  "
        # (name, required, start tag with indentation, end tag with newline)
        self.children = tuple(
            (f.name, f.required, f"{child}<{CEB_PREFIX}:{f.name}>", f"</{CEB_PREFIX}:{f.name}>\n")
            for f in fields
        )


class Container:
    """An element holding only other elements (Order, Inventory ...)."""

    __slots__ = ("open", "close")

    def __init__(self, name: str, depth: int):
        indent = "  " * depth
        self.open = f"{indent}<{CEB_PREFIX}:{name}>\n"
        self.close = f"{indent}</{CEB_PREFIX}:{name}>\n"


class MessageWriter:
    """Writes one message as text: root, then nodes and containers in document order, then ``finish()``.

    Empty optional elements are omitted, an empty required one raises MissingField,
    a value for an unknown element raises RenderError. The guid attribute is always a checked guid
    (``check_guid``), so it needs no escaping.
    """

    __slots__ = ("parts", "close")

    def __init__(self, message_type: str, guid: str):
        self.parts = [
            f'<?xml version="1.0" encoding="UTF-8"?>\n<{CEB_PREFIX}:{message_type}Message '
            f'xmlns:{CEB_PREFIX}="{CEB_NS}" guid="{guid}" version="{MESSAGE_VERSION}">\n'
        ]
        self.close = f"</{CEB_PREFIX}:{message_type}Message>\n"

    def open(self, container: Container) -> None:
        self.parts.append(container.open)

    def end(self, container: Container) -> None:
        self.parts.append(container.close)

    def node(self, node: Node, values: Mapping[str, object]) -> None:
        if not node.names.issuperset(values):
            unknown = set(values) - node.names
            raise RenderError(f"{node.name}: no such elements {sorted(unknown)}")
        parts = [node.open]
        append = parts.append
        get = values.get
        name_of = node.name
        for name, required, start, end in node.children:
            value = get(name)
            # Fast paths for the common types; everything else takes _text's rules and errors.
            kind = type(value)
            if kind is str:
                text = value.strip()
            elif kind is Decimal:
                text = _decimal_text(value)
            elif value is None:
                text = ""
            else:
                text = _text(value)
            if not text:
                if required:
                    raise MissingField(name_of, name)
                continue
            if text.isprintable() and "&" not in text and "<" not in text and ">" not in text:
                append(start + text + end)  # the common case: nothing to check or escape
            else:
                append(start + _escaped(name_of, name, text) + end)
        append(node.close)
        self.parts.extend(parts)

    def finish(self) -> bytes:
        self.parts.append(self.close)
        return "".join(self.parts).encode("utf-8")


BASE_TRANSFER = xsd_sequence("copCode copName dxpMode dxpId note?")


def dxp_id_for(enterprise) -> str:
    return enterprise.dxp_id or getattr(settings, "DXP_ID_PLACEHOLDER", DEFAULT_DXP_ID_PLACEHOLDER)


BASE_TRANSFER_NODE = Node("BaseTransfer", BASE_TRANSFER, 1)


def write_base_transfer(writer: MessageWriter, enterprise) -> None:
    """BaseTransfer of the transmitting enterprise: its CEB code and name, and its DXP id (or the placeholder)."""
    writer.node(
        BASE_TRANSFER_NODE,
        {
            "copCode": enterprise.ceb_code,
            "copName": enterprise.name,
            "dxpMode": DXP_MODE,
            "dxpId": dxp_id_for(enterprise),
        },
    )


def serialise(root: etree._Element, *, pretty: bool = True) -> bytes:
    """UTF-8 bytes with an XML declaration in double quotes, no BOM.

    Signed documents are written with pretty=False: added whitespace would change what was signed.
    """
    return XML_DECLARATION + etree.tostring(root, encoding="UTF-8", pretty_print=pretty)


def check_line_count(message_type: str, lines: Sequence) -> None:
    if len(lines) > MAX_LINES:
        raise TooManyLines(message_type, len(lines))
    if not lines:
        raise RenderError(f"{message_type}: a declaration without goods lines cannot be rendered")


def sorted_lines(lines: Iterable) -> list:
    return sorted(lines, key=lambda line: line.gnum)


def order_type(declaration) -> str:
    try:
        return ORDER_TYPE_BY_MODE[declaration.mode]
    except KeyError:
        raise RenderError(f"unknown supervision mode {declaration.mode!r}; expected 9710 or 9810") from None


def platform_code_and_name(declaration) -> tuple[str, str]:
    """ebpCode / ebpName as CEB303 and CEB603 carry them: for 9810 the name is the overseas warehouse's."""
    code = declaration.ebp_code or NO_PLATFORM_CODE
    if declaration.mode == "9810":
        if declaration.warehouse is None:
            raise MissingField("OrderHead", "ebpName", "a 9810 declaration needs an overseas warehouse")
        return code, declaration.warehouse.name
    return code, declaration.ebp_name


def item_name(line) -> str:
    """itemName falls back to the goods name; the order requires it, the list uses it as the refund name."""
    return line.item_name or line.gname


def goods_value(lines: Iterable) -> Decimal:
    return sum((line.total_price or Decimal("0") for line in lines), Decimal("0"))
