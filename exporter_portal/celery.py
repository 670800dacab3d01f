"""Celery application (Django's task class).

Services do not publish directly: ``declarations.services.dispatch.task_dispatch`` records the task in the
database with the state change and publishes it after commit (transactional outbox, see docs/reliability.md).
Broker timeouts, acks_late and the visibility timeout are in settings (``CELERY_*``).
"""

import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "exporter_portal.settings")

app = Celery("exporter_portal", task_cls="celery.contrib.django.task:DjangoTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.task_prerun.connect
def _database_connections_as_for_a_request(task=None, **kwargs) -> None:
    """Keep a worker's database connection across tasks, under the rules Django applies between web requests.

    Celery's Django fixup would close it around every task (a new PostgreSQL backend per task) unless
    CELERY_DB_REUSE_MAX is set; it is, so this applies CONN_MAX_AGE and drops a connection that failed in the
    previous task (e.g. the server restarted), which the next query then reopens.
    """
    if task is not None and task.request.is_eager:
        return  # run in the caller's process (no broker): the connection and any transaction are the caller's
    from django.db import close_old_connections

    close_old_connections()
