"""Transactional outbox for Celery tasks: record the intent with the state change, publish after commit.

A service that needs a task calls ``task_dispatch(task=<name from declarations.task_names>, args=[...])``
inside its transaction. The intent
(a ``TaskDispatch`` row) commits or rolls back with the state change, so work is never queued for a change
that did not happen, and never lost for one that did:

- after commit, ``dispatch_publish`` tries the broker once, with a short retry policy, so a down Redis costs
  a web request well under a second (see ``PUBLISH_RETRY_POLICY``); any failure is recorded on the intent and
  swallowed, because the user's change is already committed and the sweeper will publish it later;
- ``dispatch_pending`` (beat every 30 s, and ``manage.py dispatch_pending``) republishes intents that are still
  pending after a grace period.

Delivery is at least once: a publish whose acknowledgement was lost, or a sweep racing the on-commit publish,
sends the message twice. That is harmless because the tasks are idempotent (``declaration_render`` keeps one
message per declaration, type and version; validation and imports recompute the same result).

Without a broker (eager mode, the embedded default) the task runs inline on commit exactly as
``delay_on_commit`` did, and the intent is recorded as dispatched.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from celery import current_app
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from declarations.models import TaskDispatch

logger = logging.getLogger(__name__)

# One immediate retry (a pooled connection may be stale after a Redis restart), then give up: the sweeper
# retries later. Connection refused fails in milliseconds; the socket connect timeout in settings bounds
# an unreachable host.
PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
DEFAULT_GRACE_SECONDS = 30
DEFAULT_BATCH = 500
DEFAULT_RETENTION_DAYS = 14


def _task_name(task) -> str:
    # A name (services: ``declarations.task_names``); a task object is accepted for callers outside services.
    return task if isinstance(task, str) else task.name


def task_dispatch(*, task, args: list | tuple = ()) -> TaskDispatch:
    """Record the intent to run the task named ``task`` with ``args`` in the current transaction; publish it
    once that commits."""
    intent = TaskDispatch.objects.create(task_name=_task_name(task), args=list(args))
    transaction.on_commit(partial(dispatch_publish, intent_id=intent.pk))
    return intent


def task_record_fallback(*, task, args: list | tuple = ()) -> int:
    """Record an intent that only the sweeper publishes: the caller does the work itself, in this process.

    For work done inline right after the commit (a bulk submission renders its declarations itself): should the
    process die first, ``dispatch_pending`` publishes the intent once the grace period has passed and a worker
    finishes the work. The caller marks it done with ``task_fallback_done`` when it has finished.
    """
    return TaskDispatch.objects.create(task_name=_task_name(task), args=list(args)).pk


def task_fallback_done(*, intent_id: int) -> None:
    """The fallback intent's work is done: the sweeper leaves it (and prunes it in time)."""
    TaskDispatch.objects.filter(pk=intent_id, dispatched_at__isnull=True).update(
        dispatched_at=timezone.now(), last_error=""
    )


def _eager() -> bool:
    return bool(current_app.conf.task_always_eager)


def _registered_task(name: str):
    """The task registered under ``name``; a process that has not imported the tasks yet (a web process) has the
    app import its task modules (autodiscovery) first, so that no service imports ``tasks``."""
    if name not in current_app.tasks:
        current_app.loader.import_default_modules()
    return current_app.tasks[name]


def dispatch_publish(*, intent_id: int) -> bool:
    """Publish one intent; True when the broker accepted it (or it ran inline). Never raises a broker error."""
    intent = TaskDispatch.objects.filter(pk=intent_id, dispatched_at__isnull=True).first()
    if intent is None:
        return False  # already dispatched (by the sweeper) or gone
    task = _registered_task(intent.task_name)
    if _eager():
        # The inline run is today's delay_on_commit behaviour, errors included; the intent still records it.
        try:
            task.apply_async(args=intent.args)
        except Exception as exc:
            _record_failure(intent, exc)
            raise
        _record_success(intent)
        return True
    try:
        task.apply_async(args=intent.args, retry=True, retry_policy=PUBLISH_RETRY_POLICY)
    except Exception as exc:  # any broker failure: the state change is committed, the sweeper retries
        logger.warning("dispatch of %s%s deferred: %s", intent.task_name, tuple(intent.args), exc)
        _record_failure(intent, exc)
        return False
    _record_success(intent)
    return True


def _record_success(intent: TaskDispatch) -> None:
    TaskDispatch.objects.filter(pk=intent.pk).update(
        dispatched_at=timezone.now(), attempts=F("attempts") + 1, last_error=""
    )


def _record_failure(intent: TaskDispatch, exc: Exception) -> None:
    TaskDispatch.objects.filter(pk=intent.pk).update(
        attempts=F("attempts") + 1, last_error=f"{exc.__class__.__name__}: {exc}"[:2000]
    )


@dataclass
class SweepResult:
    dispatched: int = 0
    failed: int = 0
    pending: int = 0
    pruned: int = 0

    def as_dict(self) -> dict:
        return {
            "dispatched": self.dispatched,
            "failed": self.failed,
            "pending": self.pending,
            "pruned": self.pruned,
        }


def dispatch_pending(
    *,
    older_than: float = DEFAULT_GRACE_SECONDS,
    limit: int = DEFAULT_BATCH,
    retention_days: int | None = None,
) -> SweepResult:
    """Republish intents pending for more than ``older_than`` seconds, oldest first; prune old dispatched ones.

    Each intent is locked (skip locked) while it is published, so concurrent sweepers publish it once. The
    sweep stops at the first broker failure: the broker is down and the next sweep tries again.
    """
    result = SweepResult()
    now = timezone.now()
    cutoff = now - timedelta(seconds=older_than)
    pending = TaskDispatch.objects.filter(dispatched_at__isnull=True, created_at__lte=cutoff)
    ids = list(pending.order_by("created_at", "id").values_list("pk", flat=True)[:limit])
    for intent_id in ids:
        with transaction.atomic():
            intent = (
                TaskDispatch.objects.select_for_update(skip_locked=True)
                .filter(pk=intent_id, dispatched_at__isnull=True)
                .first()
            )
            if intent is None:
                continue  # another sweeper has it, or the on-commit publish got there first
            try:
                ok = dispatch_publish(intent_id=intent.pk)
            except Exception:  # eager mode: the task itself failed inline; the others still run
                logger.exception("dispatch of %s%s failed", intent.task_name, tuple(intent.args))
                result.failed += 1
                continue
        if ok:
            result.dispatched += 1
        else:
            result.failed += 1
            break  # the broker is down: the next sweep tries again
    result.pending = TaskDispatch.objects.filter(dispatched_at__isnull=True).count()
    days = retention_days if retention_days is not None else _retention_days()
    if days > 0:
        result.pruned, _by_model = TaskDispatch.objects.filter(
            dispatched_at__lt=now - timedelta(days=days)
        ).delete()
    if result.dispatched or result.failed:
        logger.info("dispatch sweep: %s", result.as_dict())
    return result


def _retention_days() -> int:
    return int(getattr(settings, "TASK_DISPATCH_RETENTION_DAYS", DEFAULT_RETENTION_DAYS))
