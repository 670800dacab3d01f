"""Work the broker accepted and then lost is dispatched again by the reconciler (issue 19, item 7): a
declaration "submitted" without messages, an import job "pending" or "running" past the bound."""

from datetime import timedelta

import pytest
from celery import current_app
from django.conf import settings
from django.utils import timezone

from declarations.choices import DeclarationStatus, ImportState
from declarations.models import Declaration, ImportJob, RenderedMessage, TaskDispatch
from declarations.services.imports import import_job_create
from declarations.services.reconcile import IMPORT_MAX_DISPATCHES, IMPORT_TASK, RENDER_TASK, reconcile_stuck

from .conftest import fill_template, goods_row, head_row, run_import, upload

pytestmark = pytest.mark.django_db

S = DeclarationStatus
LONG_AGO = timedelta(hours=3)


@pytest.fixture
def outbox(settings, tmp_path):
    settings.OUTBOX_DIR = tmp_path / "outbox"
    return settings.OUTBOX_DIR


def _lost_submission(user, exporter, n=1):
    """Declarations submitted long ago whose render task the broker accepted and lost."""
    heads = [head_row(exporter, i) for i in range(1, n + 1)]
    goods = [goods_row(f"COP-{i:05d}") for i in range(1, n + 1)]
    run_import(user, fill_template(heads, goods))
    then = timezone.now() - LONG_AGO
    Declaration.objects.update(status=S.SUBMITTED, version=1, channel="list", submitted_at=then)
    for pk in Declaration.objects.values_list("pk", flat=True):
        # Marked dispatched: the outbox sweeper (dispatch_pending) has nothing to do.
        TaskDispatch.objects.create(task_name=RENDER_TASK, args=[pk, 1], created_at=then, dispatched_at=then)
    return list(Declaration.objects.order_by("pk"))


def test_a_submitted_declaration_without_messages_is_rendered_again_once(
    registered, exporter_a, user_a, outbox, django_capture_on_commit_callbacks
):
    [declaration] = _lost_submission(user_a, exporter_a)

    with django_capture_on_commit_callbacks(execute=True):
        result = reconcile_stuck()

    assert result.declarations == 1
    assert Declaration.objects.get(pk=declaration.pk).status == S.SENT
    assert RenderedMessage.objects.filter(declaration=declaration, version=1).count() == 3
    # Idempotent: a second sweep right away finds nothing to do.
    with django_capture_on_commit_callbacks(execute=True):
        assert reconcile_stuck().as_dict() == {"declarations": 0, "imports": 0, "imports_failed": 0}
    assert RenderedMessage.objects.filter(declaration=declaration).count() == 3


def test_what_is_within_the_bound_or_not_submitted_is_left_alone(registered, exporter_a, user_a, outbox):
    first, second, third = _lost_submission(user_a, exporter_a, n=3)
    Declaration.objects.filter(pk=first.pk).update(submitted_at=timezone.now())  # still within the bound
    Declaration.objects.filter(pk=second.pk).update(status=S.DRAFT)
    RenderedMessage.objects.create(
        declaration=third, message_type="CEB603", version=1, guid="00000000-0000-4000-8000-000000000001",
        content=b"<x/>", sha256="0" * 64,
    )  # fmt: skip

    before = TaskDispatch.objects.count()
    result = reconcile_stuck()

    assert result.declarations == 0
    assert TaskDispatch.objects.count() == before


def test_a_pending_import_job_is_run_again_in_its_users_language(
    registered, exporter_a, user_a, django_capture_on_commit_callbacks
):
    content = fill_template([head_row(exporter_a, 1)], [goods_row("COP-00001")])
    job = import_job_create(user=user_a, uploaded_file=upload(content), dry_run=False, run_async=False)
    then = timezone.now() - LONG_AGO
    ImportJob.objects.filter(pk=job.pk).update(created_at=then)
    TaskDispatch.objects.create(
        task_name=IMPORT_TASK, args=[job.pk, "zh-hans"], created_at=then, dispatched_at=then
    )

    with django_capture_on_commit_callbacks(execute=True):
        result = reconcile_stuck()

    assert result.imports == 1
    job.refresh_from_db()
    assert (job.state, job.counts["create"]) == (ImportState.DONE, 1)
    latest = TaskDispatch.objects.filter(task_name=IMPORT_TASK).latest("pk")
    assert latest.args == [job.pk, "zh-hans"]
    assert reconcile_stuck().imports == 0


def test_a_running_job_is_taken_again_only_past_the_running_bound(registered, exporter_a, user_a):
    content = fill_template([head_row(exporter_a, 1)], [goods_row("COP-00001")])
    job = import_job_create(user=user_a, uploaded_file=upload(content), dry_run=False, run_async=False)
    then = timezone.now() - LONG_AGO
    ImportJob.objects.filter(pk=job.pk).update(
        created_at=then, state=ImportState.RUNNING, started_at=timezone.now() - timedelta(minutes=30)
    )
    assert reconcile_stuck().imports == 0  # may still be running: below the running bound
    ImportJob.objects.filter(pk=job.pk).update(started_at=then)
    assert reconcile_stuck().imports == 1


def test_a_job_that_never_finishes_is_failed_with_a_reason_instead_of_looping(registered, exporter_a, user_a):
    content = fill_template([head_row(exporter_a, 1)], [goods_row("COP-00001")])
    job = import_job_create(user=user_a, uploaded_file=upload(content), dry_run=False, run_async=False)
    then = timezone.now() - LONG_AGO
    ImportJob.objects.filter(pk=job.pk).update(created_at=then)
    for _ in range(IMPORT_MAX_DISPATCHES):
        TaskDispatch.objects.create(
            task_name=IMPORT_TASK, args=[job.pk, "en"], created_at=then, dispatched_at=then
        )

    result = reconcile_stuck()

    assert (result.imports, result.imports_failed) == (0, 1)
    job.refresh_from_db()
    assert job.state == ImportState.FAILED
    assert "never finished" in job.error_message


def test_the_reconciler_runs_from_beat_by_name():
    entry = next(
        e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"].endswith("reconcile_stuck_task")
    )
    import declarations.tasks  # noqa: F401  (registers the tasks)

    assert entry["task"] in current_app.tasks
    assert entry["schedule"] <= timedelta(minutes=10)
