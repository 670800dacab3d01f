import io

import pytest
from openpyxl import Workbook

from declarations.choices import ImportState
from declarations.models import Declaration
from declarations.spreadsheets.columns import GOODS_COLUMNS, HEAD_COLUMNS, SHEET_GOODS, SHEET_HEAD
from declarations.spreadsheets.reader import match_columns

from .conftest import goods_row, head_row, report_book, report_errors, run_import

pytestmark = pytest.mark.django_db


def _workbook(head_headers, heads, goods_headers, goods) -> bytes:
    book = Workbook()
    book.active.title = SHEET_HEAD
    ws = book.active
    ws.append([header for header, _key in head_headers])
    for row in heads:
        ws.append([row.get(key, "") for _header, key in head_headers])
    ws = book.create_sheet(SHEET_GOODS)
    ws.append([header for header, _key in goods_headers])
    for row in goods:
        ws.append([row.get(key, "") for _header, key in goods_headers])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_match_by_key_label_or_both_in_any_order():
    found, unknown = match_columns(
        ["订单编号", "(copNo)", "*监管方式 (mode)", "grossweight", "Whatever"], HEAD_COLUMNS
    )
    assert found == {"orderNo": 0, "copNo": 1, "mode": 2, "grossWeight": 3}
    assert unknown == [(4, "Whatever")]


def test_key_wins_over_a_wrong_label():
    found, unknown = match_columns(["订单编号 (copNo)"], HEAD_COLUMNS)
    assert found == {"copNo": 0}
    assert unknown == []


def test_reversed_columns_labels_only_and_unknown_column_still_import(registered, exporter_a, user_a):
    head_headers = [(c.label, c.key) for c in reversed(HEAD_COLUMNS)] + [("客户备注 (customerMemo)", "memo")]
    goods_headers = [(f"({c.key})", c.key) for c in reversed(GOODS_COLUMNS)]
    content = _workbook(head_headers, [head_row(exporter_a, 1)], goods_headers, [goods_row("COP-00001")])

    job = run_import(user_a, content)

    assert job.state == ImportState.DONE, job.error_message
    assert job.counts["create"] == 1
    assert job.counts["unknown_columns"] == ["客户备注 (customerMemo)"]
    assert job.counts["errors"] == 0
    assert job.counts["warnings"] == 1
    assert Declaration.objects.get().order_no == "XL-ORDER-00001"
    errors = report_errors(report_book(job))
    assert errors[0] == (SHEET_HEAD, 1, "客户备注 (customerMemo)", "UNKNOWN_COLUMN")
