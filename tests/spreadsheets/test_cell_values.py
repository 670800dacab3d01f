"""No value is ever guessed (issue 20 parts 1 and 2): an ambiguous comma, a spreadsheet error value and a formula
without a saved result are each one error on their cell; the clean twins import with exactly the values typed."""

from decimal import Decimal

import pytest

from declarations.choices import ImportState
from declarations.models import Declaration
from declarations.spreadsheets.reader import normalise_decimal

from .conftest import fill_template, goods_row, head_row, report_book, report_errors, run_import
from .handmade import handmade_workbook

pytestmark = pytest.mark.django_db
HEAD, GOODS = "表头 Declarations", "表体 Goods"


@pytest.mark.parametrize("text", ["12,50", "125,00", "1,2345", "1.250,00", "1,25,000", ",500", "1,250,00"])
def test_a_comma_that_is_not_a_thousands_separator_is_never_guessed(text):
    assert normalise_decimal(text) == text  # passed on as text: the importer says why on the cell


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("1,250.00", Decimal("1250.00")),
        ("12,500", Decimal("12500")),
        ("1,250,000.5", Decimal("1250000.5")),
        ("-1,250", Decimal("-1250")),
        ("１２,５００", Decimal("12500")),  # full-width digits and comma fold as before
        ("1 250.5", Decimal("1250.5")),  # spaces too
        ("12.50", Decimal("12.50")),
    ],
)
def test_a_thousands_separator_that_is_right_is_read(text, number):
    assert normalise_decimal(text) == number


def test_decimal_commas_are_one_error_each_on_their_cell(registered, exporter_a, user_a):
    good = head_row(exporter_a, 1)
    bad = head_row(exporter_a, 2)
    goods = [goods_row("COP-00001"), goods_row("COP-00002", price="12,50", totalPrice="125,00")]
    job = run_import(user_a, fill_template([good, bad], goods))

    assert job.state == ImportState.DONE
    assert list(Declaration.objects.values_list("cop_no", flat=True)) == ["COP-00001"]
    assert report_errors(report_book(job)) == [
        (GOODS, 3, "price", "AMBIGUOUS_NUMBER"),
        (GOODS, 3, "totalPrice", "AMBIGUOUS_NUMBER"),
    ]
    first = job.counts["first_errors"][0]
    assert first["cell"] == "Q3"
    assert first["copNo"] == "COP-00002"
    assert first["message"] == (
        "“12,50” is not a clear number: a comma may only separate thousands (1,250.00 or 12,500). Write a "
        "decimal point (12.50), without the comma."
    )


def test_thousands_separators_import_with_exactly_the_values_typed(registered, exporter_a, user_a):
    head = head_row(exporter_a, 1, freight="1,000", grossWeight="12,500", netWeight="12,000.5")
    goods = [goods_row("COP-00001", qty="1", qty1="1", price="1,250.00", totalPrice="1,250.00")]
    job = run_import(user_a, fill_template([head], goods))

    assert job.state == ImportState.DONE
    assert job.counts["errors"] == 0, job.counts["first_errors"]
    declaration = Declaration.objects.get()
    line = declaration.lines.get()
    assert (declaration.freight, declaration.gross_weight, declaration.net_weight) == (
        Decimal("1000"),
        Decimal("12500"),
        Decimal("12000.5"),
    )
    assert (line.price, line.total_price) == (Decimal("1250"), Decimal("1250"))


@pytest.mark.parametrize("value", ["#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!"])
def test_every_error_value_is_an_error_on_its_cell(registered, exporter_a, user_a, value):
    head = head_row(exporter_a, 1, ownerCode=("error", value), ownerName="乙生产有限公司")
    job = run_import(user_a, handmade_workbook([head], [goods_row("COP-00001")]))

    assert Declaration.objects.count() == 0
    assert report_errors(report_book(job)) == [(HEAD, 2, "ownerCode", "CELL_ERROR_VALUE")]
    assert job.counts["first_errors"][0]["message"] == (
        f"The cell holds the error value “{value}” (a formula that failed, such as a VLOOKUP that found "
        "nothing); type the value."
    )


def test_an_error_value_in_a_required_goods_cell_is_said_once(registered, exporter_a, user_a):
    goods = goods_row("COP-00001", price=("error", "#DIV/0!"))
    job = run_import(user_a, handmade_workbook([head_row(exporter_a, 1)], [goods]))

    assert Declaration.objects.count() == 0
    assert report_errors(report_book(job)) == [(GOODS, 2, "price", "CELL_ERROR_VALUE")]  # not also REQUIRED


def test_a_formula_without_a_saved_result_says_how_to_fix_it(registered, exporter_a, user_a):
    """openpyxl, like many tools, writes formulas without computing them."""
    head = head_row(exporter_a, 1, freight="=80+20")
    job = run_import(user_a, fill_template([head], [goods_row("COP-00001")], formulas_as_text=False))

    assert Declaration.objects.count() == 0
    assert report_errors(report_book(job)) == [(HEAD, 2, "freight", "FORMULA_WITHOUT_VALUE")]
    assert job.counts["first_errors"][0]["message"] == (
        "The cell holds the formula “=80+20” without a saved result. Open and save the workbook in Excel or "
        "WPS so the values are computed, or type the value."
    )


def test_a_formula_with_a_saved_result_keeps_its_value(registered, exporter_a, user_a):
    """Clean twin: what Excel or WPS saved is used, formula and all."""
    head = head_row(exporter_a, 1, freight=("formula", "80+20", 100))
    goods = goods_row("COP-00001", totalPrice=("formula", "P2*K2", 320))
    job = run_import(user_a, handmade_workbook([head], [goods]))

    assert job.state == ImportState.DONE
    assert job.counts["errors"] == 0, job.counts["first_errors"]
    declaration = Declaration.objects.get()
    assert declaration.freight == Decimal("100")
    assert declaration.lines.get().total_price == Decimal("320")


def test_a_broker_workbook_with_every_case_gets_one_finding_per_case(registered, exporter_a, user_a):
    heads = [
        head_row(exporter_a, 1),
        head_row(
            exporter_a,
            2,
            ownerCode=("error", "#N/A"),
            ownerName="乙生产有限公司",
            freight=("formula", "80+20"),
        ),
        head_row(exporter_a, 3, logisticsCode="", logisticsName="示例国际物流有限公司"),
    ]
    goods = [
        goods_row("COP-00001", price="1,250.00", totalPrice="1,250.00", qty="1", qty1="1"),
        goods_row("COP-00002", price="12,50", totalPrice="125,00"),
        goods_row("COP-00003"),
    ]
    job = run_import(user_a, handmade_workbook(heads, goods), dry_run=True)

    assert [(e["sheet"], e["cell"], e["code"]) for e in job.counts["first_errors"]] == [
        (HEAD, "AA3", "FORMULA_WITHOUT_VALUE"),
        (HEAD, "N3", "CELL_ERROR_VALUE"),
        (HEAD, "K4", "PARTY_CODE_MISSING"),
        (GOODS, "Q3", "AMBIGUOUS_NUMBER"),
        (GOODS, "R3", "AMBIGUOUS_NUMBER"),
    ]
    assert (job.counts["create"], job.counts["reject"]) == (1, 2)
