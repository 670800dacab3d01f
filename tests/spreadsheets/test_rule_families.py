"""A finding of each rule family lands on the cell that holds the data."""

import pytest

from declarations.models import Declaration

from .conftest import fill_template, goods_row, head_row, report_book, report_errors, run_import

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("head", "goods", "expected"),
    [
        ({"customsCode": "514"}, {}, ("表头 Declarations", 2, "customsCode", "WRONG_LENGTH")),
        ({"country": "998"}, {}, ("表头 Declarations", 2, "country", "UNKNOWN_COUNTRY")),
        ({}, {"unit": "999"}, ("表体 Goods", 2, "unit", "UNKNOWN_UNIT")),
        ({}, {"totalPrice": "321"}, ("表体 Goods", 2, "totalPrice", "TOTAL_PRICE_MISMATCH")),
        ({"netWeight": "50"}, {}, ("表头 Declarations", 2, "netWeight", "NET_GT_GROSS")),
        ({"ebcCode": "9144000000000000XX"}, {}, ("表头 Declarations", 2, "ebcCode", "NOT_PERMITTED")),
    ],
)
def test_finding_lands_on_its_cell(registered, exporter_a, user_a, head, goods, expected):
    job = run_import(
        user_a, fill_template([head_row(exporter_a, 1, **head)], [goods_row("COP-00001", **goods)])
    )

    assert Declaration.objects.count() == 0
    errors = report_errors(report_book(job))
    assert expected in errors
