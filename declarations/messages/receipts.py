"""Hardened parsing of CEB receipt messages (回执) read from the exchange inbox.

Receipts come from outside our trust boundary (a shared folder), so parsing refuses anything that could make
the parser expand, fetch or allocate more than the file itself: DTDs and entities are rejected outright,
and the size is checked before any parsing. Receipts are correlated by business keys, never by guid alone
(the official samples echo different guids; domain notes §2.7.1 and §8.9).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext as _
from lxml import etree

CEB_NS = "http://www.chinaport.gov.cn/ceb"
CHINA_TZ = ZoneInfo("Asia/Shanghai")


class ReasonCode:
    """Stable reason codes of a rejected receipt (stored, shown to admins, matched in tests)."""

    TOO_LARGE = "RECEIPT_TOO_LARGE"
    TOO_MANY_ENTRIES = "RECEIPT_TOO_MANY_ENTRIES"
    NOT_XML = "RECEIPT_NOT_XML"
    DTD_FORBIDDEN = "RECEIPT_DTD_FORBIDDEN"
    WRONG_NAMESPACE = "RECEIPT_WRONG_NAMESPACE"
    UNKNOWN_ROOT = "RECEIPT_UNKNOWN_ROOT"
    UNEXPECTED_ELEMENT = "RECEIPT_UNEXPECTED_ELEMENT"
    MISSING_FIELD = "RECEIPT_MISSING_FIELD"
    DUPLICATE_FIELD = "RECEIPT_DUPLICATE_FIELD"
    BAD_FIELD = "RECEIPT_BAD_FIELD"
    BAD_STATUS = "RECEIPT_BAD_STATUS"
    BAD_TIME = "RECEIPT_BAD_TIME"


class ReceiptRejected(Exception):
    """A receipt that cannot be applied; the file is kept and the reason shown to admins."""

    def __init__(self, reason_code: str, message: str):
        super().__init__(reason_code, message)
        self.reason_code = reason_code
        self.message = message

    def __str__(self) -> str:
        return f"{self.reason_code}: {self.message}"


@dataclass(frozen=True)
class ReceiptType:
    """How one receipt type looks (fields in XSD order) and how it is correlated."""

    message_type: str
    return_element: str
    # Business keys between guid and returnStatus, in XSD order.
    key_fields: tuple[str, ...]
    # Keys that must carry a value: the parts of the primary correlation key.
    non_empty_fields: frozenset[str]
    # Keys that may be absent or empty: preNo/invtNo are only assigned later (PDF 表2-42 marks them optional).
    lenient_fields: frozenset[str]
    # Candidate correlation keys, most specific first; empty candidates are skipped.
    correlation: tuple[tuple[str, ...], ...]

    @property
    def root_element(self) -> str:
        return f"{self.message_type}Message"


RECEIPT_TYPES: dict[str, ReceiptType] = {
    t.message_type: t
    for t in (
        ReceiptType(
            "CEB304",
            "OrderReturn",
            ("ebpCode", "ebcCode", "orderNo"),
            frozenset({"ebcCode", "orderNo"}),
            frozenset(),
            (("ebcCode", "orderNo"),),
        ),
        ReceiptType(
            "CEB506",
            "LogisticsReturn",
            ("logisticsCode", "logisticsNo"),
            frozenset({"logisticsCode", "logisticsNo"}),
            frozenset(),
            (("logisticsCode", "logisticsNo"),),
        ),
        ReceiptType(
            "CEB508",
            "ArrivalReturn",
            ("operatorCode", "logisticsCode", "preNo", "copNo", "billNo", "msgSeqNo"),
            frozenset({"operatorCode", "copNo"}),
            # billNo may be empty for postal transport; msgSeqNo "未拆分的不填" in the XSD annotation.
            frozenset({"preNo", "billNo", "msgSeqNo"}),
            (("operatorCode", "copNo"), ("preNo",)),
        ),
        ReceiptType(
            "CEB510",
            "DepartureReturn",
            ("logisticsCode", "copNo", "preNo", "msgSeqNo"),
            frozenset({"logisticsCode", "copNo"}),
            frozenset({"preNo", "msgSeqNo"}),
            (("logisticsCode", "copNo"), ("preNo",)),
        ),
        ReceiptType(
            "CEB604",
            "InventoryReturn",
            ("agentCode", "copNo", "preNo", "invtNo", "ebcCode", "ebpCode", "orderNo", "statisticsFlag"),
            frozenset({"agentCode", "copNo"}),
            frozenset({"preNo", "invtNo"}),
            (("agentCode", "copNo"), ("preNo",), ("invtNo",)),
        ),
        ReceiptType(
            "CEB606",
            "InvtCancelReturn",
            ("agentCode", "copNo", "preNo", "invtNo"),
            frozenset({"agentCode", "copNo"}),
            frozenset({"preNo", "invtNo"}),
            (("agentCode", "copNo"), ("preNo",), ("invtNo",)),
        ),
        ReceiptType(
            "CEB608",
            "WayBillReturn",
            ("agentCode", "logisticsCode", "copNo", "preNo", "billNo", "msgSeqNo"),
            frozenset({"agentCode", "copNo"}),
            frozenset({"preNo", "msgSeqNo"}),
            (("agentCode", "copNo"), ("preNo",)),
        ),
    )
}
_BY_ROOT = {t.root_element: t for t in RECEIPT_TYPES.values()}

TAIL_FIELDS = ("returnStatus", "returnTime", "returnInfo")

# A DOCTYPE or ENTITY declaration anywhere is refused before lxml sees the bytes, also when the document
# is in one of the wide encodings XML parsers detect on their own.
_DTD_BYTES = [re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)] + [
    re.compile(
        b"|".join(re.escape(word.encode(encoding)) for word in ("<!DOCTYPE", "<!ENTITY")), re.IGNORECASE
    )
    for encoding in ("utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")
]
_STATUS = re.compile(r"-?[0-9]{1,9}")
_RETURN_TIME = re.compile(r"[0-9]{17}")


@dataclass(frozen=True)
class ReceiptEntry:
    """One *Return node of a receipt message."""

    message_type: str
    guid: str
    # Excluded from the hash so entries stay hashable (for de-duplication) despite the dict.
    keys: dict[str, str] = field(hash=False)
    return_status: str
    return_time: datetime
    return_info: str
    message_guid: str = ""

    def correlation_keys(self) -> list[tuple[str, ...]]:
        return correlation_keys(self)

    def correlation_key_fields(self) -> list[tuple[str, ...]]:
        return correlation_key_fields(self)


def _correlation_candidates(entry: ReceiptEntry) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    spec = RECEIPT_TYPES[entry.message_type]
    candidates = []
    for names in spec.correlation:
        values = tuple(entry.keys.get(name, "") for name in names)
        if all(values):
            candidates.append((names, values))
    return candidates


def correlation_keys(entry: ReceiptEntry) -> list[tuple[str, ...]]:
    """Business-key values to correlate with, most specific first.

    E.g. CEB604: (agentCode, copNo), (preNo,), (invtNo,); a candidate with an empty part is left out.
    `correlation_key_fields` gives the field names, position by position.
    """
    return [values for _names, values in _correlation_candidates(entry)]


def correlation_key_fields(entry: ReceiptEntry) -> list[tuple[str, ...]]:
    """Field names of `correlation_keys(entry)`, position by position."""
    return [names for names, _values in _correlation_candidates(entry)]


def parse_return_time(text: str) -> datetime:
    """Parse yyyyMMddHHmmssfff (China time) into an aware datetime; ValueError when malformed."""
    if not _RETURN_TIME.fullmatch(text):
        raise ValueError(text)
    # Sliced by position: strptime would accept 1-digit months and days and misread a bad value.
    parts = [int(text[a:b]) for a, b in ((0, 4), (4, 6), (6, 8), (8, 10), (10, 12), (12, 14), (14, 17))]
    *date_time, millis = parts
    return datetime(*date_time, millis * 1000, tzinfo=CHINA_TZ)


def format_return_time(value: datetime) -> str:
    """Format a datetime as yyyyMMddHHmmssfff in China time (naive values are taken as China time)."""
    local = value.astimezone(CHINA_TZ) if value.tzinfo else value
    return local.strftime("%Y%m%d%H%M%S") + f"{local.microsecond // 1000:03d}"


def _new_parser() -> etree.XMLParser:
    # A fresh parser per call: lxml parsers keep state and are not meant to be shared between threads.
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        dtd_validation=False,
        remove_comments=True,
        remove_pis=True,
        collect_ids=False,
    )


def _parse_xml(data: bytes) -> etree._Element:
    if any(pattern.search(data) for pattern in _DTD_BYTES):
        raise ReceiptRejected(
            ReasonCode.DTD_FORBIDDEN, _("The receipt contains a DOCTYPE or ENTITY declaration.")
        )
    try:
        root = etree.fromstring(data, _new_parser())
    except (etree.XMLSyntaxError, ValueError) as exc:
        # The lxml message is left out on purpose: it may quote parts of the hostile input.
        raise ReceiptRejected(ReasonCode.NOT_XML, _("The receipt is not well-formed XML.")) from exc
    if root is None:
        raise ReceiptRejected(ReasonCode.NOT_XML, _("The receipt is not well-formed XML."))
    # Second line of defence: encodings such as UTF-16 hide a DOCTYPE from the byte check.
    docinfo = root.getroottree().docinfo
    if docinfo.internalDTD is not None or docinfo.externalDTD is not None or docinfo.doctype:
        raise ReceiptRejected(
            ReasonCode.DTD_FORBIDDEN, _("The receipt contains a DOCTYPE or ENTITY declaration.")
        )
    if any(True for _node in root.iter(etree.Entity)):
        raise ReceiptRejected(ReasonCode.DTD_FORBIDDEN, _("The receipt contains an entity reference."))
    return root


def _field_text(node: etree._Element, name: str, *, required: bool) -> str | None:
    found = node.findall(f"{{{CEB_NS}}}{name}")
    if not found:
        if required:
            raise ReceiptRejected(
                ReasonCode.MISSING_FIELD,
                _("Element %(element)s is missing in %(parent)s.")
                % {"element": name, "parent": etree.QName(node).localname},
            )
        return None
    if len(found) > 1:
        raise ReceiptRejected(
            ReasonCode.DUPLICATE_FIELD,
            _("Element %(element)s occurs more than once in %(parent)s.")
            % {"element": name, "parent": etree.QName(node).localname},
        )
    element = found[0]
    if len(element):
        raise ReceiptRejected(
            ReasonCode.BAD_FIELD, _("Element %(element)s must contain only text.") % {"element": name}
        )
    return (element.text or "").strip()


def _parse_entry(node: etree._Element, spec: ReceiptType, message_guid: str) -> ReceiptEntry:
    guid = _field_text(node, "guid", required=True)
    keys: dict[str, str] = {}
    for name in spec.key_fields:
        value = _field_text(node, name, required=name not in spec.lenient_fields) or ""
        if not value and name in spec.non_empty_fields:
            raise ReceiptRejected(
                ReasonCode.MISSING_FIELD,
                _("Element %(element)s in %(parent)s is empty.")
                % {"element": name, "parent": spec.return_element},
            )
        keys[name] = value

    status = _field_text(node, "returnStatus", required=True)
    if not status:
        raise ReceiptRejected(
            ReasonCode.MISSING_FIELD,
            _("Element %(element)s in %(parent)s is empty.")
            % {"element": "returnStatus", "parent": spec.return_element},
        )
    if not _STATUS.fullmatch(status):
        raise ReceiptRejected(
            ReasonCode.BAD_STATUS,
            _("Element %(element)s is not an integer status code.") % {"element": "returnStatus"},
        )

    time_text = _field_text(node, "returnTime", required=True)
    try:
        return_time = parse_return_time(time_text)
    except ValueError:
        raise ReceiptRejected(
            ReasonCode.BAD_TIME,
            _("Element %(element)s is not a time in the format yyyyMMddHHmmssfff.")
            % {"element": "returnTime"},
        ) from None

    # returnInfo is informative only: a receipt without it still carries a status worth applying.
    info = _field_text(node, "returnInfo", required=False) or ""
    return ReceiptEntry(
        message_type=spec.message_type,
        guid=guid,
        keys=keys,
        return_status=status,
        return_time=return_time,
        return_info=info,
        message_guid=message_guid,
    )


def max_entries() -> int:
    """Entries one receipt file may hold: the XSD allows 100 *Return nodes per message (maxOccurs), and
    applying a file is one transaction, which must stay short."""
    return int(getattr(settings, "RECEIPT_MAX_ENTRIES", 100))


def parse_receipt(
    data: bytes, *, max_bytes: int | None = None, entry_limit: int | None = None
) -> list[ReceiptEntry]:
    """Parse a receipt message into its entries, or raise ReceiptRejected with a stable reason code."""
    limit = settings.RECEIPT_MAX_BYTES if max_bytes is None else max_bytes
    entry_limit = max_entries() if entry_limit is None else entry_limit
    if len(data) > limit:
        raise ReceiptRejected(
            ReasonCode.TOO_LARGE,
            _("The receipt is %(size)d bytes, more than the limit of %(limit)d bytes.")
            % {"size": len(data), "limit": limit},
        )
    root = _parse_xml(data)

    qname = etree.QName(root)
    if qname.namespace != CEB_NS:
        raise ReceiptRejected(
            ReasonCode.WRONG_NAMESPACE,
            _("Root element %(element)s is not in the namespace %(namespace)s.")
            % {"element": qname.localname, "namespace": CEB_NS},
        )
    spec = _BY_ROOT.get(qname.localname)
    if spec is None:
        raise ReceiptRejected(
            ReasonCode.UNKNOWN_ROOT,
            _("Root element %(element)s is not a supported receipt.") % {"element": qname.localname[:100]},
        )

    expected = f"{{{CEB_NS}}}{spec.return_element}"
    nodes = []
    for child in root:
        if child.tag != expected:
            raise ReceiptRejected(
                ReasonCode.UNEXPECTED_ELEMENT,
                _("Element %(element)s is not expected in %(parent)s.")
                % {"element": etree.QName(child).localname[:100], "parent": spec.root_element},
            )
        nodes.append(child)
        if len(nodes) > entry_limit:
            raise ReceiptRejected(
                ReasonCode.TOO_MANY_ENTRIES,
                _("The receipt holds more than %(limit)d entries; at most %(limit)d are accepted per file.")
                % {"limit": entry_limit},
            )
    if not nodes:
        raise ReceiptRejected(
            ReasonCode.MISSING_FIELD,
            _("Element %(element)s is missing in %(parent)s.")
            % {"element": spec.return_element, "parent": spec.root_element},
        )
    message_guid = (root.get("guid") or "").strip()
    return [_parse_entry(node, spec, message_guid) for node in nodes]


def parse_receipt_file(path: Path, *, max_bytes: int | None = None) -> list[ReceiptEntry]:
    """Read and parse a receipt file without reading more than the size limit into memory."""
    limit = settings.RECEIPT_MAX_BYTES if max_bytes is None else max_bytes
    with open(path, "rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise ReceiptRejected(
            ReasonCode.TOO_LARGE,
            _("The receipt is more than the limit of %(limit)d bytes.") % {"limit": limit},
        )
    return parse_receipt(data, max_bytes=limit)
