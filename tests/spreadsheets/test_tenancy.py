"""The uploader files only for its own enterprises or those that delegated to it; others are row errors."""

import pytest

from declarations.models import Declaration

from .conftest import fill_template, goods_row, head_row, report_book, report_errors, run_import

pytestmark = pytest.mark.django_db


def _errors(job):
    return report_errors(report_book(job))


def test_exporter_cannot_file_for_another_exporter(registered, exporter_a, exporter_b, user_a):
    heads = [head_row(exporter_a, 1), head_row(exporter_b, 2)]
    job = run_import(user_a, fill_template(heads, [goods_row("COP-00001"), goods_row("COP-00002")]))

    assert (job.counts["create"], job.counts["reject"]) == (1, 1)
    assert list(Declaration.objects.values_list("enterprise", flat=True)) == [exporter_a.pk]
    assert ("表头 Declarations", 3, "ebcCode", "NOT_PERMITTED") in _errors(job)


def test_broker_files_for_delegating_exporter_as_agent(registered, exporter_a, exporter_b, broker_c, user_c):
    heads = [head_row(exporter_a, 1), head_row(exporter_b, 2, ebcCode=exporter_b.uscc)]
    job = run_import(user_c, fill_template(heads, [goods_row("COP-00001"), goods_row("COP-00002")]))

    assert (job.counts["create"], job.counts["reject"]) == (1, 1)
    declaration = Declaration.objects.get()
    assert (declaration.enterprise, declaration.agent) == (exporter_a, broker_c)
    assert _errors(job) == [("表头 Declarations", 3, "ebcCode", "NOT_PERMITTED")]


def test_same_copno_of_another_agent_is_not_touched(registered, exporter_a, exporter_b, user_a, user_b):
    run_import(
        user_b,
        fill_template([head_row(exporter_b, 1, orderNo="B-1", logisticsNo="SFB1")], [goods_row("COP-00001")]),
    )
    theirs = Declaration.objects.get()

    job = run_import(user_a, fill_template([head_row(exporter_a, 1)], [goods_row("COP-00001")]))

    assert job.counts["create"] == 1
    theirs.refresh_from_db()
    assert (theirs.enterprise, theirs.order_no) == (exporter_b, "B-1")
    assert Declaration.objects.count() == 2
