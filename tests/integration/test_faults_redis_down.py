"""Redis stopped while declarations are submitted: the submissions succeed, the work waits in PostgreSQL
(transactional outbox) and is dispatched by the sweeper when Redis is back. Nothing is lost."""

import time

import pytest
from django.test import Client
from django.urls import reverse

from declarations.choices import DeclarationStatus
from declarations.models import Declaration, RenderedMessage, TaskDispatch
from declarations.services.codes import code_tables_load
from declarations.services.declarations import declaration_check
from declarations.services.dispatch import dispatch_pending
from declarations.services.submission import declaration_submit
from tests import factories as f
from tests.integration import faults
from tests.integration.conftest import wait_for
from tests.integration.faults import Worker
from tests.submit_confirm import _FINGERPRINT as FINGERPRINT

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
private_redis, fault_broker = faults.private_redis, faults.fault_broker  # fixtures shared by the fault tests

RENDER = "declarations.tasks.declaration_render_task"
COUNT = 6


def _ready(n: int):
    code_tables_load()
    enterprise = f.EnterpriseFactory()
    f.RegistrationFactory(enterprise=enterprise, customs_office_id="5141")
    f.ExchangeRateFactory()
    user = f.MembershipFactory(enterprise=enterprise).user
    declarations = []
    for _ in range(n):
        line = f.DeclarationLineFactory(declaration__enterprise=enterprise, declaration__agent=enterprise)
        findings, _advice = declaration_check(declaration=line.declaration)
        assert [x.code for x in findings if x.is_error] == []
        declarations.append(line.declaration)
    return user, declarations


def test_submissions_during_a_redis_outage_are_dispatched_when_it_returns(fault_broker, tmp_path):
    redis = fault_broker
    user, declarations = _ready(COUNT)
    worker = Worker(tmp_path / "worker.log")  # consumes from the private Redis, before and after the outage
    try:
        redis.stop()

        # One submission through the portal, as the user sees it ...
        client = Client()
        client.force_login(user)
        url = reverse("declaration_submit", args=[declarations[0].pk])
        fingerprint = FINGERPRINT.search(client.get(url).content.decode()).group(1)  # the confirmation page
        started = time.monotonic()
        response = client.post(url, {"confirm": "1", "fingerprint": fingerprint})
        timings = [time.monotonic() - started]
        assert response.status_code == 302
        assert response.url == reverse("declaration_detail", args=[declarations[0].pk])
        # ... the others through the service.
        for declaration in declarations[1:]:
            started = time.monotonic()
            declaration_submit(declaration=declaration)
            timings.append(time.monotonic() - started)

        assert (
            list(Declaration.objects.order_by("pk").values_list("status", "version"))
            == [(DeclarationStatus.SUBMITTED, 1)] * COUNT
        )
        intents = list(TaskDispatch.objects.order_by("pk"))
        assert [(i.task_name, i.args) for i in intents] == [(RENDER, [d.pk, 1]) for d in declarations]
        assert [(i.dispatched_at, i.attempts) for i in intents] == [(None, 1)] * COUNT, [
            i.last_error for i in intents
        ]
        assert all("Connection refused" in i.last_error for i in intents), [i.last_error for i in intents]
        assert max(timings) < 2.0, timings  # a down broker does not hold the request
        print(f"\nsubmit while Redis is down: max {max(timings) * 1000:.0f} ms, timings {timings}")

        # The sweeper while Redis is still down: tries the oldest once, keeps everything.
        still_down = dispatch_pending(older_than=0)
        assert (still_down.dispatched, still_down.failed, still_down.pending) == (0, 1, COUNT)

        redis.start()
        result = dispatch_pending(older_than=0)
        assert (result.dispatched, result.failed, result.pending) == (COUNT, 0, 0)

        def all_sent():
            return Declaration.objects.filter(status=DeclarationStatus.SENT).count() == COUNT

        assert wait_for(all_sent, timeout=120), (
            list(Declaration.objects.values_list("status", flat=True)),
            (tmp_path / "worker.log").read_text()[-3000:],
        )
    finally:
        worker.stop()

    for declaration in declarations:
        messages = RenderedMessage.objects.filter(declaration=declaration)
        assert sorted(messages.values_list("message_type", "version")) == [
            ("CEB303", 1),
            ("CEB505", 1),
            ("CEB603", 1),
        ]
    assert RenderedMessage.objects.values("guid").distinct().count() == 3 * COUNT
    # Failed on commit, published by the sweeper; the oldest was also tried by the sweep during the outage.
    assert list(TaskDispatch.objects.order_by("pk").values_list("attempts", "last_error")) == [(3, "")] + [
        (2, "")
    ] * (COUNT - 1)
    assert TaskDispatch.objects.filter(dispatched_at__isnull=True).count() == 0
