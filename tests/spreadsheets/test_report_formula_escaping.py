"""Values written back into the report can never run as formulas."""

import pytest

from declarations.models import Declaration
from declarations.spreadsheets.report import safe_value

from .conftest import fill_template, goods_row, head_row, report_book, report_errors, run_import

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("保温杯", "保温杯"),
        (-5, -5),
        ("bell\x07", "bell"),
    ],
)
def test_safe_value(value, expected):
    assert safe_value(value) == expected


def test_formula_text_in_a_rejected_row_is_escaped_in_the_report(registered, exporter_a, user_a):
    head = head_row(exporter_a, 1, note="=cmd|' /C calc'!A0", packNo="many")
    job = run_import(user_a, fill_template([head], [goods_row("COP-00001", gmodel="@SUM(1+1)")]))

    assert Declaration.objects.count() == 0
    book = report_book(job)
    ws = book["表头 Declarations"]
    headers = [cell.value for cell in ws[1]]
    note = ws.cell(row=2, column=headers.index("备注 (note)") + 1)
    assert note.value == "'=cmd|' /C calc'!A0"
    assert note.data_type == "s"
    goods = book["表体 Goods"]
    goods_headers = [cell.value for cell in goods[1]]
    assert goods.cell(row=2, column=goods_headers.index("*规格型号 (gmodel)") + 1).value == "'@SUM(1+1)"
    assert not any(cell.data_type == "f" for sheet in book for row in sheet.iter_rows() for cell in row)


def test_real_formula_cells_are_read_as_their_cached_value_only(registered, exporter_a, user_a):
    head = head_row(exporter_a, 1, orderNo='=CONCAT("A","B")')
    content = fill_template([head], [goods_row("COP-00001")], formulas_as_text=False)

    job = run_import(user_a, content)

    # no cached value: said on the cell, once (not also REQUIRED for the blank calamine reads)
    assert Declaration.objects.count() == 0
    errors = report_errors(report_book(job))
    assert errors == [("表头 Declarations", 2, "orderNo", "FORMULA_WITHOUT_VALUE")]
