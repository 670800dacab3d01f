import datetime
from decimal import Decimal

import pytest

from declarations.choices import ImportState
from declarations.models import Declaration

from .conftest import fill_template, goods_row, head_row, run_import

pytestmark = pytest.mark.django_db


def test_export_fill_import_gives_the_same_data(registered, exporter_a, user_a):
    heads = [head_row(exporter_a, 1, channel="customs_declaration", ieDate="2025-06-02", note="first")]
    goods = [
        goods_row("COP-00001", 1),
        goods_row(
            "COP-00001", 2, itemNo="SKU-0002", qty="5", qty1="5", price="10.5", totalPrice="52.5", licence="Y"
        ),
    ]
    job = run_import(user_a, fill_template(heads, goods))

    assert job.state == ImportState.DONE, job.error_message
    assert job.counts["create"] == 1
    assert job.counts["reject"] == 0
    declaration = Declaration.objects.get()
    assert declaration.enterprise == exporter_a
    assert declaration.agent == exporter_a
    assert declaration.created_by == user_a
    assert declaration.cop_no == "COP-00001"
    assert declaration.order_no == "XL-ORDER-00001"
    assert declaration.ie_date == datetime.date(2025, 6, 2)
    assert declaration.gross_weight == Decimal("42.5")
    assert declaration.pack_no == 4
    assert declaration.note == "first"
    lines = list(declaration.lines.order_by("gnum"))
    assert [
        (line.gnum, line.item_no, line.unit, line.qty, line.total_price, line.licence) for line in lines
    ] == [
        (1, "SKU-0001", "007", Decimal("10"), Decimal("320"), False),
        (2, "SKU-0002", "007", Decimal("5"), Decimal("52.5"), True),
    ]
