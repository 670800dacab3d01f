"""The annotated error workbook: the uploaded rows written back, bad cells red with a comment, a status
column per row and an errors sheet. Written in openpyxl's write-only mode so 100,000 rows stay cheap.

The report is made to be corrected and uploaded again: the data sheets keep the template's dropdowns (data
validations on the code columns, wherever the upload put them) and its hidden code sheet, and the errors sheet
names each problem's declaration (copNo), cell, column header and severity in the user's language.

Every text written back is formula-injection safe: a leading = + - @ (or tab / CR) is escaped with an
apostrophe; every character XML 1.0 refuses (controls, U+FFFE, U+FFFF, lone surrogates) is dropped.
"""

from __future__ import annotations

import bisect
import datetime
import io
import re
from collections import defaultdict
from dataclasses import dataclass

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from declarations.code_labels import TABLES, code_label

from .columns import SHEET_CODES, SHEET_COLUMNS, SHEET_ERRORS, SHEET_GOODS, SHEET_HEAD, STATUS_HEADER
from .reader import Sheet
from .reader import Workbook as ReadWorkbook
from .scan import column_letter

# Everything outside XML 1.0's Char production: C0 controls but tab/LF/CR, lone surrogates, U+FFFE, U+FFFF.
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
FIRST_ERRORS = 50  # shown on the job page

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
        value = xml_text(value)
        if value.startswith(_FORMULA_START):
            return "'" + value
    return value


def xml_text(text: str) -> str:
    """``text`` without the characters an XML file cannot hold (every report writer's last step)."""
    return XML_ILLEGAL.sub("", text)


def _comment(errors: list[CellError]) -> Comment:
    text = "\n".join(f"[{e.code}] {e.message}" for e in errors)
    return Comment(xml_text(text)[:30000], "Exporter Portal", width=320, height=120)


def _add_dropdowns(ws, sheet: Sheet, wanted: str, ranges: dict[str, str]) -> None:
    """The template's dropdowns on the code columns, at the letters the uploaded sheet gave them."""
    for column in SHEET_COLUMNS[wanted]:
        index = sheet.columns.get(column.key)
        if index is None or column.codes not in ranges:
            continue
        letter = column_letter(index + 1)
        validation = DataValidation(type="list", formula1=ranges[column.codes], allow_blank=True)
        validation.add(f"{letter}2:{letter}1048576")
        ws.data_validations.append(validation)


def _code_ranges(lists: dict[str, list[str]]) -> dict[str, str]:
    """Each code list's range on the hidden code sheet (one column per list, as in the template)."""
    ranges = {}
    for i, (name, values) in enumerate(lists.items(), start=1):
        letter = column_letter(i)
        ranges[name] = f"{quote_sheetname(SHEET_CODES)}!${letter}$2:${letter}${max(2, len(values) + 1)}"
    return ranges


def _write_codes(book: Workbook, lists: dict[str, list[str]]) -> None:
    """The hidden code sheet behind the dropdowns, as in the template."""
    ws = book.create_sheet(SHEET_CODES)
    names = list(lists)
    ws.append(names)
    longest = max((len(values) for values in lists.values()), default=0)
    for row in range(longest):
        ws.append([safe_value(lists[name][row]) if row < len(lists[name]) else None for name in names])
    ws.sheet_state = "hidden"


def _write_data_sheet(
    book: Workbook,
    sheet: Sheet,
    errors: list[CellError],
    statuses: dict[int, str],
    wanted: str = "",
    ranges: dict[str, str] | None = None,
) -> None:
    ws = book.create_sheet(sheet.name)
    if ranges:
        _add_dropdowns(ws, sheet, wanted, ranges)
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


def _cop_numbers(sheet: Sheet):
    """Row number -> the row's copNo (rows are in order: a bisection, no dict of 100,000 rows)."""
    cops = sheet.data.get("copNo") or []

    def cop_of(row: int) -> str:
        at = bisect.bisect_left(sheet.numbers, row)
        if at < len(sheet.numbers) and sheet.numbers[at] == row and at < len(cops):
            return str(cops[at] or "")
        return ""

    return cop_of


def error_rows(workbook: ReadWorkbook, errors: list[CellError], limit: int | None = None) -> list[dict]:
    """The errors as the report's errors sheet and the job page show them, in sheet and row order.

    Each: sheet, row, cell ('Q7'), copNo, column (the header as uploaded, without its '*'), code, message,
    severity (in the user's language) and key (the column key, for programs).
    """
    # extra_sheets: the master bill sheet (services/master_bill_import.py), so its errors name their cells too
    sheets = {
        sheet.name: sheet for sheet in (workbook.head, workbook.goods, *getattr(workbook, "extra_sheets", ()))
    }
    order = {workbook.head.name: 0, workbook.goods.name: 1}
    cop_of = {name: _cop_numbers(sheet) for name, sheet in sheets.items() if sheet.present}
    severities = {"error": _("Error"), "warning": _("Warning")}
    chosen = sorted(errors, key=lambda e: (order.get(e.sheet, 2), e.row, e.key))
    if limit is not None:
        chosen = chosen[:limit]
    rows = []
    for e in chosen:
        sheet = sheets.get(e.sheet)
        index = sheet.columns.get(e.key) if sheet is not None and e.row > 1 else None
        if sheet is not None and e.row == 1:
            index = next((i for i, text in sheet.unknown if str(text) == e.key), None)
        header = str(sheet.headers[index]).strip().lstrip("*").strip() if index is not None else ""
        rows.append(
            {
                "sheet": e.sheet,
                "row": e.row,
                "cell": f"{column_letter(index + 1)}{e.row}" if index is not None else "",
                "copNo": cop_of[e.sheet](e.row) if e.sheet in cop_of and e.row > 1 else "",
                "column": header,
                "key": e.key,
                "code": e.code,
                "message": e.message,
                "severity": severities.get(e.severity, e.severity),
            }
        )
    return rows


ERROR_FIELDS = ("sheet", "row", "cell", "copNo", "column", "code", "message", "severity")


def build_report(
    workbook: ReadWorkbook,
    errors: list[CellError],
    statuses: dict[tuple[str, int], str],
    lists: dict[str, list[str]] | None = None,
) -> bytes:
    """``statuses`` maps (sheet name, row) to the row's outcome in the user's language; ``lists`` are the
    template's code lists (template.code_lists), kept as the hidden code sheet behind the dropdowns."""
    book = Workbook(write_only=True)
    ranges = _code_ranges(lists) if lists else {}
    for sheet in (workbook.head, workbook.goods):
        if not sheet.present:
            continue
        wanted = SHEET_HEAD if sheet is workbook.head else SHEET_GOODS
        _write_data_sheet(
            book,
            sheet,
            [e for e in errors if e.sheet == sheet.name],
            {row: text for (name, row), text in statuses.items() if name == sheet.name},
            wanted,
            ranges,
        )
    ws = book.create_sheet(SHEET_ERRORS)
    titles = [
        _("Sheet"),
        _("Row"),
        _("Cell"),
        _("Enterprise document number (copNo)"),
        _("Column"),
        _("Code"),
        _("Message"),
        _("Severity"),
        _("Value"),
    ]
    ws.append([WriteOnlyCell(ws, value=safe_value(t)) for t in titles])
    values = _value_texts(
        [(workbook.head, SHEET_COLUMNS[SHEET_HEAD]), (workbook.goods, SHEET_COLUMNS[SHEET_GOODS])], errors
    )
    for item in error_rows(workbook, errors):
        value = values.get((item["sheet"], item["row"], item["key"]), "")
        ws.append([safe_value(item[name]) for name in ERROR_FIELDS] + [safe_value(value)])
    if lists:
        _write_codes(book, lists)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
