"""Thin Celery tasks: load by id, call one service. Every task is idempotent (safe to run twice)."""

from celery import shared_task

from declarations.services import declarations as declaration_services


@shared_task(name="declarations.tasks.declaration_validate_task")
def declaration_validate_task(declaration_id: int) -> int:
    return len(declaration_services.declaration_validate(declaration_id=declaration_id))
