"""A redelivered or re-uploaded import reports the rows it had already stored and submitted as kept, not as
rejected (issue 19, item 8): a user who read "rejected" would declare them twice under new copNos."""

import pytest

from declarations.choices import DeclarationStatus, ImportState
from declarations.models import Declaration, ImportJob, RenderedMessage, StatusEvent
from declarations.services.imports import import_job_run
from tests.spreadsheets.conftest import report_errors

from .conftest import fill_template, goods_row, head_row, report_book, run_import

pytestmark = pytest.mark.django_db

S = DeclarationStatus


@pytest.fixture
def outbox(settings, tmp_path):
    settings.OUTBOX_DIR = tmp_path / "outbox"
    settings.BULK_RENDER_PROCESSES = 1
    return settings.OUTBOX_DIR


def _content(exporter, n=3, **changes):
    heads = [head_row(exporter, i) for i in range(1, n + 1)]
    goods = [goods_row(f"COP-{i:05d}", 1) for i in range(1, n + 1)] + [goods_row("COP-00001", 2)]
    heads[0].update(changes)
    return fill_template(heads, goods)


def _errors(job):
    return report_errors(report_book(job))


def _snapshot():
    return (
        sorted(Declaration.objects.values_list("pk", "status", "version", "gross_weight")),
        RenderedMessage.objects.count(),
        StatusEvent.objects.count(),
    )


def test_the_same_file_uploaded_again_after_submitting_is_kept_not_rejected(
    registered, exporter_a, user_a, outbox
):
    content = _content(exporter_a)
    first = run_import(user_a, content, submit=True)
    assert (first.counts["create"], first.counts["sent"]) == (3, 3)
    before = _snapshot()

    again = run_import(user_a, content, submit=True)

    assert again.state == ImportState.DONE
    assert (again.counts["kept"], again.counts["reject"], again.counts["update"]) == (3, 0, 0)
    assert (again.counts["submitted"], again.counts["errors"]) == (0, 0)
    assert _snapshot() == before  # nothing changed, nothing sent again
    assert _errors(again) == [("表头 Declarations", n, "copNo", "ALREADY_STORED") for n in (2, 3, 4)]
    statuses = [
        row[-1] for row in report_book(again)["表头 Declarations"].iter_rows(min_row=2, values_only=True)
    ]
    assert statuses == ["Kept: already stored"] * 3


def test_a_redelivered_job_reports_what_its_first_run_stored_and_submitted_as_kept(
    registered, exporter_a, user_a, outbox
):
    job = run_import(user_a, _content(exporter_a), submit=True)
    before = _snapshot()
    # The worker died after the declarations were stored and sent, before the job was marked done: the broker
    # redelivers the task (acks_late) and it runs again.
    ImportJob.objects.filter(pk=job.pk).update(state=ImportState.RUNNING, counts={}, report="")

    job = import_job_run(job_id=job.pk, language="en")

    assert job.state == ImportState.DONE
    assert (job.counts["kept"], job.counts["reject"]) == (3, 0)
    assert "NOT_EDITABLE" not in {code for *_rest, code in _errors(job)}
    assert _snapshot() == before


@pytest.mark.parametrize(
    "changes, goods_change",
    [({"grossWeight": "99"}, False), ({}, True)],
    ids=["head differs", "goods differ"],
)
def test_a_row_that_differs_from_the_sent_declaration_is_still_refused(
    registered, exporter_a, user_a, outbox, changes, goods_change
):
    run_import(user_a, _content(exporter_a), submit=True)
    content = _content(exporter_a, **changes)
    if goods_change:
        heads = [head_row(exporter_a, i) for i in range(1, 4)]
        goods = [goods_row(f"COP-{i:05d}", 1) for i in range(1, 4)] + [goods_row("COP-00001", 2, qty="11")]
        content = fill_template(heads, goods)
    before = _snapshot()

    job = run_import(user_a, content, submit=True)

    assert (job.counts["kept"], job.counts["reject"]) == (2, 1)
    assert ("表头 Declarations", 2, "copNo", "NOT_EDITABLE") in _errors(job)
    assert _snapshot() == before


def test_the_kept_message_is_in_chinese_and_english(registered, exporter_a, user_a, outbox):
    content = _content(exporter_a, n=1)
    run_import(user_a, content, submit=True)
    texts = {}
    for language in ("zh-hans", "en"):
        job = run_import(user_a, content, language=language)
        [message] = [row[6] for row in report_book(job)["错误 Errors"].iter_rows(min_row=2, values_only=True)]
        texts[language] = message
    assert "already stored" in texts["en"]
    assert "已" in texts["zh-hans"] and "already" not in texts["zh-hans"]
