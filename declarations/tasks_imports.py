"""Thin Celery task for spreadsheet imports: load by id, call the service (idempotent by copNo)."""

from celery import shared_task

from declarations import task_names
from declarations.services import imports as import_services
from declarations.tasks_retry import RETRY_ON_DATABASE_ERRORS


@shared_task(name=task_names.IMPORT_JOB_RUN, acks_late=True, **RETRY_ON_DATABASE_ERRORS)
def import_job_run_task(job_id: int, language: str | None = None) -> str:
    return import_services.import_job_run(job_id=job_id, language=language).state
