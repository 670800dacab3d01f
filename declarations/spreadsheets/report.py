"""The annotated error workbook: the uploaded rows written back, bad cells red with a comment, a status
column per row and an errors sheet. Written in openpyxl's write-only mode so 100,000 rows stay cheap.

Every text written back is formula-injection safe: a leading = + - @ (or tab / CR) is escaped with an apostrophe.
"""

from __future__ import annotations

import datetime
import io
from collections import defaultdict
from dataclasses import dataclass

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill

from declarations.code_labels import TABLES, code_label

from .columns import SHEET_COLUMNS, SHEET_ERRORS, SHEET_GOODS, SHEET_HEAD, STATUS_HEADER
from .reader import Sheet
from .reader import Workbook as ReadWorkbook

ERROR_FILL = PatternFill("solid", fgColor="FFC7CE")
WARNING_FILL = PatternFill("solid", fgColor="FFEB9C")
HEADER_FONT = Font(bold=True)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class CellError:
    """One problem found in the file; ``key`` is the column key, "" when it concerns the whole row."""

    sheet: str  # the sheet's name in the uploaded file
    row: int  # 1-based Excel row; 1 is the header row
    key: str
    code: str
    message: str
    severity: str = "error"


def safe_value(value):
    """A cell value that cannot run as a formula and that openpyxl can write."""
    if isinstance(value, datetime.timedelta | datetime.time) and not isinstance(value, datetime.datetime):
        value = str(value)
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if value.startswith(_FORMULA_START):
            return "'" + value
    return value


def _comment(errors: list[CellError]) -> Comment:
    text = "\n".join(f"[{e.code}] {e.message}" for e in errors)
    return Comment(text[:30000], "Exporter Portal", width=320, height=120)


def _write_data_sheet(
    book: Workbook, sheet: Sheet, errors: list[CellError], statuses: dict[int, str]
) -> None:
    ws = book.create_sheet(sheet.name)
    by_cell: dict[tuple[int, int], list[CellError]] = defaultdict(list)
    by_row: dict[int, list[CellError]] = defaultdict(list)
    status_col = len(sheet.headers)
    for error in errors:
        index = sheet.columns.get(error.key, status_col) if error.row > 1 else None
        if error.row == 1:
            index = next((i for i, text in sheet.unknown if str(text) == error.key), status_col)
        by_cell[(error.row, index)].append(error)
        by_row[error.row].append(error)

    def cell(value, row: int, index: int) -> WriteOnlyCell:
        out = WriteOnlyCell(ws, value=safe_value(value))
        found = by_cell.get((row, index))
        if found:
            worst = any(e.severity == "error" for e in found)
            out.fill = ERROR_FILL if worst else WARNING_FILL
            out.comment = _comment(found)
        return out

    header = [cell(text, 1, i) for i, text in enumerate(sheet.headers)]
    header.append(cell(STATUS_HEADER, 1, status_col))
    for item in header:
        item.font = HEADER_FONT
    ws.append(header)
    width = len(sheet.headers)
    for number, raw in zip(sheet.numbers, sheet.raw, strict=True):
        cells = list(raw[:width]) + [None] * (width - len(raw))
        out = [cell(value, number, i) for i, value in enumerate(cells)]
        out.append(cell(statuses.get(number, ""), number, status_col))
        ws.append(out)


def _value_texts(sheets, errors: list[CellError]) -> dict[tuple[str, int, str], str]:
    """Each error's cell value as written, a code with its name ("502 美国"): the errors sheet says what was
    found, not only where."""
    wanted = {(e.sheet, e.row, e.key) for e in errors if e.key and e.row > 1}
    texts: dict[tuple[str, int, str], str] = {}
    for sheet, columns in sheets:
        if not sheet.present:
            continue
        rows = dict(zip(sheet.numbers, sheet.raw, strict=True))
        coded = {c.key: c.codes for c in columns if c.codes in TABLES}
        for name, row, key in wanted:
            if name != sheet.name or row not in rows or key not in sheet.columns:
                continue
            raw = rows[row]
            index = sheet.columns[key]
            value = raw[index] if index < len(raw) else None
            if value is None or value == "":
                continue
            text = str(value).strip()
            texts[(name, row, key)] = code_label(coded[key], text) if key in coded else text
    return texts


def build_report(
    workbook: ReadWorkbook, errors: list[CellError], statuses: dict[tuple[str, int], str]
) -> bytes:
    """``statuses`` maps (sheet name, row) to the row's outcome in the user's language."""
    book = Workbook(write_only=True)
    for sheet in (workbook.head, workbook.goods):
        if not sheet.present:
            continue
        _write_data_sheet(
            book,
            sheet,
            [e for e in errors if e.sheet == sheet.name],
            {row: text for (name, row), text in statuses.items() if name == sheet.name},
        )
    ws = book.create_sheet(SHEET_ERRORS)
    titles = [_("Sheet"), _("Row"), _("Column"), _("Code"), _("Message"), _("Severity"), _("Value")]
    ws.append([WriteOnlyCell(ws, value=safe_value(t)) for t in titles])
    values = _value_texts(
        [(workbook.head, SHEET_COLUMNS[SHEET_HEAD]), (workbook.goods, SHEET_COLUMNS[SHEET_GOODS])], errors
    )
    for e in sorted(errors, key=lambda e: (e.sheet, e.row, e.key)):
        value = values.get((e.sheet, e.row, e.key), "")
        ws.append([safe_value(v) for v in (e.sheet, e.row, e.key, e.code, e.message, e.severity, value)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
