"""Numbers Excel can hold but customs cannot: reported on their cell, never a crashed import."""

import pytest

from declarations.choices import ImportState
from declarations.models import Declaration

from .conftest import fill_template, goods_row, head_row, report_book, report_errors, run_import

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("value", [1e300, 1e28, -5.0, 0.123456, "1e300", "NaN", "inf"])
def test_out_of_range_price_is_a_cell_error(registered, exporter_a, user_a, value):
    good = head_row(exporter_a, 1)
    bad = head_row(exporter_a, 2)
    content = fill_template(
        [good, bad], [goods_row("COP-00001"), goods_row("COP-00002", price=value, totalPrice=value)]
    )

    job = run_import(user_a, content)

    assert job.state == ImportState.DONE
    assert list(Declaration.objects.values_list("cop_no", flat=True)) == ["COP-00001"]
    errors = {(sheet, row, key) for sheet, row, key, _code in report_errors(report_book(job))}
    assert ("表体 Goods", 3, "price") in errors
