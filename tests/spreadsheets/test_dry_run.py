"""Dry run first (counts, nothing stored), then confirm runs the same job for real."""

import pytest

from declarations.choices import ImportState
from declarations.models import Declaration
from declarations.services.imports import ImportRejected, import_job_confirm, import_job_run

from .conftest import fill_template, goods_row, head_row, run_import

pytestmark = pytest.mark.django_db


def _content(exporter):
    heads = [head_row(exporter, 1), head_row(exporter, 2), head_row(exporter, 3, packNo="0")]
    return fill_template(heads, [goods_row("COP-00001"), goods_row("COP-00002"), goods_row("COP-00003")])


def test_dry_run_counts_and_stores_nothing(registered, exporter_a, user_a):
    run_import(user_a, fill_template([head_row(exporter_a, 2)], [goods_row("COP-00002")]))

    job = run_import(user_a, _content(exporter_a), dry_run=True)

    assert job.state == ImportState.DRY_RUN_DONE
    assert (job.counts["create"], job.counts["update"], job.counts["reject"]) == (1, 1, 1)
    assert list(Declaration.objects.values_list("cop_no", flat=True)) == ["COP-00002"]
    assert job.rows_done == job.rows_total == 6


def test_confirm_stores_the_good_declarations(registered, exporter_a, user_a):
    job = run_import(user_a, _content(exporter_a), dry_run=True)

    job = import_job_confirm(user=user_a, job=job, run_async=False)
    job = import_job_run(job_id=job.pk, language="en")

    assert job.state == ImportState.DONE
    assert (job.counts["create"], job.counts["reject"]) == (2, 1)
    assert sorted(Declaration.objects.values_list("cop_no", flat=True)) == ["COP-00001", "COP-00002"]


def test_a_finished_import_cannot_be_confirmed_again(registered, exporter_a, user_a):
    job = run_import(user_a, _content(exporter_a), dry_run=False)

    with pytest.raises(ImportRejected):
        import_job_confirm(user=user_a, job=job, run_async=False)
    job.refresh_from_db()
    assert job.state == ImportState.DONE


def test_running_a_finished_job_again_changes_nothing(registered, exporter_a, user_a):
    job = run_import(user_a, _content(exporter_a), dry_run=False)
    before = list(Declaration.objects.values_list("pk", "updated_at"))

    assert import_job_run(job_id=job.pk).state == ImportState.DONE
    assert list(Declaration.objects.values_list("pk", "updated_at")) == before
