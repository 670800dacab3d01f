"""The worker's render: what it reads and writes, and its compare-and-set move to "sent"."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from declarations.choices import DeclarationStatus, EventSource
from declarations.models import Declaration, RenderedMessage, StatusEvent
from declarations.services.status import TransitionNotAllowed, declaration_advance, declaration_set_status
from declarations.services.submission import declaration_render

pytestmark = pytest.mark.django_db


def _statements(queries) -> list[str]:
    """The statements' verbs and tables, savepoints left out (the test's own transaction turns atomic blocks
    into savepoints)."""
    shapes = []
    for query in queries:
        sql = query["sql"]
        if "SAVEPOINT" in sql:
            continue
        verb = sql.split()[0]
        table = sql.split('"declarations_', 1)[1].split('"', 1)[0]
        shapes.append(f"{verb} {table}")
    return shapes


def test_render_reads_once_and_writes_messages_files_and_status(submitted, settings):
    with CaptureQueriesContext(connection) as queries:
        stored = declaration_render(declaration_id=submitted.pk, version=1)

    assert _statements(queries.captured_queries) == [
        "SELECT declaration",  # locked, with enterprise/agent/warehouse and whether messages exist
        "SELECT declarationline",
        "INSERT renderedmessage",  # marked written: the files are durable (temp names) before it
        "UPDATE declaration",  # under the lock taken by the first read
        "INSERT statusevent",
    ]
    assert sorted(m.message_type for m in stored) == ["CEB303", "CEB505", "CEB603"]
    assert sorted(p.name for p in settings.OUTBOX_DIR.iterdir()) == sorted(m.file_name for m in stored)
    assert Declaration.objects.get(pk=submitted.pk).status == DeclarationStatus.SENT
    event = StatusEvent.objects.get(declaration=submitted)
    assert (event.from_status, event.to_status, event.source) == ("submitted", "sent", EventSource.SYSTEM)
    assert RenderedMessage.objects.filter(declaration=submitted, written_at__isnull=True).count() == 0


def test_a_worker_dying_before_the_renames_leaves_the_files_to_the_redelivered_task(
    submitted, settings, monkeypatch
):
    from declarations.messages import exchange

    def worker_killed(*, staged):
        raise SystemExit("killed")

    monkeypatch.setattr(exchange, "outbox_publish", worker_killed)
    with pytest.raises(SystemExit):
        declaration_render(declaration_id=submitted.pk, version=1)
    stored = {m.file_name: bytes(m.content) for m in RenderedMessage.objects.filter(declaration=submitted)}
    assert len(stored) == 3
    assert not list(settings.OUTBOX_DIR.glob("*.xml"))
    monkeypatch.undo()

    again = declaration_render(declaration_id=submitted.pk, version=1)  # the redelivery

    assert sorted(m.file_name for m in again) == sorted(stored)
    assert {p.name: p.read_bytes() for p in settings.OUTBOX_DIR.glob("*.xml")} == stored
    assert Declaration.objects.get(pk=submitted.pk).status == DeclarationStatus.SENT
    assert StatusEvent.objects.filter(declaration=submitted).count() == 1


def test_a_message_failing_the_schema_stores_nothing_and_writes_nothing(submitted, settings, monkeypatch):
    from declarations.messages.schema import SchemaInvalid, SchemaProblem
    from declarations.services import submission

    def invalid(declaration, lines, **options):
        raise SchemaInvalid([SchemaProblem(1, "/ceb:CEB603Message", "too long")])

    monkeypatch.setattr(submission, "render_all", invalid)

    assert declaration_render(declaration_id=submitted.pk, version=1) == []

    assert Declaration.objects.get(pk=submitted.pk).status == DeclarationStatus.RENDER_FAILED
    assert not RenderedMessage.objects.exists()
    assert not settings.OUTBOX_DIR.exists() or not list(settings.OUTBOX_DIR.iterdir())
    event = StatusEvent.objects.get(declaration=submitted)
    assert (event.from_status, event.to_status) == ("submitted", "render_failed")


def test_second_render_reuses_the_stored_messages(submitted):
    first = declaration_render(declaration_id=submitted.pk, version=1)
    Declaration.objects.filter(pk=submitted.pk).update(status=DeclarationStatus.SUBMITTED)  # as if not marked

    second = declaration_render(declaration_id=submitted.pk, version=1)

    assert sorted(m.guid for m in second) == sorted(m.guid for m in first)
    assert RenderedMessage.objects.filter(declaration=submitted).count() == 3
    assert Declaration.objects.get(pk=submitted.pk).status == DeclarationStatus.SENT


def test_advance_moves_only_from_the_expected_status_and_version(submitted):
    kwargs = {"from_status": DeclarationStatus.SUBMITTED, "to_status": DeclarationStatus.SENT}
    assert (
        declaration_advance(declaration_id=submitted.pk, version=2, source=EventSource.SYSTEM, **kwargs)
        is None
    )
    Declaration.objects.filter(pk=submitted.pk).update(status=DeclarationStatus.DRAFT)
    assert (
        declaration_advance(declaration_id=submitted.pk, version=1, source=EventSource.SYSTEM, **kwargs)
        is None
    )
    assert Declaration.objects.get(pk=submitted.pk).status == DeclarationStatus.DRAFT
    assert StatusEvent.objects.count() == 0

    Declaration.objects.filter(pk=submitted.pk).update(status=DeclarationStatus.SUBMITTED)
    event = declaration_advance(
        declaration_id=submitted.pk, version=1, source=EventSource.SYSTEM, note="x" * 1200, **kwargs
    )

    assert Declaration.objects.get(pk=submitted.pk).status == DeclarationStatus.SENT
    assert list(StatusEvent.objects.all()) == [event]
    assert (event.from_status, event.to_status, len(event.note)) == ("submitted", "sent", 1000)


def test_advance_refuses_a_transition_the_table_forbids(submitted):
    with pytest.raises(TransitionNotAllowed):
        declaration_advance(
            declaration_id=submitted.pk,
            version=1,
            from_status=DeclarationStatus.SUBMITTED,
            to_status=DeclarationStatus.CLOSED,
            source=EventSource.SYSTEM,
        )
    assert Declaration.objects.get(pk=submitted.pk).status == DeclarationStatus.SUBMITTED
    assert StatusEvent.objects.count() == 0


def test_a_refused_transition_leaves_the_callers_transaction_usable(submitted):
    with transaction.atomic():
        with pytest.raises(TransitionNotAllowed):
            declaration_set_status(declaration=submitted, to_status=DeclarationStatus.CLOSED)
        # Still usable: the refusal is raised outside the status change's block, which wrote nothing.
        declaration_set_status(declaration=submitted, to_status=DeclarationStatus.SENT)
    assert Declaration.objects.get(pk=submitted.pk).status == DeclarationStatus.SENT
    assert list(StatusEvent.objects.values_list("from_status", "to_status")) == [("submitted", "sent")]
