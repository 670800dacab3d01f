"""Celery app for fault-injection workers: the project's app plus one pause point, chosen by environment.

    FAULT_PAUSE_AT   render        after the messages are rendered, before they are stored (transaction open)
                     outbox        after the messages are committed (files staged), before the files' renames
                     import_check  before an import job checks its rows
                     import_store  while an import chunk is being stored: heads inserted, lines not yet
    FAULT_MARKER     file the paused process writes its pid to; the test waits for it
                     (the process then waits for FAULT_MARKER + ".release", or to be killed)

A pause point fires once per marker file, so a redelivered task runs straight through. Nothing here is
imported by the project: production code has no fault hooks.
"""

import os
import time
from pathlib import Path

from celery.signals import task_prerun

from exporter_portal.celery import app

# Abandoned (unacknowledged) messages are looked for every second, so a short visibility timeout
# (CELERY_VISIBILITY_TIMEOUT, set by the test) is all the redelivery waits for.
app.conf.broker_transport_options = {
    **(app.conf.broker_transport_options or {}),
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}

PAUSE_AT = os.environ.get("FAULT_PAUSE_AT", "")
MARKER = Path(os.environ["FAULT_MARKER"]) if os.environ.get("FAULT_MARKER") else None
_installed = False


def pause() -> None:
    if MARKER is None or MARKER.exists():
        return
    MARKER.write_text(str(os.getpid()))
    release = MARKER.with_name(MARKER.name + ".release")
    deadline = time.monotonic() + 300
    while not release.exists() and time.monotonic() < deadline:
        time.sleep(0.05)


def _after(func):
    def wrapper(*args, **kwargs):
        result = func(*args, **kwargs)
        pause()
        return result

    return wrapper


def _before(func):
    def wrapper(*args, **kwargs):
        pause()
        return func(*args, **kwargs)

    return wrapper


def _install() -> None:
    from django.db import connection
    from django.db.models.query import QuerySet

    from declarations.models import DeclarationLine
    from declarations.services import imports, submission

    if PAUSE_AT == "render":
        submission.render_all = _after(submission.render_all)
    elif PAUSE_AT == "outbox":
        submission.exchange.outbox_publish = _before(submission.exchange.outbox_publish)
    elif PAUSE_AT == "import_check":
        imports._Importer.check = _before(imports._Importer.check)
    elif PAUSE_AT == "import_store":
        original = QuerySet.bulk_create

        def bulk_create(self, *args, **kwargs):
            if self.model is DeclarationLine and connection.in_atomic_block:
                pause()
            return original(self, *args, **kwargs)

        QuerySet.bulk_create = bulk_create
        # A chunk's lines are written by imports._insert_lines (COPY / executemany), not bulk_create.
        imports._insert_lines = _before(imports._insert_lines)
    elif PAUSE_AT:
        raise ValueError(f"unknown FAULT_PAUSE_AT {PAUSE_AT!r}")


@task_prerun.connect
def _install_once(**kwargs):
    # In the process that runs the task (the solo worker itself, or a prefork child), after Django is set up.
    global _installed
    if not _installed:
        _installed = True
        _install()
