"""Reading an uploaded workbook with python-calamine; the ONE place where cell values are normalised.

A value that cannot be normalised is passed on as the (cleaned) text, so the rules engine reports it on the
right cell (INVALID_NUMBER, INVALID_DATE) instead of the reader failing. No Django imports beyond the column
tables, so the benchmark's raw floor can use the same code.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from python_calamine import CalamineWorkbook

from .columns import (
    CODE,
    DATE,
    DECIMAL,
    FLAG,
    GOODS_COLUMNS,
    HEAD_COLUMNS,
    INTEGER,
    SHEET_GOODS,
    SHEET_HEAD,
    STATUS_HEADER,
    TEXT,
    Column,
)
from .scan import SheetScan, SheetUnreadable, scan_sheet, sheet_members

# Codes of the cells the reader cannot use (reported by the importer on the cell; see docs/rules.md).
CELL_ERROR_VALUE = "CELL_ERROR_VALUE"
FORMULA_WITHOUT_VALUE = "FORMULA_WITHOUT_VALUE"
AMBIGUOUS_NUMBER = "AMBIGUOUS_NUMBER"

EXCEL_EPOCH = datetime.date(1899, 12, 30)  # serial 1 = 1900-01-01 (with Excel's 1900 leap-year bug)
MAX_CELL_CHARS = 32767  # Excel's own limit; anything longer was not typed into Excel

_SPACES = re.compile(r"[\s\u00a0\u3000\u200b\ufeff]+")
_EDGE_SPACES = "\u00a0\u3000\u200b\ufeff \t\r\n"
_HEADER = re.compile(r"^\s*\*?\s*(?P<label>.*?)\s*(?:\((?P<key>[A-Za-z0-9_]+)\))?\s*\*?\s*$")
_DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
# A comma separates thousands only when every group after it has exactly three digits: 1,250.00 and 12,500.
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?$")
_CODE_WITH_NAME = re.compile(r"^(\S+)\s+\S")  # dropdown entries read "502 美国"
_TRUE = {"y", "yes", "true", "1", "是", "t"}
_FALSE = {"n", "no", "false", "0", "否", "f", ""}


def _nfkc(text: str) -> str:
    """Full-width digits, letters and punctuation to ASCII (１２３ -> 123, （ -> ()."""
    return unicodedata.normalize("NFKC", text)


def clean_text(value) -> str:
    """Any cell as text: floats that are whole numbers lose '.0' (Excel stores 8517620000 as a float)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Y" if value else "N"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, datetime.time | datetime.timedelta):
        return str(value)
    return str(value).strip(_EDGE_SPACES)


def normalise_code(value, *, width: int = 0, named: bool = False) -> str:
    """Codes: no spaces anywhere, ASCII, numeric codes re-padded when Excel dropped their leading zeros."""
    was_number = isinstance(value, int | float) and not isinstance(value, bool)
    text = _nfkc(clean_text(value)).strip()
    if named:
        match = _CODE_WITH_NAME.match(text)
        if match:
            text = match.group(1)
    text = _SPACES.sub("", text)
    if width and was_number and text.isdigit():  # typed into a General cell, Excel made it a number
        text = text.zfill(width)
    return text


def normalise_decimal(value) -> Decimal | str | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return clean_text(value)
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        # repr gives the shortest round-tripping text: 0.1 stays 0.1, 8517620000.0 stays whole
        number = Decimal(repr(value))
        if not number.is_finite():
            return repr(value)  # inf / nan: left as text so the rules report it as not a number
        if number == number.to_integral_value() and number.adjusted() < 28:
            return number.quantize(Decimal(1))
        return number
    text = _SPACES.sub("", _nfkc(clean_text(value)))
    if not text:
        return None
    if "," in text:
        if not _THOUSANDS.match(text):
            return text  # 12,50 or 1.250,00: a decimal comma is never guessed (AMBIGUOUS_NUMBER)
        plain = text.replace(",", "")
    else:
        plain = text
    try:
        number = Decimal(plain)
    except InvalidOperation:
        return text
    return number if number.is_finite() else text


def normalise_integer(value) -> int | str | None:
    number = normalise_decimal(value)
    if isinstance(number, Decimal) and number == number.to_integral_value():
        return int(number)
    return None if number is None else str(number)


def normalise_date(value) -> datetime.date | str | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value < 2958466:  # Excel's date range (to 9999-12-31)
            return EXCEL_EPOCH + datetime.timedelta(days=int(value))
        return clean_text(value)
    text = _nfkc(clean_text(value)).strip()
    if not text:
        return None
    text = text.split(" ")[0] if re.match(r"^\d{4}-\d{2}-\d{2}[ T]", text) else text.split("T")[0]
    match = _DATE_TEXT.match(text) or _DATE_COMPACT.match(text)
    if match:
        try:
            return datetime.date(*(int(part) for part in match.groups()))
        except ValueError:
            return text
    return text


def normalise_flag(value) -> bool | str:
    text = _SPACES.sub("", _nfkc(clean_text(value))).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    return clean_text(value)


def normalise(value, column: Column):
    """A raw cell value as the model expects it for ``column``, or the cleaned text when it does not fit."""
    if column.kind == CODE:
        return normalise_code(value, width=column.width, named=bool(column.codes))
    if column.kind == DECIMAL:
        return normalise_decimal(value)
    if column.kind == INTEGER:
        return normalise_integer(value)
    if column.kind == DATE:
        return normalise_date(value)
    if column.kind == FLAG:
        return normalise_flag(value)
    return _nfkc_spaces(clean_text(value))


_ANY_SPACE = re.compile(r"\s")
_EMPTY = object()


def normaliser(column: Column):
    """``normalise`` for one column, fast on the cells a bulk upload is made of; same results, same types.

    Clean ASCII text needs no work (NFKC leaves ASCII alone; with no whitespace there is nothing to strip,
    collapse or split off); anything else is normalised once per distinct value of the column and reused,
    since codes, units, flags and amounts repeat on most rows. Results are immutable, so sharing them is safe.
    """
    kind = column.kind
    cache: dict = {}

    def slow(cell):
        # bool, int and float compare equal (True == 1 == 1.0) and 0.0 == -0.0: the type and the float's
        # repr keep them apart in the cache.
        if type(cell) is float:
            key = (float, repr(cell))
        else:
            try:
                key = (type(cell), cell)
                hash(key)
            except TypeError:
                return normalise(cell, column)
        found = cache.get(key, _EMPTY)
        if found is _EMPTY:
            found = cache[key] = normalise(cell, column)
        return found

    if kind == CODE:

        def code(cell):
            if type(cell) is str and cell.isascii() and not _ANY_SPACE.search(cell):
                return cell
            return slow(cell)

        return code
    if kind == TEXT:

        def text(cell):
            if type(cell) is str:
                return cell.strip(_EDGE_SPACES)
            return slow(cell)

        return text
    return slow


def _nfkc_spaces(text: str) -> str:
    """Free text keeps its characters (Chinese punctuation stays) but loses stray edge spaces."""
    return text.strip(_EDGE_SPACES)


# --- header matching ---


def parse_header(text) -> tuple[str, str]:
    """'*订单编号 (orderNo)' -> ('订单编号', 'orderNo'); '订单编号' -> ('订单编号', '')."""
    raw = _nfkc(clean_text(text))
    match = _HEADER.match(raw)
    if not match:
        return raw.strip(), ""
    return match.group("label").strip(), match.group("key") or ""


def match_columns(
    headers: Iterable, columns: tuple[Column, ...]
) -> tuple[dict[str, int], list[tuple[int, str]]]:
    """Map column key -> index by key (case-insensitive) or by the Chinese label alone, in any order.

    Returns (found, unknown): unknown lists (index, header text) of non-empty headers that match nothing.
    """
    by_key = {c.key.lower(): c for c in columns}
    by_label = {_nfkc(c.label): c for c in columns}
    found: dict[str, int] = {}
    unknown: list[tuple[int, str]] = []
    for index, header in enumerate(headers):
        text = clean_text(header)
        if not text or text == STATUS_HEADER:
            continue
        label, key = parse_header(text)
        column = by_key.get(key.lower()) if key else None
        if column is None:
            column = by_label.get(label) or by_key.get(label.lower())
        if column is None or column.key in found:
            unknown.append((index, text))
            continue
        found[column.key] = index
    return found, unknown


# --- reading ---


@dataclass
class Row:
    number: int  # 1-based Excel row number
    values: dict  # key -> normalised value
    raw: list  # the row's cells as read (for the report)


@dataclass
class Sheet:
    """A data sheet as read: per record its Excel row number and cells, and the normalised values column by
    column (``data``). ``rows`` gives the records as Row objects, made on first use: the importer reads the
    goods sheet's 100,000 lines through the columns instead, so they are never made there (a dict per line was
    a fifth of the goods sheet's reading, which nothing else overlaps)."""

    name: str
    columns: dict[str, int] = field(default_factory=dict)  # key -> 0-based column index
    unknown: list[tuple[int, str]] = field(default_factory=list)
    headers: list = field(default_factory=list)
    numbers: list[int] = field(default_factory=list)  # each record's 1-based Excel row number
    raw: list[list] = field(default_factory=list)  # each record's cells as read (for the report)
    data: dict[str, list] = field(default_factory=dict)  # key -> each record's normalised value
    too_long: list[tuple[int, str]] = field(default_factory=list)  # (row number, key) of oversize cells
    # (row number, key, code, value) of cells whose value cannot be used: CELL_ERROR_VALUE (#N/A),
    # FORMULA_WITHOUT_VALUE (a formula never computed), AMBIGUOUS_NUMBER (12,50)
    flagged: list[tuple[int, str, str, str]] = field(default_factory=list)
    present: bool = True
    _rows: list[Row] | None = field(default=None, repr=False, compare=False)

    @property
    def count(self) -> int:
        """The number of records (rows with a value)."""
        return len(self.numbers)

    @property
    def rows(self) -> list[Row]:
        if self._rows is None:
            keys = list(self.data)
            by_record = zip(*self.data.values(), strict=True) if keys else ((),) * self.count
            self._rows = [
                Row(number, dict(zip(keys, values, strict=True)), cells)
                for number, cells, values in zip(self.numbers, self.raw, by_record, strict=True)
            ]
        return self._rows


class Workbook:
    """Both data sheets. The goods sheet may still be being read (``workbook_reading``): ``goods`` waits for it."""

    def __init__(self, head: Sheet, goods: Sheet | Future):
        self.head = head
        self._goods = goods

    @property
    def goods(self) -> Sheet:
        if isinstance(self._goods, Future):
            self._goods = self._goods.result()
        return self._goods


def find_sheet(names: list[str], wanted: str) -> str | None:
    """The workbook's name for a template sheet: exact, or its Chinese or English half alone."""
    if wanted in names:
        return wanted
    zh, en = wanted.split(" ", 1)
    for name in names:
        if name.strip() in (zh, en) or name.strip().lower() == en.lower():
            return name
    return None


@dataclass(frozen=True)
class Limits:
    """How big a data sheet's grid may be before calamine materialises it (see scan.py)."""

    max_rows: int = 200_001  # the header row and 200,000 records
    max_columns: int = 200
    max_cells: int = 8_000_000  # rows × columns of the dense grid: 100,000 goods lines use 2.2 million


def _scan(path, wanted: str, limits: Limits, scanned: dict | None = None) -> tuple[str | None, SheetScan]:
    """The sheet's name in the workbook and its scan; raises SheetUnreadable before calamine sees a huge grid.

    ``scanned``: the scans the upload made of this very file, by sheet name (SheetScan.as_json); a sheet found
    there within the limits is not streamed again.
    """
    with zipfile.ZipFile(path) as archive:
        members = dict(sheet_members(archive))
        name = find_sheet(list(members), wanted)
        if name is None:
            return None, SheetScan()
        if scanned and name in scanned:
            found = SheetScan.from_json(scanned[name])
            if found.columns <= limits.max_columns and found.rows * found.columns <= limits.max_cells:
                return name, found
        try:
            found = scan_sheet(
                archive,
                members[name],
                max_rows=limits.max_rows,
                max_columns=limits.max_columns,
                max_cells=limits.max_cells,
            )
        except SheetUnreadable as exc:
            exc.params.setdefault("sheet", name)
            raise
        return name, found


def _read_sheet(
    path, wanted: str, columns: tuple[Column, ...], limits: Limits, scans: dict | None = None
) -> Sheet:
    scanned_name, scanned = _scan(path, wanted, limits, scans)
    book = CalamineWorkbook.from_path(str(path))
    name = find_sheet(book.sheet_names, wanted)
    if name is None:
        return Sheet(name=wanted, present=False)
    if name != scanned_name:  # calamine and the scan must mean the same sheet, or the scan proved nothing
        raise SheetUnreadable("sheet_mismatch")
    data = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
    if not data:
        return Sheet(name=name)
    headers = list(data[0])
    found, unknown = match_columns(headers, columns)
    sheet = Sheet(name=name, columns=found, unknown=unknown, headers=headers)
    sheet.flagged = _flagged_cells(scanned, found)
    by_key = {c.key: c for c in columns}
    records = [(offset, cells) for offset, cells in enumerate(data[1:], start=2) if _has_value(cells)]
    del data
    # Column by column: one tight loop per column instead of a function call per cell.
    keys, columns_values = [], []
    for key, index in found.items():
        keys.append(key)
        columns_values.append(_normalise_column(by_key[key], index, records, sheet.too_long, sheet.flagged))
    order = {key: position for position, key in enumerate(keys)}
    sheet.too_long.sort(key=lambda item: (item[0], order[item[1]]))  # row by row, as the cells are read
    sheet.flagged.sort(key=lambda item: (item[0], order[item[1]]))
    sheet.numbers = [offset for offset, _cells in records]
    sheet.raw = [cells for _offset, cells in records]  # calamine's lists, not copied
    sheet.data = dict(zip(keys, columns_values, strict=True))
    return sheet


def _has_value(cells) -> bool:
    """False for an empty row (not a record): every cell empty or blank text."""
    for cell in cells:
        if cell is None or cell == "" or (isinstance(cell, str) and not cell.strip()):
            continue
        return True
    return False


def _normalise_column(column: Column, index: int, records: list, too_long: list, flagged: list) -> list:
    """normalise() of one column over all records, with the normaliser's fast path and cache inlined."""
    clean = normaliser(column)
    numeric = column.kind in (DECIMAL, INTEGER)
    fast_code = column.kind == CODE
    fast_text = column.kind == TEXT
    text_cache: dict[str, object] = {}  # str cells only: no bool/int/float key can collide with them
    out = []
    append = out.append
    search_space = _ANY_SPACE.search
    for offset, cells in records:
        cell = cells[index] if index < len(cells) else None
        if type(cell) is str:
            if len(cell) > MAX_CELL_CHARS:
                too_long.append((offset, column.key))
                cell = cell[:MAX_CELL_CHARS]
            elif fast_code and cell.isascii() and not search_space(cell):
                append(cell)
                continue
            elif fast_text:
                append(cell.strip(_EDGE_SPACES))
                continue
            value = text_cache.get(cell, _EMPTY)
            if value is _EMPTY:
                value = text_cache[cell] = normalise(cell, column)
            if numeric and type(value) is str and "," in value:
                flagged.append((offset, column.key, AMBIGUOUS_NUMBER, value))
            append(value)
            continue
        if isinstance(cell, str) and len(cell) > MAX_CELL_CHARS:  # a str subclass
            too_long.append((offset, column.key))
            cell = cell[:MAX_CELL_CHARS]
        append(clean(cell))
    return out


def _flagged_cells(scanned: SheetScan, found: dict[str, int]) -> list[tuple[int, str, str, str]]:
    """(row, key, code, value) of the error values and unsaved formulas in the sheet's known columns."""
    if not scanned.errors and not scanned.formulas:
        return []
    key_at = {index: key for key, index in found.items()}
    flagged = []
    for code, cells in ((CELL_ERROR_VALUE, scanned.errors), (FORMULA_WITHOUT_VALUE, scanned.formulas)):
        for (row, index), value in cells.items():
            if row > 1 and index in key_at:
                flagged.append((row, key_at[index], code, value))
    flagged.sort()
    return flagged


def _read_goods(path, limits: Limits, scans: dict | None) -> Sheet:
    return _read_sheet(path, SHEET_GOODS, GOODS_COLUMNS, limits, scans)


@contextmanager
def workbook_reading(path, limits: Limits = Limits(), scans: dict | None = None) -> Iterator[Workbook]:
    """Both data sheets, the goods sheet read in a thread while the caller works on the declarations sheet; the
    caller has already checked size, zip structure and row counts.

    python-calamine parses a sheet without holding the GIL (most of the time a 100,000-line goods sheet
    takes), so the caller's Python code runs meanwhile on the other CPU. The declarations sheet is read first
    (it is small); ``workbook.goods`` waits for the rest. Leaving waits for the thread, so the file must stay
    until then, and a failure in the thread is raised where ``goods`` is read.
    """
    with ThreadPoolExecutor(1, thread_name_prefix="goods-sheet") as pool:
        goods = pool.submit(_read_goods, path, limits, scans)
        head = _read_sheet(path, SHEET_HEAD, HEAD_COLUMNS, limits, scans)
        yield Workbook(head=head, goods=goods)
