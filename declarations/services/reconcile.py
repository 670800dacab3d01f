"""Reconciler: work the broker accepted and then lost is found in the database and dispatched again.

The dispatch outbox (services.dispatch) covers a broker that refused a message; it cannot see a message Redis
accepted and then lost (a restart without persistence, a flushed database): the intent is marked dispatched
and nothing will ever run it. The database still says what is unfinished, so this looks there:

- declarations ``submitted`` longer than the bound whose current version has no rendered messages get their
  render task again (``declaration_render`` is idempotent per declaration and version);
- import jobs ``pending`` longer than the bound, or ``running`` longer than the (longer) running bound, get
  their run task again (``import_job_run`` returns at once for a finished job; a re-run keeps what an earlier
  run stored). A job dispatched ``IMPORT_MAX_DISPATCHES`` times without finishing is failed with a reason
  instead of looping for ever.

Idempotent itself: a dispatch is recorded as an intent (TaskDispatch), and work with an intent younger than
the bound is left alone, so a second sweep right after the first dispatches nothing. Tasks are dispatched by
name: services never import tasks.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from declarations import task_names
from declarations.choices import DeclarationStatus, ImportState
from declarations.models import Declaration, ImportJob, RenderedMessage, TaskDispatch
from declarations.services.dispatch import dispatch_publish

logger = logging.getLogger(__name__)

RENDER_TASK = task_names.DECLARATION_RENDER
IMPORT_TASK = task_names.IMPORT_JOB_RUN
DEFAULT_STUCK_SECONDS = 600
# Above the broker's visibility timeout (3,600 s): before it, Redis itself redelivers a lost worker's job.
DEFAULT_RUNNING_SECONDS = 7200
IMPORT_MAX_DISPATCHES = 5
DEFAULT_BATCH = 500


@dataclass
class ReconcileResult:
    declarations: int = 0
    imports: int = 0
    imports_failed: int = 0

    def as_dict(self) -> dict:
        return asdict(self)


def _setting(name: str, default: float) -> float:
    return float(getattr(settings, name, default))


def _dispatch_by_name(*, task_name: str, args: list) -> None:
    """The outbox's task_dispatch, by the task's registered name."""
    intent = TaskDispatch.objects.create(task_name=task_name, args=args)
    transaction.on_commit(partial(dispatch_publish, intent_id=intent.pk))


def declarations_stuck(*, cutoff, limit: int = DEFAULT_BATCH) -> list[tuple[int, int]]:
    """(id, version) of declarations submitted before ``cutoff`` with no message for their version, and no
    render intent for that version since ``cutoff``."""
    rendered = RenderedMessage.objects.filter(declaration=OuterRef("pk"), version=OuterRef("version"))
    candidates = (
        Declaration.objects.filter(status=DeclarationStatus.SUBMITTED)
        .filter(Q(submitted_at__lte=cutoff) | Q(submitted_at__isnull=True, updated_at__lte=cutoff))
        .filter(~Exists(rendered))
        .order_by("pk")
        .values_list("pk", "version")[:limit]
    )
    candidates = list(candidates)
    if not candidates:
        return []
    recent = {
        tuple(args)
        for args in TaskDispatch.objects.filter(task_name=RENDER_TASK, created_at__gt=cutoff).values_list(
            "args", flat=True
        )
        if isinstance(args, list) and len(args) == 2
    }
    return [(pk, version) for pk, version in candidates if (pk, version) not in recent]


def import_jobs_stuck(*, cutoff, running_cutoff, limit: int = DEFAULT_BATCH) -> list[ImportJob]:
    """Jobs pending since before ``cutoff`` or running since before ``running_cutoff``, with no run intent
    since ``cutoff``."""
    jobs = list(
        ImportJob.objects.filter(
            Q(state=ImportState.PENDING, created_at__lte=cutoff)
            | Q(state=ImportState.RUNNING, started_at__lte=running_cutoff)
        ).order_by("pk")[:limit]
    )
    if not jobs:
        return []
    recent = {
        args[0]
        for args in TaskDispatch.objects.filter(task_name=IMPORT_TASK, created_at__gt=cutoff).values_list(
            "args", flat=True
        )
        if isinstance(args, list) and args
    }
    return [job for job in jobs if job.pk not in recent]


def _import_intents(job: ImportJob) -> list[TaskDispatch]:
    return list(
        TaskDispatch.objects.filter(task_name=IMPORT_TASK, args__0=job.pk).order_by("created_at", "pk")
    )


def reconcile_stuck(
    *, older_than: float | None = None, running_older_than: float | None = None, limit: int = DEFAULT_BATCH
) -> ReconcileResult:
    """Dispatch again what the database says is unfinished past the bound (see the module docstring)."""
    now = timezone.now()
    bound = _setting("RECONCILE_STUCK_SECONDS", DEFAULT_STUCK_SECONDS) if older_than is None else older_than
    running_bound = (
        _setting("RECONCILE_RUNNING_SECONDS", DEFAULT_RUNNING_SECONDS)
        if running_older_than is None
        else running_older_than
    )
    cutoff = now - timedelta(seconds=bound)
    running_cutoff = now - timedelta(seconds=running_bound)
    result = ReconcileResult()

    for pk, version in declarations_stuck(cutoff=cutoff, limit=limit):
        with transaction.atomic():
            _dispatch_by_name(task_name=RENDER_TASK, args=[pk, version])
        result.declarations += 1

    for job in import_jobs_stuck(cutoff=cutoff, running_cutoff=running_cutoff, limit=limit):
        intents = _import_intents(job)
        with transaction.atomic():
            if len(intents) >= IMPORT_MAX_DISPATCHES:
                failed = ImportJob.objects.filter(
                    pk=job.pk, state__in=[ImportState.PENDING, ImportState.RUNNING]
                ).update(
                    state=ImportState.FAILED,
                    error_message=_(
                        "The import was started %(count)d times and never finished; it was stopped. "
                        "Declarations already stored are kept; upload the file again to finish."
                    )
                    % {"count": len(intents)},
                    finished_at=now,
                )
                result.imports_failed += failed
                continue
            # The language the user uploaded in, as the first dispatch had it.
            language = intents[-1].args[1] if intents and len(intents[-1].args) > 1 else None
            _dispatch_by_name(task_name=IMPORT_TASK, args=[job.pk, language])
        result.imports += 1

    if result.declarations or result.imports or result.imports_failed:
        logger.warning("reconciler dispatched again: %s", result.as_dict())
    return result
