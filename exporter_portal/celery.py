"""Celery application (Django's task class).

Services do not publish directly: ``declarations.services.dispatch.task_dispatch`` records the task in the
database with the state change and publishes it after commit (transactional outbox, see docs/reliability.md).
Broker timeouts, acks_late and the visibility timeout are in settings (``CELERY_*``).
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "exporter_portal.settings")

app = Celery("exporter_portal", task_cls="celery.contrib.django.task:DjangoTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
