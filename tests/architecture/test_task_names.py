"""Services dispatch tasks by name (declarations.task_names): every name is a registered task, every task is
named there, and the beat schedule and the outbox use only those names."""

from django.conf import settings

from declarations import task_names
from exporter_portal.celery import app


def registered() -> set[str]:
    app.loader.import_default_modules()  # what a web process does before publishing (services.dispatch)
    return {name for name in app.tasks if name.startswith("declarations.")}


def test_every_name_is_a_registered_task_and_every_task_has_a_name():
    assert set(task_names.ALL) == registered()


def test_the_beat_schedule_uses_the_names():
    assert {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()} <= set(task_names.ALL)
