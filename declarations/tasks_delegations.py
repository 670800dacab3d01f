"""Beat task of delegations: record the ones whose validity ended (services.delegations.delegations_expire)."""

from celery import shared_task

from declarations import task_names
from declarations.services.delegations import delegations_expire


@shared_task(name=task_names.DELEGATIONS_EXPIRE)
def delegations_expire_task() -> int:
    return delegations_expire()
