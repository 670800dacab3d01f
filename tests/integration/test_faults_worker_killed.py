"""A worker killed (`kill -9`) in the middle of rendering: the task is redelivered (acks_late) and exactly one
message per (declaration, type, version) exists afterwards, each with one guid and one outbox file."""

import os
import re
import signal
import time
from datetime import timedelta

import pytest
from django.conf import settings

from declarations.choices import DeclarationStatus
from declarations.models import Declaration, RenderedMessage
from declarations.services.codes import code_tables_load
from declarations.services.outbox_sweep import outbox_staged_sweep
from declarations.services.submission import declaration_submit
from tests import factories as f
from tests.integration import faults
from tests.integration.conftest import wait_for
from tests.integration.faults import Worker, wait_for_marker

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
private_redis, fault_broker = faults.private_redis, faults.fault_broker  # fixtures shared by the fault tests

TYPES = ["CEB303", "CEB505", "CEB603"]


def _submitted():
    code_tables_load()
    enterprise = f.EnterpriseFactory()
    f.RegistrationFactory(enterprise=enterprise, customs_office_id="5141")
    f.ExchangeRateFactory()
    line = f.DeclarationLineFactory(declaration__enterprise=enterprise, declaration__agent=enterprise)
    declaration_submit(declaration=line.declaration)
    return line.declaration


def _received(log) -> list[str]:
    """Ids of the render tasks a worker received, from its log."""
    return re.findall(
        r"Task declarations\.tasks\.declaration_render_task\[([0-9a-f-]+)\] received", log.read_text()
    )


def _sent(declaration) -> bool:
    return Declaration.objects.get(pk=declaration.pk).status == DeclarationStatus.SENT


def _in_outbox(declaration) -> bool:
    names = {m.file_name for m in RenderedMessage.objects.filter(declaration=declaration)}
    return len(names) == 3 and names <= {p.name for p in settings.OUTBOX_DIR.glob("*.xml")}


def _assert_one_message_per_type(declaration) -> list[str]:
    rows = list(RenderedMessage.objects.filter(declaration=declaration).order_by("message_type"))
    assert [(m.message_type, m.version) for m in rows] == [(t, 1) for t in TYPES]
    guids = [m.guid for m in rows]
    assert len(set(guids)) == 3
    # One outbox file per message: a rewrite after the crash reuses the stored guid, so the same file name.
    files = sorted(p.name for p in settings.OUTBOX_DIR.glob("*.xml") if any(g in p.name for g in guids))
    assert files == sorted(m.file_name for m in rows)
    assert all(m.written_at is not None for m in rows)
    return guids


@pytest.mark.parametrize("pause_at", ["render", "outbox"])
def test_worker_killed_mid_render_task_is_redelivered_once(fault_broker, tmp_path, pause_at):
    marker = tmp_path / "paused"
    first = Worker(tmp_path / "first.log", FAULT_PAUSE_AT=pause_at, FAULT_MARKER=marker)
    try:
        declaration = _submitted()
        wait_for_marker(marker)
        guids_before = sorted(
            RenderedMessage.objects.filter(declaration=declaration).values_list("guid", flat=True)
        )
        first.kill()
    finally:
        first.stop()

    status = Declaration.objects.get(pk=declaration.pk).status
    if pause_at == "render":
        assert guids_before == []  # killed inside the transaction: nothing was stored
        assert status == DeclarationStatus.SUBMITTED
    else:
        # Killed after the transaction (messages stored, declaration sent), before the files were renamed.
        assert len(guids_before) == 3 and status == DeclarationStatus.SENT
        assert not [p for p in settings.OUTBOX_DIR.glob("*.xml") if any(g in p.name for g in guids_before)]

    # The message was taken but never acknowledged: after the visibility timeout Redis gives it to the next
    # worker (same pause point armed, but it fires once: the marker exists).
    second = Worker(tmp_path / "second.log", FAULT_PAUSE_AT=pause_at, FAULT_MARKER=marker)
    try:
        started = time.monotonic()
        assert wait_for(lambda: _sent(declaration) and _in_outbox(declaration), timeout=90), (
            tmp_path / "second.log"
        ).read_text()[-3000:]
        print(f"\n{pause_at}: sent {time.monotonic() - started:.1f} s after the second worker was ready")
    finally:
        second.stop()

    # The very message the killed worker held was redelivered (same task id), and only that one.
    assert _received(tmp_path / "second.log") == _received(tmp_path / "first.log")
    assert len(_received(tmp_path / "first.log")) == 1
    guids = _assert_one_message_per_type(declaration)
    if pause_at == "outbox":
        assert sorted(guids) == guids_before  # the stored messages were reused, not rendered again
        # The killed worker's staged files stayed behind under their temp names until the sweep.
        assert len([p for p in settings.OUTBOX_DIR.glob(".*.tmp") if any(g in p.name for g in guids)]) == 3
    result = outbox_staged_sweep(older_than=timedelta(0))
    assert result.conflicts == [] and list(settings.OUTBOX_DIR.glob(".*.tmp")) == []
    assert sorted(
        p.name for p in settings.OUTBOX_DIR.glob("*.xml") if any(g in p.name for g in guids)
    ) == sorted(m.file_name for m in RenderedMessage.objects.filter(declaration=declaration))


def test_pool_child_killed_mid_render_is_requeued_by_its_worker(fault_broker, tmp_path):
    """Prefork: the child running the task is killed; reject_on_worker_lost requeues it at once."""
    marker = tmp_path / "paused"
    # No visibility timeout in play (the requeue is immediate): with the fault workers' 3 s, a redelivered run
    # slower than that (a new pool child starting) would be restored and, with a message reserved ahead
    # (prefetch), taken a third time by the same worker.
    worker = Worker(
        tmp_path / "worker.log",
        pool="prefork",
        FAULT_PAUSE_AT="render",
        FAULT_MARKER=marker,
        CELERY_VISIBILITY_TIMEOUT="600",
    )
    try:
        declaration = _submitted()
        child = wait_for_marker(marker)
        assert child != worker.proc.pid
        os.kill(child, signal.SIGKILL)
        assert wait_for(lambda: _sent(declaration), timeout=90), (tmp_path / "worker.log").read_text()[-3000:]
    finally:
        worker.stop()
    log = (tmp_path / "worker.log").read_text()
    assert "WorkerLostError" in log
    received = _received(tmp_path / "worker.log")
    assert len(received) == 2 and received[0] == received[1]  # the same message, delivered a second time
    _assert_one_message_per_type(declaration)
