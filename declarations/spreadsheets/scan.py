"""A data sheet's XML scanned before python-calamine reads it: its real extent, its error cells and its
formulas without a saved result.

calamine builds a dense grid from A1 to the last cell it finds, whatever ``<dimension>`` says: one cell at
XFD1048576 asks for 1,048,576 × 16,384 cells (512 GiB), one at A1048576 under a lying dimension for a
35-million-cell grid. Only the cells say where the data ends, so the zip member is streamed here (bounded
memory) and the grid is refused before anything is materialised. calamine also reads an error value (#N/A)
and a formula without a saved value as an empty cell; the scan records both, so the importer can report
them on their cell instead of importing a blank.

The scan costs little on an ordinary sheet: zlib and a few searches in C over each megabyte; the only
per-match Python work is one regex match per row and one per cell beyond column Z or row 99,999.
No Django imports (the benchmark's raw floor uses the reader).
"""

from __future__ import annotations

import functools
import re
import zipfile
from dataclasses import dataclass, field

CHUNK = 1024 * 1024
MAX_ROW_BYTES = 64 * 1024 * 1024  # one row's XML; Excel's largest possible row is far below this
EXCEL_MAX_COLUMNS = 16384

# Patterns start with a literal where they can: re then skips to it in C (ten times faster on 100 MB).
_ROW_TAG = re.compile(rb"<row\b([^>]*)>")
_ANY_ROW_TAG = re.compile(rb"<(?:\w+:)?row\b([^>]*)>")  # with a namespace prefix (slow path)
_R_ATTR = re.compile(rb'\sr="([^"]*)"')
_REF = re.compile(rb"^([A-Z]{1,3})(\d{1,7})$")
_CELL_TAG = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(/?)>")
_ROW_END = re.compile(rb"</(?:\w+:)?row>")
_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>")
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_PREFIXED = re.compile(rb":(?:c|row|f)[\s>/]")  # <x:c>: the literal ':' is rare, so the search is cheap
_CELL_WITHOUT_REF = re.compile(rb'<c(?:>|/>|\s(?!r="))')
_DOCTYPE = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)


@functools.cache
def _refs_beyond(columns: int) -> re.Pattern:
    """Cell references beyond column ``columns`` (< 26) or beyond row 99,999; rows' own r are digits only."""
    first = chr(65 + columns)
    return re.compile(rb' r="(?:([A-Z][A-Z][A-Z]?)(\d+)|([A-Z])(\d{6,})|([%s-Z])\d+)"' % first.encode())


class SheetUnreadable(Exception):
    """The sheet cannot be read safely; ``reason`` is a code the caller turns into a message."""

    def __init__(self, reason: str, **params):
        super().__init__(reason)
        self.reason = reason
        self.params = params


def column_number(letters: bytes | str) -> int:
    """'A' -> 1, 'XFD' -> 16384."""
    number = 0
    for char in letters if isinstance(letters, str) else letters.decode("ascii"):
        number = number * 26 + ord(char) - 64
    return number


def column_letter(number: int) -> str:
    """1 -> 'A', 16384 -> 'XFD'."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass
class SheetScan:
    """What the scan found; rows and columns are 1-based like Excel's, cells keyed (row, 0-based column)."""

    rows: int = 0  # the last row that holds a cell
    columns: int = 0  # the last column that holds a cell
    errors: dict[tuple[int, int], str] = field(default_factory=dict)  # cell -> '#N/A'
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)  # cell -> formula text, no value saved

    @property
    def last_cell(self) -> str:
        return f"{column_letter(self.columns)}{self.rows}"

    def as_json(self) -> dict:
        return {
            "rows": self.rows,
            "columns": self.columns,
            "errors": [[r, c, v] for (r, c), v in self.errors.items()],
            "formulas": [[r, c, v] for (r, c), v in self.formulas.items()],
        }

    @classmethod
    def from_json(cls, data: dict) -> SheetScan:
        return cls(
            rows=int(data["rows"]),
            columns=int(data["columns"]),
            errors={(int(r), int(c)): str(v) for r, c, v in data.get("errors", [])},
            formulas={(int(r), int(c)): str(v) for r, c, v in data.get("formulas", [])},
        )


class _Scanner:
    def __init__(self, *, max_rows: int, max_columns: int, max_cells: int):
        self.max_rows, self.max_columns, self.max_cells = max_rows, max_columns, max_cells
        self.result = SheetScan()
        self.row = 0  # the current row's number (rows without r follow the one before)

    def _refuse_if_too_big(self) -> None:
        result = self.result
        # Rows alone are the caller's business limit (counted over both sheets); the grid is what costs memory.
        if result.columns > self.max_columns or result.rows * result.columns > self.max_cells:
            raise SheetUnreadable("too_big", cell=result.last_cell, rows=result.rows, columns=result.columns)

    def feed_rows(self, data: bytes) -> None:
        """Complete rows (the text up to a row's end tag). About seven passes in C over the block."""
        result = self.result
        first_row = self.row
        if _PREFIXED.search(data) or _CELL_WITHOUT_REF.search(data):
            # a namespace prefix (<x:c>) or a cell whose r is missing or not first: exact, row by row
            self._cells_without_refs(data, first_row)
        else:
            for attrs in _ROW_TAG.findall(data):
                found = _R_ATTR.search(attrs)
                if found and found.group(1).isdigit() and len(found.group(1)) < 9:
                    self.row = int(found.group(1))
                else:
                    self.row += 1
            result.rows = max(result.rows, self.row)
            # One pass over the cell references that can widen the grid: two or three letters, a single
            # letter beyond the widest column so far, or a row number of six digits or more.
            narrow = min(result.columns, 25)
            for wide, wide_row, letter, long_row, single in _refs_beyond(narrow).findall(data):
                number = column_number(wide or letter or single)
                if number > result.columns:
                    result.columns = number
                digits = wide_row or long_row
                if len(digits) >= 6 and int(digits) > result.rows:
                    result.rows = int(digits)
        self._refuse_if_too_big()
        if b't="e"' in data:
            self._error_cells(data)
        if b"<f" in data or (b":f" in data and _PREFIXED.search(data)):
            self._formula_cells(data)

    def _cells_without_refs(self, data: bytes, row: int) -> None:
        """Exact, row by row and cell by cell (slow): for cells without r, or a sheet with a namespace prefix."""
        result = self.result
        for row_match in _ANY_ROW_TAG.finditer(data):
            found = _R_ATTR.search(row_match.group(1))
            number = found.group(1) if found else b""
            row = int(number) if number.isdigit() and len(number) < 9 else row + 1
            end = _ROW_END.search(data, row_match.end())
            body = data[row_match.end() : end.start() if end else len(data)]
            column = 0
            for attrs, _closed in _CELL_TAG.findall(body):
                ref = _R_ATTR.search(attrs)
                parsed = _REF.match(ref.group(1)) if ref else None
                if parsed:
                    column = column_number(parsed.group(1))
                    row_of_cell = int(parsed.group(2))
                    result.rows = max(result.rows, row_of_cell)
                else:
                    column += 1
                result.columns = max(result.columns, column)
                if column > EXCEL_MAX_COLUMNS:
                    break
            result.rows = max(result.rows, row)
        self.row = row

    def _cell_at(self, data: bytes, position: int) -> tuple[tuple[int, int] | None, bytes]:
        """The cell whose content holds ``position``: its (row, column) and its XML."""
        start = max(data.rfind(b"<c ", 0, position), data.rfind(b"<c>", 0, position))
        prefixed = data.rfind(b":c ", 0, position)
        if prefixed > start:
            start = data.rfind(b"<", 0, prefixed)
        end = data.find(b"c>", position)
        cell = data[start : end + 2 if end >= 0 else len(data)]
        tag = _CELL_TAG.match(cell)
        ref = _R_ATTR.search(tag.group(1)) if tag else None
        parsed = _REF.match(ref.group(1)) if ref else None
        if not parsed:
            return None, cell
        return (int(parsed.group(2)), column_number(parsed.group(1)) - 1), cell

    def _error_cells(self, data: bytes) -> None:
        position = data.find(b't="e"')
        while position >= 0:
            where, cell = self._cell_at(data, position)
            value = _VALUE.search(cell)
            if where is not None and value:
                self.result.errors[where] = value.group(1).decode("utf-8", "replace").strip()
            position = data.find(b't="e"', position + 5)

    def _formula_cells(self, data: bytes) -> None:
        for found in _FORMULA.finditer(data):
            where, cell = self._cell_at(data, found.start() + 1)
            if where is None or where in self.result.errors:
                continue
            value = _VALUE.search(cell)
            if value is None or not value.group(1).strip():
                text = re.search(rb"<(?:\w+:)?f\b[^>]*>([^<]*)<", cell)
                formula = text.group(1).decode("utf-8", "replace") if text else ""
                self.result.formulas[where] = "=" + formula if formula else "="


def scan_sheet(
    archive: zipfile.ZipFile, member: str, *, max_rows: int, max_columns: int, max_cells: int, xml_check=None
) -> SheetScan:
    """Stream one worksheet: raise SheetUnreadable when its grid is too big (or its XML is refused).

    ``xml_check``, when given, is fed every decompressed block (an incremental XML parser at upload).
    """
    scanner = _Scanner(max_rows=max_rows, max_columns=max_columns, max_cells=max_cells)
    carry = b""
    first = True
    with archive.open(member) as stream:
        while True:
            block = stream.read(CHUNK)
            if first:
                if _DOCTYPE.search(block[:4096]):
                    raise SheetUnreadable("doctype")
                first = False
            if xml_check is not None and block:
                xml_check(block)
            data = carry + block
            if not block:
                scanner.feed_rows(data)
                break
            cut = data.rfind(b"</row>")
            if cut >= 0:
                cut += len(b"</row>")
            else:
                ends = [match.end() for match in _ROW_END.finditer(data, max(0, len(data) - CHUNK - 64))]
                cut = ends[-1] if ends else -1
            if cut < 0:
                if len(data) > MAX_ROW_BYTES:
                    raise SheetUnreadable("row_too_long")
                carry = data
                continue
            scanner.feed_rows(data[:cut])
            carry = data[cut:]
    return scanner.result


def sheet_members(archive: zipfile.ZipFile) -> list[tuple[str, str]]:
    """(sheet name, zip member) of every worksheet, from workbook.xml and its relationships."""
    import html

    names = set(archive.namelist())
    workbook = archive.read("xl/workbook.xml")[:1_000_000].decode("utf-8", "replace")
    rels_name = "xl/_rels/workbook.xml.rels"
    rels = archive.read(rels_name)[:1_000_000].decode("utf-8", "replace") if rels_name in names else ""
    targets = {}
    for tag in re.findall(r"<(?:\w+:)?Relationship\b[^>]*>", rels):
        rel_id, target = re.search(r'\bId="([^"]+)"', tag), re.search(r'\bTarget="([^"]+)"', tag)
        if rel_id and target:
            path = target.group(1).lstrip("/")
            targets[rel_id.group(1)] = path if path.startswith("xl/") else f"xl/{path}"
    members = []
    for tag in re.findall(r"<(?:\w+:)?sheet\b[^>]*>", workbook):
        name, rel_id = re.search(r'\bname="([^"]*)"', tag), re.search(r'\br:id="([^"]+)"', tag)
        if name and rel_id and targets.get(rel_id.group(1)) in names:
            members.append((html.unescape(name.group(1)), targets[rel_id.group(1)]))
    return members
