"""Workbooks written by hand (zip + XML), for what openpyxl will not write: cells without a dimension far
away, error cells, formulas without a saved value, cells without references, broken XML."""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape

from declarations.spreadsheets.columns import GOODS_COLUMNS, HEAD_COLUMNS, SHEET_GOODS, SHEET_HEAD
from declarations.spreadsheets.scan import column_letter

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/worksheets/sheet2.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
    f'<sheet name="{SHEET_HEAD}" sheetId="1" r:id="rId1"/><sheet name="{SHEET_GOODS}" sheetId="2" r:id="rId2"/>'
    "</sheets></workbook>"
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'worksheet" Target="worksheets/sheet2.xml"/></Relationships>'
)


def inline(ref: str, value) -> str:
    """A cell as Excel writes it: numbers as <v>, text inline, ('error', '#N/A') and ('formula', f, v)."""
    if value is None:
        return ""
    if isinstance(value, tuple) and value[0] == "error":
        return f'<c r="{ref}" t="e"><v>{escape(value[1])}</v></c>'
    if isinstance(value, tuple) and value[0] == "formula":
        saved = f"<v>{value[2]}</v>" if len(value) > 2 and value[2] is not None else ""
        return f'<c r="{ref}"><f>{escape(value[1])}</f>{saved}</c>'
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f'<c r="{ref}"><v>{value}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'


def sheet_xml(rows: list[list], *, dimension: str | None = None, extra_cells: str = "") -> str:
    """``rows`` from row 1 (the header); ``extra_cells`` raw XML appended as the last row(s)."""
    body = []
    for r, values in enumerate(rows, start=1):
        cells = "".join(inline(f"{column_letter(c)}{r}", v) for c, v in enumerate(values, start=1))
        body.append(f'<row r="{r}">{cells}</row>')
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{dim}'
        f"<sheetData>{''.join(body)}{extra_cells}</sheetData></worksheet>"
    )


def data_rows(columns, rows: list[dict]) -> list[list]:
    return [[c.header for c in columns], *[[row.get(c.key) for c in columns] for row in rows]]


def handmade_workbook(
    heads: list[dict], goods: list[dict], *, head_xml: str | None = None, goods_xml: str | None = None
) -> bytes:
    members = {
        "[Content_Types].xml": CONTENT_TYPES,
        "_rels/.rels": ROOT_RELS,
        "xl/workbook.xml": WORKBOOK,
        "xl/_rels/workbook.xml.rels": WORKBOOK_RELS,
        "xl/worksheets/sheet1.xml": head_xml or sheet_xml(data_rows(HEAD_COLUMNS, heads)),
        "xl/worksheets/sheet2.xml": goods_xml or sheet_xml(data_rows(GOODS_COLUMNS, goods)),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, text in members.items():
            archive.writestr(name, text.encode("utf-8") if isinstance(text, str) else text)
    return buffer.getvalue()
