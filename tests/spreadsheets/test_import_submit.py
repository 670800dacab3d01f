"""Import with "submit" (批量申报): the stored declarations are submitted, rendered in worker processes, checked,
stored, written to the outbox and sent, with an audit row per step; failures and crashes lose nothing."""

import hashlib
import re

import pytest

from declarations.choices import DeclarationStatus, EventSource, ImportState
from declarations.fork_pool import ForkPool
from declarations.messages.render import render_all
from declarations.messages.schema import SchemaInvalid, SchemaProblem
from declarations.models import Declaration, RenderedMessage, StatusEvent, TaskDispatch
from declarations.services import bulk_submit
from declarations.services.bulk_submit import BulkSubmission
from declarations.services.dispatch import dispatch_pending
from declarations.services.imports import import_job_confirm, import_job_run
from declarations.services.status import declaration_set_status

from .conftest import fill_template, goods_row, head_row, report_book, report_errors, run_import

pytestmark = pytest.mark.django_db

S = DeclarationStatus


@pytest.fixture
def outbox(settings, tmp_path):
    settings.OUTBOX_DIR = tmp_path / "outbox"
    return settings.OUTBOX_DIR


def _submit_import(user, heads, goods, *, dry_run: bool = False):
    return run_import(user, fill_template(heads, goods), dry_run=dry_run, submit=True)


@pytest.fixture
def rows(exporter_a):
    """rows(n, bad=k): n declarations of one goods line each; the k-th with a bad head cell."""

    def make(n: int, bad: int | None = None):
        heads = [head_row(exporter_a, number) for number in range(1, n + 1)]
        goods = [goods_row(f"COP-{number:05d}", 1) for number in range(1, n + 1)]
        if bad is not None:
            heads[bad - 1]["grossWeight"] = "heavy"
        return heads, goods

    return make


@pytest.mark.parametrize("processes", [1, 2])
def test_submit_sends_every_good_declaration_with_an_audit_row_per_step(
    settings, registered, user_a, outbox, rows, processes
):
    settings.BULK_RENDER_PROCESSES = processes
    heads, goods = rows(4, bad=3)

    job = _submit_import(user_a, heads, goods)

    assert job.state == ImportState.DONE, job.error_message
    counts = job.counts
    assert (
        counts["create"],
        counts["reject"],
        counts["submitted"],
        counts["sent"],
        counts["render_failed"],
    ) == (
        3,
        1,
        3,
        3,
        0,
    )
    declarations = list(Declaration.objects.order_by("cop_no"))
    assert [(d.cop_no, d.status, d.version, d.channel) for d in declarations] == [
        (cop, S.SENT, 1, "list") for cop in ("COP-00001", "COP-00002", "COP-00004")
    ]
    assert all(d.submitted_at is not None for d in declarations)
    for declaration in declarations:
        events = list(declaration.events.order_by("pk"))
        assert [(e.from_status, e.to_status, e.source, e.actor_id) for e in events] == [
            (S.DRAFT, S.SUBMITTED, EventSource.USER, user_a.pk),
            (S.SUBMITTED, S.SENT, EventSource.SYSTEM, None),
        ]
        assert events[0].note == "Submitted with the upload “upload.xlsx”."
        messages = list(declaration.messages.order_by("message_type"))
        assert [(m.message_type, m.version) for m in messages] == [
            ("CEB303", 1),
            ("CEB505", 1),
            ("CEB603", 1),
        ]
        assert events[1].note == ", ".join(m.file_name for m in messages)
        for message in messages:
            assert (outbox / message.file_name).read_bytes() == bytes(message.content)
            assert message.outbox_file == message.file_name and message.written_at is not None
            assert message.sha256 == hashlib.sha256(bytes(message.content)).hexdigest()
    assert sorted(p.name for p in outbox.iterdir()) == sorted(
        RenderedMessage.objects.values_list("outbox_file", flat=True)
    )
    intent = TaskDispatch.objects.get()  # one fallback for the chunk, done inline: the sweeper leaves it
    assert intent.task_name == "declarations.tasks.declarations_render_many_task"
    assert intent.args == [[[d.pk, 1] for d in declarations]]
    assert intent.dispatched_at is not None
    assert job.timings["submit"] >= 0 and job.timings["render_peak_rss_mb"] > 0


def _masked(content: bytes) -> bytes:
    """The message without what differs by design between two renderings: guids and appTime."""
    content = re.sub(rb'guid="[0-9A-F-]{36}"', b'guid="*"', content)
    content = re.sub(rb"<ceb:guid>[0-9A-F-]{36}</ceb:guid>", b"<ceb:guid>*</ceb:guid>", content)
    return re.sub(rb"<ceb:appTime>\d{14}</ceb:appTime>", b"<ceb:appTime>*</ceb:appTime>", content)


def test_messages_are_those_the_worker_renders_from_the_stored_declaration(
    settings, registered, user_a, outbox, rows
):
    """The import renders its objects in memory (in another process): the same bytes as from the database."""
    settings.BULK_RENDER_PROCESSES = 2
    heads, goods = rows(2)
    goods.append(goods_row("COP-00001", 2, qty="1.5", qty1="1.5", totalPrice="48", note="第二行 ✓"))

    _submit_import(user_a, heads, goods)

    for declaration in Declaration.objects.select_related("enterprise", "agent", "warehouse"):
        stored = {m.message_type: bytes(m.content) for m in declaration.messages.all()}
        expected = render_all(declaration, list(declaration.lines.all()))
        assert sorted(stored) == sorted(r.message_type for r in expected)
        for rendered in expected:
            assert _masked(stored[rendered.message_type]) == _masked(rendered.content)


@pytest.mark.parametrize("processes", [1, 2])
def test_a_declaration_that_fails_to_render_is_render_failed_and_the_others_are_sent(
    settings, registered, user_a, outbox, rows, monkeypatch, processes
):
    settings.BULK_RENDER_PROCESSES = processes
    real = bulk_submit.render_all

    def render_all_but_two(declaration, lines, **options):
        if declaration.cop_no == "COP-00002":
            raise SchemaInvalid([SchemaProblem(3, "/ceb:CEB603Message", "too long")])
        return real(declaration, lines, **options)

    monkeypatch.setattr(bulk_submit, "render_all", render_all_but_two)  # inherited by the forked workers
    heads, goods = rows(3)

    job = _submit_import(user_a, heads, goods)

    assert job.state == ImportState.DONE, job.error_message
    assert (job.counts["submitted"], job.counts["sent"], job.counts["render_failed"]) == (3, 2, 1)
    failed = Declaration.objects.get(cop_no="COP-00002")
    assert failed.status == S.RENDER_FAILED and failed.version == 1
    assert not failed.messages.exists()
    event = failed.events.order_by("pk").last()
    assert (event.from_status, event.to_status, event.source) == (S.SUBMITTED, S.RENDER_FAILED, "system")
    assert event.note.startswith("Rendering failed: ")
    assert RenderedMessage.objects.count() == 6 and len(list(outbox.iterdir())) == 6
    assert not TaskDispatch.objects.filter(dispatched_at__isnull=True).exists()


def test_a_job_that_dies_after_submitting_is_finished_by_the_sweeper(
    registered, user_a, outbox, rows, monkeypatch
):
    def pool_lost(self, items):
        raise RuntimeError("render pool lost")

    monkeypatch.setattr(ForkPool, "submit", pool_lost)
    heads, goods = rows(2)

    job = _submit_import(user_a, heads, goods)

    assert job.state == ImportState.FAILED
    assert list(Declaration.objects.values_list("status", "version")) == [(S.SUBMITTED, 1)] * 2
    assert not RenderedMessage.objects.exists() and not outbox.exists()
    assert TaskDispatch.objects.filter(dispatched_at__isnull=True).count() == 1

    monkeypatch.undo()
    swept = dispatch_pending(older_than=0)  # eager here: the worker's declaration_render runs inline

    assert swept.dispatched == 1
    assert list(Declaration.objects.values_list("status", flat=True)) == [S.SENT] * 2
    assert RenderedMessage.objects.filter(version=1).count() == 6 and len(list(outbox.iterdir())) == 6


def test_a_declaration_withdrawn_while_rendering_is_left_alone(registered, user_a, outbox, rows, exporter_a):
    heads, goods = rows(2)
    run_import(user_a, fill_template(heads, goods))  # drafts
    first, second = Declaration.objects.select_related("enterprise", "agent").order_by("cop_no")
    items = [(d, list(d.lines.all())) for d in (first, second)]

    with BulkSubmission(actor=user_a, processes=1) as submission:
        submission.add(items)
        declaration_set_status(declaration=Declaration.objects.get(pk=second.pk), to_status=S.DRAFT)

    assert (submission.result.submitted, submission.result.sent) == (2, 1)
    assert Declaration.objects.get(pk=first.pk).status == S.SENT
    second = Declaration.objects.get(pk=second.pk)
    assert (second.status, second.version) == (S.DRAFT, 1)
    assert not second.messages.exists()
    assert [(e.from_status, e.to_status) for e in second.events.order_by("pk")] == [
        (S.DRAFT, S.SUBMITTED),
        (S.SUBMITTED, S.DRAFT),
    ]
    assert len(list(outbox.iterdir())) == 3


def test_declarations_no_longer_editable_are_not_submitted_again(registered, user_a, outbox, rows):
    heads, goods = rows(1)
    run_import(user_a, fill_template(heads, goods))
    declaration = Declaration.objects.select_related("enterprise", "agent").get()
    Declaration.objects.filter(pk=declaration.pk).update(status=S.SENT)

    with BulkSubmission(actor=user_a, processes=1) as submission:
        submission.add([(declaration, list(declaration.lines.all()))])

    assert (submission.result.submitted, submission.result.sent) == (0, 0)
    assert Declaration.objects.get().version == 0
    assert not StatusEvent.objects.exists() and not TaskDispatch.objects.exists()
    assert not RenderedMessage.objects.exists()


def test_without_submit_the_import_stores_drafts_only(registered, user_a, outbox, rows):
    heads, goods = rows(2)

    job = run_import(user_a, fill_template(heads, goods))

    assert "submitted" not in job.counts and "submit" not in job.timings
    assert list(Declaration.objects.values_list("status", "version")) == [(S.DRAFT, 0)] * 2
    assert not RenderedMessage.objects.exists() and not TaskDispatch.objects.exists()
    assert not outbox.exists()


def test_dry_run_with_submit_stores_nothing_and_confirm_submits(registered, user_a, outbox, rows):
    heads, goods = rows(2)
    job = _submit_import(user_a, heads, goods, dry_run=True)
    assert job.state == ImportState.DRY_RUN_DONE
    assert not Declaration.objects.exists() and not outbox.exists()

    job = import_job_confirm(user=user_a, job=job, run_async=False)
    job = import_job_run(job_id=job.pk, language="en")

    assert job.state == ImportState.DONE and job.counts["sent"] == 2
    assert list(Declaration.objects.values_list("status", flat=True)) == [S.SENT] * 2


def test_confirm_can_turn_submit_off(registered, user_a, outbox, rows):
    heads, goods = rows(1)
    job = _submit_import(user_a, heads, goods, dry_run=True)

    job = import_job_confirm(user=user_a, job=job, submit=False, run_async=False)
    job = import_job_run(job_id=job.pk, language="en")

    assert job.submit is False and Declaration.objects.get().status == S.DRAFT


def test_a_job_that_dies_before_its_files_are_renamed_is_published_by_the_sweeper(
    registered, user_a, outbox, rows, monkeypatch
):
    """Step 3 committed (SENT, rows marked written), step 4 never ran: the fallback writes the same files."""
    from declarations.messages import exchange

    def rename_lost(*, staged):
        raise OSError("outbox unavailable")

    monkeypatch.setattr(exchange, "outbox_publish", rename_lost)
    heads, goods = rows(2)

    job = _submit_import(user_a, heads, goods)

    assert job.state == ImportState.FAILED
    assert list(Declaration.objects.values_list("status", flat=True)) == [S.SENT] * 2
    stored = {m.file_name: bytes(m.content) for m in RenderedMessage.objects.all()}
    assert len(stored) == 6
    assert not list(outbox.glob("*.xml"))  # staged under temp names only, which the client never picks up
    assert TaskDispatch.objects.filter(dispatched_at__isnull=True).count() == 1

    monkeypatch.undo()
    assert dispatch_pending(older_than=0).dispatched == 1

    assert {p.name: p.read_bytes() for p in outbox.glob("*.xml")} == stored
    assert RenderedMessage.objects.count() == 6  # the same messages, not rendered again
    assert list(Declaration.objects.values_list("status", flat=True)) == [S.SENT] * 2


@pytest.mark.parametrize("processes", [1, 2])
def test_a_part_that_crashes_leaves_no_staged_file_and_the_sweeper_finishes(
    settings, registered, user_a, outbox, rows, monkeypatch, processes
):
    settings.BULK_RENDER_PROCESSES = processes
    monkeypatch.setattr(bulk_submit, "RENDER_PART", 1)  # one declaration per part: the others' parts succeed
    real = bulk_submit.render_all

    def crash_on_two(declaration, lines, **options):
        if declaration.cop_no == "COP-00002":
            raise RuntimeError("renderer bug")
        return real(declaration, lines, **options)

    monkeypatch.setattr(bulk_submit, "render_all", crash_on_two)
    heads, goods = rows(3)

    job = _submit_import(user_a, heads, goods)

    assert job.state == ImportState.FAILED
    assert list(Declaration.objects.values_list("status", flat=True)) == [S.SUBMITTED] * 3
    assert not RenderedMessage.objects.exists()
    assert not outbox.exists() or list(outbox.iterdir()) == []  # nor *.xml, nor staged temp files

    monkeypatch.undo()
    assert dispatch_pending(older_than=0).dispatched == 1
    assert list(Declaration.objects.values_list("status", flat=True)) == [S.SENT] * 3
    assert len(list(outbox.glob("*.xml"))) == 9


def test_a_declaration_changed_before_it_is_submitted_is_reported_on_its_row(
    registered, user_a, outbox, rows, monkeypatch
):
    """Someone moves a stored declaration on between the import's store and its submission."""
    original = BulkSubmission.add

    def add_after_a_change(self, items):
        Declaration.objects.filter(cop_no="COP-00002").update(status=S.SENT)
        return original(self, items)

    monkeypatch.setattr(BulkSubmission, "add", add_after_a_change)
    heads, goods = rows(3)

    job = _submit_import(user_a, heads, goods)

    assert job.state == ImportState.DONE
    assert (job.counts["create"], job.counts["submitted"], job.counts["sent"]) == (3, 2, 2)
    assert (job.counts["errors"], job.counts["warnings"]) == (0, 1)
    book = report_book(job)
    errors = report_errors(book)
    assert errors == [("表头 Declarations", 3, "copNo", "NOT_SUBMITTED")]
    head = book["表头 Declarations"]
    status = [cell.value for cell in head[1]].index("状态 Status") + 1
    assert [head.cell(row=r, column=status).value for r in range(2, 5)] == [
        "Created",
        "Stored, not submitted",
        "Created",
    ]


def test_the_cycle_collector_waits_for_the_end_of_the_job(registered, user_a, outbox, rows, monkeypatch):
    import gc

    from declarations.services import imports

    seen = []
    real = imports.workbook_reading

    def read_and_look(path, *args):
        seen.append(gc.isenabled())
        return real(path, *args)

    monkeypatch.setattr(imports, "workbook_reading", read_and_look)
    heads, goods = rows(1)
    assert gc.isenabled()

    job = _submit_import(user_a, heads, goods)

    assert job.state == ImportState.DONE and seen == [False]
    assert gc.isenabled()
