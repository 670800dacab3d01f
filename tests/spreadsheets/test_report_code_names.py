"""The error workbook names the value each error is about; a code with its name ("5141 广州机场")."""

import pytest

from declarations import code_labels
from declarations.models import Declaration
from declarations.spreadsheets.reader import parse_header

from .conftest import fill_template, goods_row, head_row, report_book, run_import

pytestmark = pytest.mark.django_db


def _errors(job) -> dict[tuple, str]:
    sheet = report_book(job)["错误 Errors"]
    assert [cell.value for cell in sheet[1]][-1] == "Value"
    # Sheet, Row, Cell, copNo, Column "label (key)", Code, Message, Severity, Value
    return {
        (parse_header(row[4] or "")[1], row[5]): row[8]
        for row in sheet.iter_rows(min_row=2, values_only=True)
    }


def test_errors_sheet_shows_a_known_code_with_its_name(codes, exporter_a, user_a):
    # Not registered at 5141: the error is about a real office, so the sheet names it.
    job = run_import(user_a, fill_template([head_row(exporter_a, 1)], [goods_row("COP-00001")]))

    assert Declaration.objects.count() == 0
    value = _errors(job)[("customsCode", "REGISTRATION_MISSING")]
    assert value == code_labels.code_label("office", "5141")
    assert value.startswith("5141 ") and value != "5141 "
