"""XSD-level checks of single values: required, lengths, N19,5 decimals, integers, dates, lines 1..n (≤ 100).

The limits are those of the CEB 202205 export schema (domain notes §2.7) for the fields a declaration holds.
An element the renderer fills by itself when empty (ebpCode 无, ebpName of the 9810 warehouse, itemName from
gname, barCode 无, ownerCode from the exporter, POD from country, goodsInfo from the goods names) is optional
here. Values may be of any type (unsaved form or spreadsheet objects): the helpers below never raise.
"""

from __future__ import annotations

import datetime
import decimal
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from django.core.exceptions import ObjectDoesNotExist

from declarations.choices import Channel, Mode
from declarations.identifiers import identifier_characters_ok

from .finding import Finding

MAX_LINES = 100
NO_OWNER_CODE = "NO"  # producer not registered with customs

# Characters XML 1.0 cannot carry; lxml refuses them when rendering.
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


# --- reading values of any type without raising ---


def text_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return str(value)


def decimal_value(value) -> Decimal | None:
    """A finite Decimal, or None for anything empty, non-numeric, NaN or infinite."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        value = repr(value)
    if isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except (InvalidOperation, ValueError):
            return None
        return number if number.is_finite() else None
    return None


def digits(value: Decimal) -> tuple[int, int]:
    """(integer digits, fraction digits) of a finite Decimal, trailing fraction zeros ignored.

    Works on the digit tuple, not normalize(), which would round to the context precision.
    """
    _sign, digit_tuple, exponent = value.as_tuple()
    if not any(digit_tuple):
        return 0, 0
    significant = len(digit_tuple)
    while exponent < 0 and digit_tuple[significant - 1] == 0:
        significant -= 1
        exponent += 1
    return max(0, significant + exponent), max(0, -exponent)


# Rounding to ≤ 10 decimals of a value with ≤ 80 integer digits is exact in this context (never traps).
_EXACT = decimal.Context(prec=100, Emax=decimal.MAX_EMAX, Emin=decimal.MIN_EMIN)
_QUANTA = {places: Decimal(1).scaleb(-places) for places in range(11)}
_INT_LIMIT = 10**18


def fits(value: Decimal, integer: int = 14, fraction: int = 5) -> bool:
    # Same answer as comparing digits(value), without building its digit tuple (the hot path of every import):
    # |value| < 10**integer, and rounding to ``fraction`` places leaves it unchanged.
    if value.is_finite() and 0 <= integer <= 80 and fraction in _QUANTA:
        if not value:
            return True
        return value.adjusted() < integer and value == value.quantize(_QUANTA[fraction], context=_EXACT)
    int_digits, frac_digits = digits(value)
    return int_digits <= integer and frac_digits <= fraction


def amount(value) -> Decimal | None:
    """The value as a non-negative N19,5 Decimal, else None (fields.py reports why)."""
    if type(value) is Decimal:  # the usual case, without the conversions below
        return value if value.is_finite() and value >= 0 and fits(value) else None
    number = decimal_value(value)
    if number is None or number < 0 or not fits(number):
        return None
    return number


def int_value(value) -> int | None:
    """An integer of at most 18 digits, else None (larger ones are reported as DECIMAL_PRECISION)."""
    if type(value) is int:  # the reader's integers: no Decimal round trip
        return value if -_INT_LIMIT < value < _INT_LIMIT else None
    if isinstance(value, bool):
        return None
    number = decimal_value(value)
    if number is None:
        return None
    int_digits, frac_digits = digits(number)
    if frac_digits or int_digits > 18:
        return None
    return int(number)


def related(obj, name: str):
    """A foreign-key object, or None when unset (unsaved instances raise on a missing required relation)."""
    try:
        return getattr(obj, name)
    except (ObjectDoesNotExist, AttributeError):  # RelatedObjectDoesNotExist is both
        return None


_CHANNELS = {value: Channel(value).value for value in Channel.values}


def channel_of(head) -> str:
    """The explicitly chosen channel, "" when none (or not a known channel)."""
    channel = getattr(head, "channel", "")
    if type(channel) is str:  # the usual case: one dict lookup instead of building Channel.values
        return _CHANNELS.get(channel, "")
    return Channel(channel).value if channel in Channel.values else ""


def is_list(channel: str) -> bool:
    return channel == Channel.LIST


def line_ref(line, index: int) -> int:
    """The gnum a line's findings carry: its own when valid, else its position (1-based)."""
    gnum = int_value(getattr(line, "gnum", None))
    return gnum if gnum is not None and 0 < gnum < 100_000 else index + 1


# --- the field specifications, in CEB element order ---

ALWAYS, LIST_ONLY, OPTIONAL = "always", "list", "optional"


@dataclass(frozen=True)
class Text:
    ceb: str
    attr: str
    max: int
    min: int = 0
    required: str = ALWAYS
    identifier: bool = False  # a number (copNo, orderNo, waybill...): identifier_characters_ok applies


@dataclass(frozen=True)
class Number:
    ceb: str
    attr: str
    required: str = ALWAYS
    integer: int = 14  # N19,5
    fraction: int = 5
    positive: bool = False  # zero not allowed either


@dataclass(frozen=True)
class Date:
    ceb: str
    attr: str
    required: str = ALWAYS


HEAD_FIELDS: tuple[Text | Number | Date, ...] = (
    Text("customsCode", "customs_code", 4, 4),
    Text("portCode", "port_code", 4, 4),
    Text("ebpCode", "ebp_code", 18, required=OPTIONAL),
    Text("ebpName", "ebp_name", 100),  # 9810: the warehouse's name is sent instead, see check_head
    Text("orderNo", "order_no", 60, identifier=True),
    Text("logisticsCode", "logistics_code", 18, required=LIST_ONLY),
    Text("logisticsName", "logistics_name", 100, required=LIST_ONLY),
    Text("logisticsNo", "logistics_no", 32, required=LIST_ONLY, identifier=True),
    Text("copNo", "cop_no", 30, identifier=True),
    Text("ownerCode", "owner_code", 18, required=OPTIONAL),
    Text("ownerName", "owner_name", 100, required=OPTIONAL),
    Date("ieDate", "ie_date", required=LIST_ONLY),
    Text("trafMode", "traf_mode", 1, 1),
    Text("trafName", "traf_name", 100, required=OPTIONAL),
    Text("voyageNo", "voyage_no", 32, required=OPTIONAL, identifier=True),
    Text("billNo", "bill_no", 37, required=OPTIONAL, identifier=True),
    Text("totalPackageNo", "total_package_no", 37, required=OPTIONAL, identifier=True),
    Text("loctNo", "loct_no", 10, required=OPTIONAL, identifier=True),
    Text("licenseNo", "license_no", 19, required=OPTIONAL, identifier=True),
    Text("country", "country", 3, 3),
    Text("POD", "pod", 4, 3, required=OPTIONAL),
    Text("currency", "currency", 3, 3),
    Number("freight", "freight"),
    Number("insuredFee", "insured_fee"),
    Text("wrapType", "wrap_type", 1, 1),
    Number("packNo", "pack_no", integer=9, fraction=0, positive=True),
    Number("grossWeight", "gross_weight", positive=True),
    Number("netWeight", "net_weight", positive=True),
    Text("goodsInfo", "goods_info", 200, required=OPTIONAL),
    Text("note", "note", 1000, required=OPTIONAL),
)

# Model attributes of the identifiers: forms and API serializers refuse bad characters in them outright.
IDENTIFIER_ATTRS: tuple[str, ...] = tuple(
    spec.attr for spec in HEAD_FIELDS if isinstance(spec, Text) and spec.identifier
)

ITEM_NO_MAX_LIST = 20  # InventoryList.itemNo C..20
ITEM_NO_MAX_ORDER = 30  # OrderList.itemNo C..30

LINE_FIELDS: tuple[Text | Number, ...] = (
    Number("gnum", "gnum", integer=5, fraction=0, positive=True),
    Text("itemNo", "item_no", ITEM_NO_MAX_ORDER),  # 20 in the list channel, see check_line
    Text("itemName", "item_name", 250, required=OPTIONAL),
    Text("gcode", "gcode", 10),  # format (10 or 6 digits) in codes.py
    Text("gname", "gname", 250),
    Text("gmodel", "gmodel", 250),
    Text("barCode", "bar_code", 50, required=OPTIONAL),
    Text("country", "country", 3, 3),
    Text("currency", "currency", 3, 3),
    Number("qty", "qty", positive=True),
    Text("unit", "unit", 3, 3),
    Number("qty1", "qty1", positive=True),
    Text("unit1", "unit1", 3, 3),
    Number("qty2", "qty2", required=OPTIONAL, positive=True),
    Text("unit2", "unit2", 3, required=OPTIONAL),
    Number("price", "price"),
    Number("totalPrice", "total_price"),
    Text("note", "note", 1000, required=OPTIONAL),
)


def _needed(required: str, channel: str) -> bool:
    return required == ALWAYS or (required == LIST_ONLY and is_list(channel))


def check_text(
    spec: Text, value, *, channel: str, gnum: int | None = None, max_len: int | None = None
) -> list[Finding]:
    text = text_value(value)
    if not text.strip():
        return [Finding.of("REQUIRED", spec.ceb, gnum)] if _needed(spec.required, channel) else []
    if _XML_FORBIDDEN.search(text):
        return [Finding.of("INVALID_CHARACTERS", spec.ceb, gnum)]
    if spec.identifier and not identifier_characters_ok(text):
        return [Finding.of("INVALID_IDENTIFIER", spec.ceb, gnum)]
    length, top = len(text), max_len or spec.max
    if spec.min and not spec.min <= length <= top:
        expected = str(top) if spec.min == top else f"{spec.min}–{top}"
        return [Finding.of("WRONG_LENGTH", spec.ceb, gnum, expected=expected, length=length)]
    if length > top:
        return [Finding.of("TOO_LONG", spec.ceb, gnum, length=length, max=top)]
    return []


def check_number(spec: Number, value, *, channel: str, gnum: int | None = None) -> list[Finding]:
    if value is None or (isinstance(value, str) and not value.strip()):
        return [Finding.of("REQUIRED", spec.ceb, gnum)] if _needed(spec.required, channel) else []
    number = decimal_value(value)
    if number is None:
        return [Finding.of("INVALID_NUMBER", spec.ceb, gnum)]
    if not fits(number, spec.integer, spec.fraction):
        return [Finding.of("DECIMAL_PRECISION", spec.ceb, gnum, integer=spec.integer, fraction=spec.fraction)]
    if number < 0:
        return [Finding.of("NEGATIVE_NUMBER", spec.ceb, gnum)]
    if spec.positive and number == 0:
        return [Finding.of("NOT_POSITIVE", spec.ceb, gnum)]
    return []


def check_date(spec: Date, value, *, channel: str) -> list[Finding]:
    if value is None or (isinstance(value, str) and not value.strip()):
        return [Finding.of("REQUIRED", spec.ceb)] if _needed(spec.required, channel) else []
    if isinstance(value, datetime.date):
        return []
    if isinstance(value, str):
        try:
            datetime.date.fromisoformat(value.strip())
            return []
        except ValueError:
            pass
    return [Finding.of("INVALID_DATE", spec.ceb)]


def date_value(value) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


# --- fast acceptance: the common valid value is recognised with a few cheap tests; anything else goes to
# check_text / check_number above, which alone produce findings (so the findings cannot differ).

_TEXT, _NUMBER, _DATE = "text", "number", "date"


class _Plan(NamedTuple):
    """One spec, flattened for the loops below."""

    spec: Text | Number | Date
    attr: str
    kind: str
    low: int = 0  # text: length bounds; max in the order channel, then in the list channel
    high: int = 0
    high_list: int = 0
    always: bool = False  # required in every channel
    list_only: bool = False  # required in the list channel
    positive: bool = False  # numbers: zero not allowed; at most ``integer`` + ``fraction`` digits
    integer: int = 0
    fraction: int = 0


def _plan(specs, *, item_no_list_max: int = 0) -> tuple[_Plan, ...]:
    rows = []
    for spec in specs:
        required = {"always": spec.required == ALWAYS, "list_only": spec.required == LIST_ONLY}
        if isinstance(spec, Text):
            high_list = item_no_list_max if spec.ceb == "itemNo" else spec.max
            rows.append(_Plan(spec, spec.attr, _TEXT, spec.min, spec.max, high_list, **required))
        elif isinstance(spec, Number):
            rows.append(
                _Plan(
                    spec,
                    spec.attr,
                    _NUMBER,
                    positive=spec.positive,
                    integer=spec.integer,
                    fraction=spec.fraction,
                    **required,
                )
            )
        else:
            rows.append(_Plan(spec, spec.attr, _DATE, **required))
    return tuple(rows)


def _text_passes(value, low: int, high: int, needed: bool) -> bool:
    """True only when check_text would return no finding (False: let check_text decide)."""
    if type(value) is str:
        if value.strip():
            return low <= len(value) <= high and not _XML_FORBIDDEN.search(value)
        return not needed
    return value is None and not needed


def _number_passes(value, positive: bool, integer: int, fraction: int, needed: bool) -> bool:
    """True only when check_number would return no finding (False: let check_number decide)."""
    if type(value) is Decimal:
        return (
            value.is_finite() and (value > 0 if positive else value >= 0) and fits(value, integer, fraction)
        )
    if type(value) is int:
        return (value > 0 if positive else value >= 0) and value < 10**integer
    return value is None and not needed


_HEAD_PLAN = _plan(HEAD_FIELDS)
_LINE_PLAN = _plan(LINE_FIELDS, item_no_list_max=ITEM_NO_MAX_LIST)


def check_head(head, *, channel: str) -> list[Finding]:
    findings: list[Finding] = []
    mode = text_value(getattr(head, "mode", None))
    if not mode.strip():
        findings.append(Finding.of("REQUIRED", "tradeMode"))
    if related(head, "enterprise") is None:
        findings.append(Finding.of("REQUIRED", "ebcCode"))
    if related(head, "agent") is None:
        findings.append(Finding.of("REQUIRED", "agentCode"))
    list_channel = is_list(channel)
    for spec, attr, kind, low, high, _high_list, always, list_only, positive, integer, fraction in _HEAD_PLAN:
        value = getattr(head, attr, None)
        if kind is _TEXT:
            if spec.ceb == "ebpName" and mode == Mode.WAREHOUSE:
                continue  # the warehouse's name is sent; WAREHOUSE_REQUIRED covers its absence
            if _text_passes(value, low, high, always or (list_only and list_channel)) and (
                not spec.identifier or type(value) is not str or identifier_characters_ok(value)
            ):
                continue
            findings += check_text(spec, value, channel=channel)
        elif kind is _NUMBER:
            if _number_passes(value, positive, integer, fraction, always or (list_only and list_channel)):
                continue
            findings += check_number(spec, value, channel=channel)
        else:
            findings += check_date(spec, value, channel=channel)
    owner_code = text_value(getattr(head, "owner_code", None)).strip()
    owner_name = text_value(getattr(head, "owner_name", None)).strip()
    if owner_code and owner_code != NO_OWNER_CODE and not owner_name:
        findings.append(Finding.of("REQUIRED", "ownerName"))
    return findings


def check_line(line, index: int, *, channel: str) -> list[Finding]:
    gnum = line_ref(line, index)
    findings: list[Finding] = []
    list_channel = is_list(channel)
    forbidden = _XML_FORBIDDEN.search
    # _text_passes and _number_passes inlined: this loop runs for every cell of every goods line.
    for spec, attr, kind, low, high, high_list, always, list_only, positive, integer, fraction in _LINE_PLAN:
        value = getattr(line, attr, None)
        value_type = type(value)
        if kind is _TEXT:
            top = high_list if list_channel else high  # itemNo: 20 in the list channel
            if value_type is str:
                if value.strip():
                    if low <= len(value) <= top and not forbidden(value):
                        continue
                elif not (always or (list_only and list_channel)):
                    continue
            elif value is None and not (always or (list_only and list_channel)):
                continue
            findings += check_text(spec, value, channel=channel, gnum=gnum, max_len=top)
        else:
            if value_type is Decimal:
                if (
                    value.is_finite()
                    and (value > 0 if positive else value >= 0)
                    and fits(value, integer, fraction)
                ):
                    continue
            elif value_type is int:
                if (value > 0 if positive else value >= 0) and value < 10**integer:
                    continue
            elif value is None and not (always or (list_only and list_channel)):
                continue
            findings += check_number(spec, value, channel=channel, gnum=gnum)
    # The second legal quantity and its unit go together.
    has_qty2 = getattr(line, "qty2", None) not in (None, "")
    has_unit2 = bool(text_value(getattr(line, "unit2", None)).strip())
    if has_qty2 and not has_unit2:
        findings.append(Finding.of("REQUIRED", "unit2", gnum))
    elif has_unit2 and not has_qty2:
        findings.append(Finding.of("REQUIRED", "qty2", gnum))
    return findings


def check_lines(lines: Sequence) -> list[Finding]:
    """Line count and the gnum sequence 1..n (OrderList '从1开始的递增序号', InventoryList '连续序号')."""
    if not lines:
        return [Finding.of("NO_LINES", "lines")]
    findings: list[Finding] = []
    if len(lines) > MAX_LINES:
        findings.append(Finding.of("TOO_MANY_LINES", "lines", max=MAX_LINES, count=len(lines)))
    numbers = sorted(n for n in (int_value(getattr(line, "gnum", None)) for line in lines) if n is not None)
    if len(numbers) == len(lines):  # a missing or invalid gnum is already REQUIRED / INVALID_NUMBER
        for expected, number in enumerate(numbers, start=1):
            if number != expected:
                gnum = number if 0 < number < 100_000 else None
                findings.append(Finding.of("GNUM_SEQUENCE", "gnum", gnum, expected=expected))
                break
    return findings


def check_fields(head, lines: Sequence, *, channel: str) -> list[Finding]:
    """XSD-level findings; ``channel`` is the effective one (explicit, else recommended)."""
    findings = check_head(head, channel=channel)
    for index, line in enumerate(lines):
        findings += check_line(line, index, channel=channel)
    findings += check_lines(lines)
    return findings
