"""The sheet scan finds the real extent whatever the XML looks like, and the cells calamine reads as blank."""

import io
import zipfile

import pytest

from declarations.spreadsheets import scan
from declarations.spreadsheets.scan import SheetUnreadable, column_letter, column_number, scan_sheet

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def _scan(sheet_data: str, *, prefix: str = "", chunk: int | None = None, monkeypatch=None, **limits):
    root = f"{prefix}worksheet"
    xmlns = NS.replace("xmlns=", f"xmlns:{prefix[:-1]}=") if prefix else NS
    xml = f'<?xml version="1.0"?><{root} {xmlns}><{prefix}sheetData>{sheet_data}</{prefix}sheetData></{root}>'
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("s.xml", xml)
    if chunk and monkeypatch:
        monkeypatch.setattr(scan, "CHUNK", chunk)
    options = {"max_rows": 200_001, "max_columns": 200, "max_cells": 8_000_000} | limits
    return scan_sheet(zipfile.ZipFile(buffer), "s.xml", **options)


def test_letters_and_numbers():
    assert [column_number(x) for x in ("A", "Z", "AA", "AH", "XFD")] == [1, 26, 27, 34, 16384]
    assert [column_letter(n) for n in (1, 26, 27, 34, 16384)] == ["A", "Z", "AA", "AH", "XFD"]


def test_the_far_corner_is_found_without_a_dimension():
    with pytest.raises(SheetUnreadable) as exc:
        _scan('<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')
    assert exc.value.params == {"cell": "XFD1048576", "rows": 1048576, "columns": 16384}


def test_a_far_cell_in_a_near_row_is_found():
    """calamine places a cell by its own reference, not by its row's."""
    with pytest.raises(SheetUnreadable) as exc:
        _scan(
            '<row r="1"><c r="A1"><v>1</v></c><c r="AH1"><v>1</v></c></row>'
            '<row r="2"><c r="B1048576"><v>1</v></c></row>'
        )
    assert exc.value.params["cell"] == "AH1048576"


def test_rows_across_blocks_and_single_letter_columns(monkeypatch):
    rows = "".join(
        f'<row r="{r}"><c r="A{r}"><v>1</v></c><c r="Y{r}"><v>2</v></c></row>' for r in range(1, 3001)
    )
    found = _scan(rows, chunk=4096, monkeypatch=monkeypatch)
    assert (found.rows, found.columns) == (3000, 25)


def test_a_namespace_prefix_is_read_exactly():
    with pytest.raises(SheetUnreadable) as exc:
        _scan(
            '<x:row r="1"><x:c r="A1"><x:v>1</x:v></x:c><x:c r="ZZ1"><x:v>1</x:v></x:c></x:row>', prefix="x:"
        )
    assert exc.value.params["columns"] == 702


def test_cells_without_references_follow_each_other():
    found = _scan("<row>" + "<c><v>1</v></c>" * 30 + "</row><row><c><v>1</v></c></row>")
    assert (found.rows, found.columns) == (2, 30)


def test_error_values_and_formulas_without_a_saved_result():
    found = _scan(
        '<row r="2"><c r="A2" t="e"><v>#N/A</v></c><c r="B2"><f>80+20</f></c>'
        '<c r="C2"><f>1+1</f><v>2</v></c><c r="D2" t="e"><f>1/0</f><v>#DIV/0!</v></c>'
        '<c r="E2"><f t="shared" si="0"/><v></v></c></row>'
    )
    assert found.errors == {(2, 0): "#N/A", (2, 3): "#DIV/0!"}
    assert found.formulas == {(2, 1): "=80+20", (2, 4): "="}


def test_a_document_type_declaration_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("s.xml", '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><worksheet/>')
    with pytest.raises(SheetUnreadable) as exc:
        scan_sheet(zipfile.ZipFile(buffer), "s.xml", max_rows=10, max_columns=10, max_cells=100)
    assert exc.value.reason == "doctype"
