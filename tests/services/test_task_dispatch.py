"""Transactional outbox: task intents commit with the state change and survive a broker outage."""

import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import DatabaseError, transaction
from django.utils import timezone
from kombu import pools

from declarations.choices import DeclarationStatus
from declarations.models import Declaration, RenderedMessage, StatusEvent, TaskDispatch
from declarations.services import dispatch as dispatch_services
from declarations.services.codes import code_tables_load
from declarations.services.dispatch import dispatch_pending, task_dispatch
from declarations.services.submission import declaration_submit
from declarations.tasks import declaration_render_task
from exporter_portal.celery import app
from tests import factories as f

pytestmark = pytest.mark.django_db

RENDER = "declarations.tasks.declaration_render_task"
# Nothing listens on the discard port: connecting is refused at once, as when Redis is stopped.
DOWN_BROKER = "redis://127.0.0.1:9/0"


def _use_broker(url: str | None) -> None:
    app.conf.broker_write_url = url  # the write URL wins over a CELERY_BROKER_URL environment variable
    pools.reset()  # drop pooled connections to the previous broker
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def not_eager():
    """Tasks go to a broker, as in production, instead of running inline."""
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = previous


@pytest.fixture
def broker_down(not_eager):
    """A real (unreachable) Redis broker."""
    _use_broker(DOWN_BROKER)
    yield
    _use_broker(None)


@pytest.fixture
def published(not_eager, monkeypatch):
    """A broker that accepts everything: records (task name, args) per publish."""
    calls = []

    def apply_async(self, args=None, kwargs=None, **options):
        calls.append((self.name, list(args or [])))

    monkeypatch.setattr(type(app.tasks[RENDER]), "apply_async", apply_async)
    return calls


def _ready(n: int = 1) -> list[Declaration]:
    code_tables_load()
    enterprise = f.EnterpriseFactory()
    f.RegistrationFactory(enterprise=enterprise, customs_office_id="5141")
    f.ExchangeRateFactory()
    declarations = []
    for _ in range(n):
        line = f.DeclarationLineFactory(declaration__enterprise=enterprise, declaration__agent=enterprise)
        declarations.append(line.declaration)
    return declarations


def _submit_all(declarations, capture) -> None:
    for declaration in declarations:
        with capture(execute=True):
            declaration_submit(declaration=declaration)


def test_broker_down_submission_succeeds_and_intent_stays_pending(
    broker_down, django_capture_on_commit_callbacks
):
    [declaration] = _ready()
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        declaration_submit(declaration=declaration)
    elapsed = time.monotonic() - started

    assert len(callbacks) == 1
    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.SUBMITTED
    assert declaration.version == 1
    intent = TaskDispatch.objects.get()
    assert (intent.task_name, intent.args) == (RENDER, [declaration.pk, 1])
    assert intent.dispatched_at is None
    assert intent.attempts == 1
    assert intent.last_error.startswith("OperationalError: ")
    assert "Connection refused" in intent.last_error
    assert RenderedMessage.objects.count() == 0
    assert elapsed < 3  # a refused connection is not retried for long


def test_intent_rolls_back_with_the_transaction(published):
    with pytest.raises(RuntimeError), transaction.atomic():
        task_dispatch(task=declaration_render_task, args=[1, 1])
        raise RuntimeError("the state change failed")
    assert TaskDispatch.objects.count() == 0
    assert published == []


def test_submission_is_atomic_when_the_intent_cannot_be_recorded(published, monkeypatch):
    [declaration] = _ready()

    def broken(**kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr("declarations.services.submission.task_dispatch", broken)
    with pytest.raises(DatabaseError):
        declaration_submit(declaration=declaration)
    declaration.refresh_from_db()
    assert (declaration.status, declaration.version, declaration.submitted_at) == (
        DeclarationStatus.DRAFT,
        0,
        None,
    )
    assert StatusEvent.objects.filter(declaration=declaration).count() == 0
    assert TaskDispatch.objects.count() == 0
    assert published == []


def test_published_on_commit_and_marked_dispatched(published, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        intent = task_dispatch(task=declaration_render_task, args=[7, 2])
        assert published == []  # nothing leaves before commit
    assert published == [(RENDER, [7, 2])]
    intent.refresh_from_db()
    assert intent.dispatched_at is not None
    assert intent.attempts == 1
    assert intent.last_error == ""


def test_sweeper_dispatches_each_pending_intent_exactly_once(
    not_eager, monkeypatch, django_capture_on_commit_callbacks
):
    declarations = _ready(3)
    _use_broker(DOWN_BROKER)
    try:
        _submit_all(declarations, django_capture_on_commit_callbacks)
    finally:
        _use_broker(None)
    assert TaskDispatch.objects.filter(dispatched_at__isnull=True).count() == 3

    calls = []
    monkeypatch.setattr(
        type(app.tasks[RENDER]),
        "apply_async",
        lambda self, args=None, kwargs=None, **options: calls.append((self.name, list(args))),
    )
    # Within the grace period the on-commit publish may still be under way: the sweeper leaves them alone.
    assert dispatch_pending(older_than=60).dispatched == 0
    assert calls == []

    result = dispatch_pending(older_than=0)
    assert (result.dispatched, result.failed, result.pending) == (3, 0, 0)
    assert calls == [(RENDER, [d.pk, 1]) for d in declarations]
    assert list(TaskDispatch.objects.values_list("attempts", "last_error")) == [(2, "")] * 3
    assert TaskDispatch.objects.filter(dispatched_at__isnull=True).count() == 0

    again = dispatch_pending(older_than=0)
    assert (again.dispatched, again.failed) == (0, 0)
    assert len(calls) == 3


def test_sweeper_stops_at_the_first_broker_failure(broker_down):
    for n in range(3):
        TaskDispatch.objects.create(
            task_name=RENDER, args=[n, 1], created_at=timezone.now() - timedelta(minutes=5)
        )
    result = dispatch_pending(older_than=0)
    assert (result.dispatched, result.failed, result.pending) == (0, 1, 3)
    assert list(TaskDispatch.objects.order_by("id").values_list("attempts", flat=True)) == [1, 0, 0]


def test_sweeper_prunes_old_dispatched_intents_only(published):
    now = timezone.now()
    old = TaskDispatch.objects.create(task_name=RENDER, args=[1, 1], dispatched_at=now - timedelta(days=15))
    recent = TaskDispatch.objects.create(task_name=RENDER, args=[2, 1], dispatched_at=now - timedelta(days=1))
    pending = TaskDispatch.objects.create(task_name=RENDER, args=[3, 1], created_at=now - timedelta(days=20))
    result = dispatch_pending(older_than=0, retention_days=14)
    assert (result.dispatched, result.pruned) == (1, 1)
    assert set(TaskDispatch.objects.values_list("pk", flat=True)) == {recent.pk, pending.pk}
    assert not TaskDispatch.objects.filter(pk=old.pk).exists()


def test_eager_mode_renders_inline_on_commit_and_records_dispatch(django_capture_on_commit_callbacks):
    assert app.conf.task_always_eager is True
    [declaration] = _ready()
    with django_capture_on_commit_callbacks(execute=True):
        declaration_submit(declaration=declaration)
    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.SENT
    assert sorted(declaration.messages.values_list("message_type", flat=True)) == [
        "CEB303",
        "CEB505",
        "CEB603",
    ]
    intent = TaskDispatch.objects.get()
    assert (intent.task_name, intent.args, intent.attempts, intent.last_error) == (
        RENDER,
        [declaration.pk, 1],
        1,
        "",
    )
    assert intent.dispatched_at is not None


def test_eager_mode_task_error_propagates_and_stays_pending(monkeypatch, django_capture_on_commit_callbacks):
    def boom(**kwargs):
        raise ValueError("renderer broke")

    monkeypatch.setattr("declarations.services.submission.declaration_render", boom)
    [declaration] = _ready()
    with pytest.raises(ValueError, match="renderer broke"), django_capture_on_commit_callbacks(execute=True):
        declaration_submit(declaration=declaration)
    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.SUBMITTED  # committed before the inline run
    intent = TaskDispatch.objects.get()
    assert intent.dispatched_at is None
    assert (intent.attempts, intent.last_error) == (1, "ValueError: renderer broke")


def test_command_publishes_pending_and_reports(published, capsys):
    TaskDispatch.objects.create(
        task_name=RENDER, args=[5, 1], created_at=timezone.now() - timedelta(minutes=1)
    )
    call_command("dispatch_pending", "--older-than", "30")
    assert capsys.readouterr().out.strip() == "dispatched 1, failed 0, pending 0, pruned 0"
    assert published == [(RENDER, [5, 1])]


def test_command_exits_non_zero_while_the_broker_is_down(broker_down, capsys):
    TaskDispatch.objects.create(
        task_name=RENDER, args=[5, 1], created_at=timezone.now() - timedelta(minutes=1)
    )
    with pytest.raises(SystemExit) as exc:
        call_command("dispatch_pending", "--older-than", "0")
    assert exc.value.code == 1
    assert capsys.readouterr().out.strip() == "dispatched 0, failed 1, pending 1, pruned 0"


def test_publish_retry_policy_is_short():
    # A down broker must not hold a web request: one immediate retry, at most 0.2 s apart.
    assert dispatch_services.PUBLISH_RETRY_POLICY["max_retries"] <= 1
    assert dispatch_services.PUBLISH_RETRY_POLICY["interval_max"] <= 0.2
