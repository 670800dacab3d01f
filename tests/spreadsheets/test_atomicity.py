"""A declaration is stored whole or not at all; good declarations in the same file are stored; every error is
reported in one pass on the right cell."""

import pytest

from declarations.choices import ImportState
from declarations.models import Declaration, DeclarationLine
from declarations.spreadsheets.report import ERROR_FILL

from .conftest import fill_template, goods_row, head_row, report_book, report_errors, run_import

pytestmark = pytest.mark.django_db


def test_mixed_file_stores_exactly_the_good_declarations(registered, exporter_a, user_a):
    heads = [
        head_row(exporter_a, 1),
        head_row(exporter_a, 2, grossWeight="heavy"),  # bad head cell
        head_row(exporter_a, 3),  # bad goods line below
        head_row(exporter_a, 4),
    ]
    goods = [
        goods_row("COP-00001", 1),
        goods_row("COP-00002", 1),
        goods_row("COP-00003", 1),
        goods_row("COP-00003", 2, qty="-5", totalPrice="320"),
        goods_row("COP-00004", 1),
        goods_row("COP-00004", 2, qty="10", qty1="10", totalPrice="320"),
    ]
    job = run_import(user_a, fill_template(heads, goods))

    assert job.state == ImportState.DONE, job.error_message
    assert (job.counts["create"], job.counts["update"], job.counts["reject"]) == (2, 0, 2)
    assert sorted(Declaration.objects.values_list("cop_no", flat=True)) == ["COP-00001", "COP-00004"]
    assert DeclarationLine.objects.count() == 3

    book = report_book(job)
    head_ws, goods_ws = book["表头 Declarations"], book["表体 Goods"]
    headers = [cell.value for cell in head_ws[1]]
    gross = head_ws.cell(row=3, column=headers.index("*毛重(千克) (grossWeight)") + 1)
    assert gross.fill.fgColor.rgb.endswith(ERROR_FILL.fgColor.rgb[-6:])
    assert gross.comment.text.startswith("[INVALID_NUMBER] ")
    goods_headers = [cell.value for cell in goods_ws[1]]
    qty = goods_ws.cell(row=5, column=goods_headers.index("*申报数量 (qty)") + 1)
    assert qty.comment.text.startswith("[NEGATIVE_NUMBER] ")
    assert goods_ws.cell(row=4, column=goods_headers.index("*申报数量 (qty)") + 1).comment is None
    status = headers.index("状态 Status") + 1
    assert [head_ws.cell(row=r, column=status).value for r in range(2, 6)] == [
        "Created",
        "Rejected",
        "Rejected",
        "Created",
    ]
    errors = report_errors(book)
    assert errors == [  # the declarations sheet first, then the goods sheet, each row by row
        ("表头 Declarations", 3, "grossWeight", "INVALID_NUMBER"),
        ("表体 Goods", 5, "qty", "NEGATIVE_NUMBER"),
    ]


def test_goods_row_without_declaration_row_is_reported(registered, exporter_a, user_a):
    job = run_import(
        user_a, fill_template([head_row(exporter_a, 1)], [goods_row("COP-00001"), goods_row("NOPE")])
    )

    assert job.counts["create"] == 1
    errors = report_errors(report_book(job))
    assert errors == [("表体 Goods", 3, "copNo", "NO_DECLARATION_ROW")]


def test_copno_twice_in_the_file_rejects_the_second(registered, exporter_a, user_a):
    heads = [head_row(exporter_a, 1), head_row(exporter_a, 1, orderNo="OTHER", logisticsNo="SF9")]
    job = run_import(user_a, fill_template(heads, [goods_row("COP-00001")]))

    assert (job.counts["create"], job.counts["reject"]) == (1, 1)
    assert Declaration.objects.get().order_no == "XL-ORDER-00001"
    errors = report_errors(report_book(job))
    assert ("表头 Declarations", 3, "copNo", "DUPLICATE_IN_FILE") in errors


def test_same_order_number_twice_in_the_file(registered, exporter_a, user_a):
    heads = [head_row(exporter_a, 1), head_row(exporter_a, 2, orderNo="XL-ORDER-00001")]
    job = run_import(user_a, fill_template(heads, [goods_row("COP-00001"), goods_row("COP-00002")]))

    assert (job.counts["create"], job.counts["reject"]) == (1, 1)
    assert list(Declaration.objects.values_list("cop_no", flat=True)) == ["COP-00001"]
    errors = report_errors(report_book(job))
    assert errors == [("表头 Declarations", 3, "orderNo", "DUPLICATE_ORDER_NO")]
