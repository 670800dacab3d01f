"""Celery application. Tasks use Django's task class so services can dispatch with ``delay_on_commit``."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "exporter_portal.settings")

app = Celery("exporter_portal", task_cls="celery.contrib.django.task:DjangoTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
