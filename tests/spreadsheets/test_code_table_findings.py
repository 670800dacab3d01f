"""A broker workbook with the code-table cases customs refuses gets exactly one finding per case, on its cell
(issue 20 part 4); the clean twins import."""

import pytest

from declarations.models import Declaration
from tests.spreadsheets.conftest import report_errors

from .conftest import fill_template, goods_row, head_row, report_book, run_import

pytestmark = pytest.mark.django_db
HEAD, GOODS = "表头 Declarations", "表体 Goods"


@pytest.mark.parametrize(
    ("head", "goods", "expected"),
    [
        ({"country": "142"}, {}, (HEAD, 2, "country", "COUNTRY_NOT_DESTINATION")),
        ({"country": "999"}, {}, (HEAD, 2, "country", "COUNTRY_NOT_DESTINATION")),
        ({"portCode": "0000"}, {}, (HEAD, 2, "portCode", "CUSTOMS_OFFICE_NOT_DECLARABLE")),
        ({"portCode": "5300"}, {}, (HEAD, 2, "portCode", "CUSTOMS_OFFICE_NOT_DECLARABLE")),
        (
            {"currency": "304", "channel": "customs_declaration"},
            {"currency": "304"},
            (HEAD, 2, "currency", "CURRENCY_INACTIVE"),
        ),
        ({"ieDate": "2026-13-05"}, {}, (HEAD, 2, "ieDate", "INVALID_DATE")),
    ],
)
def test_one_finding_per_case_on_its_cell(registered, exporter_a, user_a, head, goods, expected):
    job = run_import(
        user_a, fill_template([head_row(exporter_a, 1, **head)], [goods_row("COP-00001", **goods)])
    )

    assert Declaration.objects.count() == 0
    errors = report_errors(report_book(job))
    assert errors == [expected]


@pytest.mark.parametrize(
    ("head", "goods"),
    [
        ({}, {"country": "142"}),  # a line's country 142: what the table allows stays allowed
        ({"portCode": "5301", "currency": "142"}, {}),  # a subordinate office, an active currency
        ({"ieDate": "2024-02-29"}, {}),
    ],
)
def test_clean_twins_import(registered, exporter_a, user_a, head, goods):
    job = run_import(
        user_a, fill_template([head_row(exporter_a, 1, **head)], [goods_row("COP-00001", **goods)])
    )

    assert job.report.name in ("", None)  # no report: nothing to correct
    (declaration,) = Declaration.objects.all()
    assert [f["code"] for f in declaration.findings if f["severity"] == "error"] == []
