"""Beat task of delegations: record the ones whose validity ended (services.delegations.delegations_expire)."""

from celery import shared_task

from declarations.services.delegations import delegations_expire


@shared_task(name="declarations.tasks.delegations_expire_task")
def delegations_expire_task() -> int:
    return delegations_expire()
