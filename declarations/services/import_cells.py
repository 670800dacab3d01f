"""What the import says about a workbook it cannot read safely, and about cells whose value it cannot use.

Split from imports.py: the upload-time XML and extent check (one streamed pass over each data sheet), the
messages for a refused grid, and the findings of the reader's flagged cells (error values, formulas without
a saved result, numbers with an ambiguous comma).
"""

from __future__ import annotations

import zipfile

from django.conf import settings
from django.utils.translation import gettext as _
from lxml import etree
from python_calamine import CalamineError, PasswordError, WorksheetNotFound, XmlError, ZipError

from declarations.spreadsheets.reader import (
    AMBIGUOUS_NUMBER,
    CELL_ERROR_VALUE,
    FORMULA_WITHOUT_VALUE,
    Limits,
)
from declarations.spreadsheets.scan import SheetScan, SheetUnreadable, column_letter, scan_sheet

# Errors python-calamine raises on a workbook it cannot parse: refused with a message, never "failed unexpectedly".
CALAMINE_ERRORS = (CalamineError, XmlError, ZipError, PasswordError, WorksheetNotFound)
# Parts calamine parses besides the data sheets: each must be well-formed XML without a DTD.
_XML_PARTS = ("[Content_Types].xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/sharedStrings.xml")


XML_CHECK_BYTES = 16 * 1024 * 1024  # data sheets up to this size (about 15,000 goods lines) are fully parsed


def import_limits(max_rows: int) -> Limits:
    """The grid bounds of a data sheet (settings IMPORT_MAX_COLUMNS and IMPORT_MAX_CELLS override them)."""
    return Limits(
        max_rows=max_rows + 1,  # the header row
        max_columns=int(getattr(settings, "IMPORT_MAX_COLUMNS", Limits.max_columns)),
        max_cells=int(getattr(settings, "IMPORT_MAX_CELLS", Limits.max_cells)),
    )


class _Discard:
    """An lxml parser target that keeps nothing: the parse only proves the XML well-formed."""

    def close(self):
        return None


def _xml_parser() -> etree.XMLParser:
    return etree.XMLParser(
        target=_Discard(), resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )


def _refuse_part(member: str, error: Exception | None = None):
    from declarations.services.imports import ImportRejected

    return ImportRejected(
        _(
            "The workbook cannot be read: its part “%(part)s” is not well-formed XML%(detail)s. Open it in "
            "Excel or WPS, save it as .xlsx and upload it again."
        )
        % {"part": member, "detail": f" ({error})" if error else ""}
    )


def check_xml_part(archive: zipfile.ZipFile, member: str) -> None:
    """Raise ImportRejected unless ``member`` is well-formed XML without a document type declaration."""
    parser = _xml_parser()
    try:
        with archive.open(member) as stream:
            first = True
            while block := stream.read(1024 * 1024):
                if first and (b"<!DOCTYPE" in block[:4096].upper() or b"<!ENTITY" in block[:4096].upper()):
                    raise _refuse_part(member)
                first = False
                parser.feed(block)
        parser.close()
    except etree.XMLSyntaxError as exc:
        raise _refuse_part(member, exc.msg) from exc


def scan_upload(
    archive: zipfile.ZipFile, names: set[str], members: list[tuple[str, str]], limits: Limits
) -> dict[str, SheetScan]:
    """At upload: the XML parts calamine reads are well-formed, and each data sheet's real grid is bounded.

    One streamed pass per data sheet: the extent scan and an incremental XML parser share the blocks.
    """
    for part in _XML_PARTS:
        if part in names:
            check_xml_part(archive, part)
    scans = {}
    xml_bytes = int(getattr(settings, "IMPORT_XML_CHECK_BYTES", XML_CHECK_BYTES))
    for sheet, member in members:
        # A full XML parse of a 100 MB sheet costs as much as a tenth of the import: above the bound only the
        # scan's checks (DTD, extent) run here, and a sheet calamine then refuses fails with a clear message.
        parser = _xml_parser() if archive.getinfo(member).file_size <= xml_bytes else None
        try:
            scans[sheet] = scan_sheet(
                archive,
                member,
                max_rows=limits.max_rows,
                max_columns=limits.max_columns,
                max_cells=limits.max_cells,
                xml_check=parser.feed if parser is not None else None,
            )
            if parser is not None:
                parser.close()
        except etree.XMLSyntaxError as exc:
            raise _refuse_part(sheet, exc.msg) from exc
        except SheetUnreadable as exc:
            raise refusal(exc, limits, sheet) from exc
    return scans


def refusal(exc: SheetUnreadable, limits: Limits, sheet: str = ""):
    """The ImportRejected for a sheet the scan refused, in the user's language."""
    from declarations.services.imports import ImportRejected

    sheet = exc.params.get("sheet", sheet)
    if exc.reason == "too_big":
        return ImportRejected(
            _(
                "The sheet “%(sheet)s” has cells up to %(cell)s (%(rows)s rows × %(columns)s columns); at most "
                "%(max_rows)s rows, %(max_columns)s columns and %(max_cells)s cells are read. Delete the rows "
                "and columns beyond your data (select them, Delete), save and upload again."
            )
            % {
                "sheet": sheet,
                "cell": exc.params["cell"],
                "rows": f"{exc.params['rows']:,}",
                "columns": f"{exc.params['columns']:,}",
                "max_rows": f"{limits.max_rows:,}",
                "max_columns": f"{limits.max_columns:,}",
                "max_cells": f"{limits.max_cells:,}",
            }
        )
    if exc.reason == "doctype":
        return _refuse_part(sheet)
    return ImportRejected(
        _(
            "The sheet “%(sheet)s” cannot be read safely (%(reason)s). Save it again in Excel or WPS and upload it."
        )
        % {"sheet": sheet, "reason": exc.reason}
    )


def unreadable_workbook(exc: Exception):
    """The ImportRejected for a workbook python-calamine could not parse."""
    from declarations.services.imports import ImportRejected

    return ImportRejected(
        _(
            "The workbook cannot be read (%(error)s). Open it in Excel or WPS, save it as .xlsx and upload it "
            "again."
        )
        % {"error": exc.__class__.__name__}
    )


def flagged_message(code: str, value: str) -> str:
    """The message of a cell the reader could not use (see reader.Sheet.flagged)."""
    if code == CELL_ERROR_VALUE:
        return _(
            "The cell holds the error value “%(value)s” (a formula that failed, such as a VLOOKUP that found "
            "nothing); type the value."
        ) % {"value": value}
    if code == FORMULA_WITHOUT_VALUE:
        return _(
            "The cell holds the formula “%(formula)s” without a saved result. Open and save the workbook in "
            "Excel or WPS so the values are computed, or type the value."
        ) % {"formula": value}
    if code == AMBIGUOUS_NUMBER:
        return _(
            "“%(value)s” is not a clear number: a comma may only separate thousands (1,250.00 or 12,500). "
            "Write a decimal point (12.50), without the comma."
        ) % {"value": value}
    raise ValueError(code)


def cell_name(sheet, row: int, key: str) -> str:
    """'M7' for the column ``key`` of ``sheet`` (a reader Sheet) on ``row``; '' when the column is absent."""
    index = sheet.columns.get(key)
    return f"{column_letter(index + 1)}{row}" if index is not None else ""
