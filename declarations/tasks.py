"""Thin Celery tasks: load by id, call one service. Every task is idempotent (safe to run twice)."""

from celery import shared_task

from declarations import task_names
from declarations.services import dispatch as dispatch_services
from declarations.services import outbox_sweep
from declarations.services import receipts as receipt_services
from declarations.services import reconcile as reconcile_services
from declarations.services import submission as submission_services
from declarations.tasks_retry import RETRY_ON_DATABASE_ERRORS


@shared_task(name=task_names.DECLARATION_RENDER, acks_late=True, **RETRY_ON_DATABASE_ERRORS)
def declaration_render_task(declaration_id: int, version: int) -> list[str]:
    messages = submission_services.declaration_render(declaration_id=declaration_id, version=version)
    return [m.guid for m in messages]


@shared_task(name=task_names.DECLARATIONS_RENDER_MANY, acks_late=True, **RETRY_ON_DATABASE_ERRORS)
def declarations_render_many_task(pairs: list[list[int]]) -> int:
    """The fallback of a bulk submission's chunk: what the import did not finish, rendered one by one."""
    return sum(
        len(submission_services.declaration_render(declaration_id=pk, version=version))
        for pk, version in pairs
    )


@shared_task(name=task_names.RECEIPTS_INGEST)
def receipts_ingest_task() -> dict:
    return receipt_services.receipts_ingest().as_dict()


@shared_task(name=task_names.DISPATCH_PENDING)
def dispatch_pending_task() -> dict:
    """Beat: republish task intents the broker did not accept (Redis was down) — the outbox sweeper."""
    return dispatch_services.dispatch_pending().as_dict()


@shared_task(name=task_names.OUTBOX_STAGED_SWEEP)
def outbox_staged_sweep_task() -> dict:
    """Beat: staged outbox files that a process killed between staging and publishing left behind."""
    return outbox_sweep.outbox_staged_sweep().as_dict()


@shared_task(name=task_names.RECONCILE_STUCK)
def reconcile_stuck_task() -> dict:
    """Beat: declarations and import jobs whose task the broker accepted and then lost are dispatched again."""
    return reconcile_services.reconcile_stuck().as_dict()


# Registered here so the worker's autodiscovery finds the spreadsheet-import task too.
from declarations.tasks_imports import import_job_run_task  # noqa: E402,F401
