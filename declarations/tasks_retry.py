"""Retry policy shared by the tasks that touch the database."""

from django.db import InterfaceError, OperationalError

# A worker keeps its database connection between tasks (exporter_portal.celery): the first task after a database
# restart finds it dead, fails on its first query and is retried on a fresh connection. Only idempotent tasks
# use this.
RETRY_ON_DATABASE_ERRORS = {
    "autoretry_for": (InterfaceError, OperationalError),
    "retry_backoff": 1,
    "retry_backoff_max": 30,
    "max_retries": 8,
}
