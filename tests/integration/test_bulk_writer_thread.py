"""On PostgreSQL, outside a caller's transaction, the bulk submission's chunks are stored and sent by a writer
thread on its own connection: every chunk in order, in the job's language, and a failing chunk stops the writer
with the chunks after it left SUBMITTED for the sweeper, nothing of theirs in the outbox."""

import threading

import pytest
from django.db import DatabaseError, connection, connections

from declarations.choices import DeclarationStatus, ImportState
from declarations.messages.schema import SchemaInvalid, SchemaProblem
from declarations.models import CustomsOffice, Declaration, RenderedMessage, TaskDispatch
from declarations.services import bulk_submit, imports
from declarations.services.bulk_submit import BulkSubmission, writer_thread_allowed
from declarations.services.codes import code_tables_load
from tests import factories as f
from tests.integration.conftest import _unavailable
from tests.spreadsheets.conftest import fill_template, goods_row, head_row, run_import

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

S = DeclarationStatus


@pytest.fixture
def exporter_user():
    if connection.vendor != "postgresql":
        _unavailable("DATABASE_URL does not point at PostgreSQL")
    code_tables_load()
    exporter = f.EnterpriseFactory()
    f.RegistrationFactory(enterprise=exporter, customs_office=CustomsOffice.objects.get(code="5141"))
    return exporter, f.MembershipFactory(enterprise=exporter).user


@pytest.fixture
def outbox(settings, tmp_path):
    settings.OUTBOX_DIR = tmp_path / "outbox"
    settings.BULK_RENDER_PROCESSES = 1  # rendered inline: the monkeypatched renderer is the one that runs
    return settings.OUTBOX_DIR


def _import(exporter, user, count: int, monkeypatch, *, language: str):
    monkeypatch.setattr(imports, "STORE_CHUNK", 2)  # several chunks from a few declarations
    heads = [head_row(exporter, n) for n in range(1, count + 1)]
    goods = [goods_row(f"COP-{n:05d}") for n in range(1, count + 1)]
    return run_import(user, fill_template(heads, goods), submit=True, language=language)


def _spy_on_writer(monkeypatch, fail_on_call: int | None = None):
    """Records, per chunk sent, the thread and its database wrapper (Django's, one per thread); the given call
    raises instead."""
    calls = []
    real = BulkSubmission._store_and_send

    def store_and_send(self, pending, chunk):
        calls.append((threading.current_thread().name, connections["default"], sorted(pending.declarations)))
        if len(calls) == fail_on_call:
            raise DatabaseError("connection lost")
        return real(self, pending, chunk)

    monkeypatch.setattr(BulkSubmission, "_store_and_send", store_and_send)
    return calls


def test_chunks_are_sent_in_order_by_the_writer_thread_on_its_own_connection(
    exporter_user, outbox, monkeypatch
):
    exporter, user = exporter_user
    assert writer_thread_allowed()  # PostgreSQL, and this test holds no transaction
    calls = _spy_on_writer(monkeypatch)

    job = _import(exporter, user, 5, monkeypatch, language="en")

    assert job.state == ImportState.DONE, job.error_message
    assert (job.counts["submitted"], job.counts["sent"]) == (5, 5)
    assert [name for name, _conn, _ids in calls] == ["bulk-submit-writer_0"] * 3
    writer_connection = calls[0][1]
    assert all(conn is writer_connection for _name, conn, _ids in calls)
    assert writer_connection is not connections["default"]  # not the caller's connection
    assert writer_connection.connection is None  # closed by the writer when the submission ended
    ids = [pk for _name, _conn, chunk in calls for pk in chunk]
    assert ids == sorted(Declaration.objects.values_list("pk", flat=True))
    assert set(Declaration.objects.values_list("status", flat=True)) == {S.SENT}
    assert len(list(outbox.glob("*.xml"))) == 15 == RenderedMessage.objects.count()
    assert not TaskDispatch.objects.filter(dispatched_at__isnull=True).exists()


def test_a_failing_chunk_stops_the_writer_and_leaves_the_later_chunks_submitted(
    exporter_user, outbox, monkeypatch
):
    exporter, user = exporter_user
    calls = _spy_on_writer(monkeypatch, fail_on_call=2)

    job = _import(exporter, user, 6, monkeypatch, language="en")

    assert job.state == ImportState.FAILED
    assert len(calls) == 2  # the third chunk was not attempted
    sent = set(calls[0][2])
    statuses = dict(Declaration.objects.values_list("pk", "status"))
    assert {pk for pk, status in statuses.items() if status == S.SENT} == sent
    assert {pk for pk, status in statuses.items() if status != S.SENT} == set(statuses) - sent
    assert set(statuses.values()) == {S.SENT, S.SUBMITTED}
    assert set(RenderedMessage.objects.values_list("declaration_id", flat=True)) == sent
    # The first chunk's files only; no staged temp file of the others is left.
    assert sorted(p.name for p in outbox.iterdir()) == sorted(
        RenderedMessage.objects.values_list("outbox_file", flat=True)
    )
    assert TaskDispatch.objects.filter(dispatched_at__isnull=True).count() == 2  # the sweeper finishes them


def test_the_writer_writes_its_notes_in_the_jobs_language(exporter_user, outbox, monkeypatch, settings):
    exporter, user = exporter_user
    settings.LANGUAGE_CODE = "zh-hans"
    real = bulk_submit.render_all

    def render_all_but_three(declaration, lines, **options):
        if declaration.cop_no == "COP-00003":
            raise SchemaInvalid([SchemaProblem(3, "/ceb:CEB603Message", "too long")])
        return real(declaration, lines, **options)

    monkeypatch.setattr(bulk_submit, "render_all", render_all_but_three)

    job = _import(exporter, user, 4, monkeypatch, language="en")

    assert job.state == ImportState.DONE, job.error_message
    failed = Declaration.objects.get(cop_no="COP-00003")
    assert failed.status == S.RENDER_FAILED
    assert failed.events.order_by("pk").last().note.startswith("Rendering failed: ")


def test_without_the_setting_the_caller_sends_its_chunks_itself(exporter_user, outbox, monkeypatch, settings):
    exporter, user = exporter_user
    settings.BULK_WRITER_THREAD = False
    calls = _spy_on_writer(monkeypatch)

    job = _import(exporter, user, 3, monkeypatch, language="en")

    assert job.state == ImportState.DONE, job.error_message
    assert [name for name, _conn, _ids in calls] == [threading.current_thread().name] * 2
    assert set(Declaration.objects.values_list("status", flat=True)) == {S.SENT}
