import io

import pytest
from openpyxl import load_workbook

from declarations.spreadsheets.columns import (
    GOODS_COLUMNS,
    HEAD_COLUMNS,
    SHEET_CODES,
    SHEET_GOODS,
    SHEET_HEAD,
    SHEET_INSTRUCTIONS,
)
from declarations.spreadsheets.master_bill_sheet import SHEET_MASTER_BILLS
from declarations.spreadsheets.template import template_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def book(codes):
    return load_workbook(io.BytesIO(template_bytes()))


def test_sheets_and_hidden_codes(book):
    assert book.sheetnames == [SHEET_INSTRUCTIONS, SHEET_HEAD, SHEET_GOODS, SHEET_MASTER_BILLS, SHEET_CODES]
    assert book[SHEET_CODES].sheet_state == "hidden"
    assert book[SHEET_HEAD].sheet_state == "visible"


def test_header_cells_read_label_and_key_with_required_star(book):
    head = [cell.value for cell in book[SHEET_HEAD][1]]
    assert head == [c.header for c in HEAD_COLUMNS]
    assert "*订单编号 (orderNo)" in head
    assert "备注 (note)" in head
    goods = [cell.value for cell in book[SHEET_GOODS][1]]
    assert goods == [c.header for c in GOODS_COLUMNS]
    assert "*商品编码 (gcode)" in goods


def test_coded_columns_have_dropdowns_on_the_codes_sheet(book):
    ws = book[SHEET_GOODS]
    letters = {c.key: chr(ord("A") + i) for i, c in enumerate(GOODS_COLUMNS)}
    validations = {str(v.sqref): v.formula1 for v in ws.data_validations.dataValidation}
    unit = validations[f"{letters['unit']}2:{letters['unit']}1048576"]
    assert unit.startswith("'代码 Codes'!$")
    codes = book[SHEET_CODES]
    column = unit.split("!$")[1].split("$")[0]
    assert "007 个" in [cell.value for cell in codes[column]][1:]


def test_code_columns_are_text_formatted(book):
    ws = book[SHEET_GOODS]
    index = [c.key for c in GOODS_COLUMNS].index("unit")
    assert ws.column_dimensions[chr(ord("A") + index)].number_format == "@"
