"""Code and name pairs (issue 20 part 3): a filled name with a blank code, or a pair that contradicts the
enterprise record, is one error on that cell; a right pair (any width or spacing) imports."""

import pytest

from declarations.models import Declaration
from declarations.rules.party_pairs import check_party_pairs, names_by_code
from tests import factories as f

from .conftest import fill_template, goods_row, head_row, report_book, report_errors, run_import
from .handmade import handmade_workbook

pytestmark = pytest.mark.django_db
HEAD = "表头 Declarations"


@pytest.fixture
def producer(db):
    return f.EnterpriseFactory(
        customs_code="4401960999", name="乙生产（广州）有限公司", name_en="B Maker Ltd"
    )


def test_pure_rule():
    names = names_by_code([("4401960999", "乙生产（广州）有限公司", "B Maker Ltd")])
    assert check_party_pairs({"ownerName": "乙生产(广州)有限公司", "ownerCode": "4401960999"}, names) == []
    assert check_party_pairs({"ownerName": "b maker ltd", "ownerCode": "4401960999"}, names) == []
    assert [p[:2] for p in check_party_pairs({"ownerName": "丙公司", "ownerCode": "4401960999"}, names)] == [
        ("ownerName", "PARTY_NAME_MISMATCH")
    ]
    assert [p[:2] for p in check_party_pairs({"logisticsName": "丙物流"}, names)] == [
        ("logisticsCode", "PARTY_CODE_MISSING")
    ]
    assert check_party_pairs({"ebpCode": "无", "ebpName": "Marketplace"}, names) == []  # 无: no platform code
    assert (
        check_party_pairs({"ownerCode": "4401969999", "ownerName": "丁公司"}, names) == []
    )  # no record: no say


def test_a_name_without_its_code_is_an_error_on_the_code_cell(registered, exporter_a, user_a):
    head = head_row(exporter_a, 1, ownerCode="", ownerName="乙生产有限公司")
    job = run_import(user_a, fill_template([head], [goods_row("COP-00001")]))

    assert Declaration.objects.count() == 0
    assert report_errors(report_book(job)) == [(HEAD, 2, "ownerCode", "PARTY_CODE_MISSING")]
    assert job.counts["first_errors"][0]["message"] == (
        "“乙生产有限公司” is given without its code: fill in the code of this enterprise."
    )


def test_a_pair_that_contradicts_the_record_is_an_error_on_the_name_cell(
    registered, exporter_a, user_a, producer
):
    head = head_row(exporter_a, 1, ownerCode="4401960999", ownerName="丙贸易有限公司")
    job = run_import(user_a, fill_template([head], [goods_row("COP-00001")]))

    assert Declaration.objects.count() == 0
    assert report_errors(report_book(job)) == [(HEAD, 2, "ownerName", "PARTY_NAME_MISMATCH")]
    assert "乙生产（广州）有限公司" in job.counts["first_errors"][0]["message"]


def test_an_error_value_in_the_code_is_said_once(registered, exporter_a, user_a):
    head = head_row(exporter_a, 1, ownerCode=("error", "#N/A"), ownerName="乙生产有限公司")
    job = run_import(user_a, handmade_workbook([head], [goods_row("COP-00001")]))

    assert report_errors(report_book(job)) == [(HEAD, 2, "ownerCode", "CELL_ERROR_VALUE")]


def test_a_right_pair_imports(registered, exporter_a, user_a, producer):
    """Clean twin: the record's name, typed with half-width brackets, is the same name."""
    head = head_row(exporter_a, 1, ownerCode="4401960999", ownerName="乙生产(广州)有限公司")
    job = run_import(user_a, fill_template([head], [goods_row("COP-00001")]))

    assert job.counts["errors"] == 0, job.counts["first_errors"]
    assert Declaration.objects.get().owner_name == "乙生产(广州)有限公司"
