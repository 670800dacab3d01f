"""The task outbox in admin: staff see pending intents and can publish them at once."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from declarations.models import TaskDispatch
from tests import factories as f

pytestmark = pytest.mark.django_db

INGEST = "declarations.tasks.receipts_ingest_task"  # harmless inline: the test inbox is empty


def test_pending_filter_lists_only_pending(admin_client_su):
    pending = f.TaskDispatchFactory(task_name=INGEST, args=[])
    f.TaskDispatchFactory(task_name=INGEST, args=[], dispatched_at=timezone.now())
    url = reverse("admin:declarations_taskdispatch_changelist") + "?dispatched_at__isempty=1"

    response = admin_client_su.get(url)

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [pending]


def test_publish_now_dispatches_pending_and_leaves_dispatched_alone(admin_client_su):
    pending = f.TaskDispatchFactory(task_name=INGEST, args=[])
    done_at = timezone.now() - datetime.timedelta(hours=1)
    done = f.TaskDispatchFactory(task_name=INGEST, args=[], dispatched_at=done_at, attempts=1)

    response = admin_client_su.post(
        reverse("admin:declarations_taskdispatch_changelist"),
        {"action": "publish_now", "_selected_action": [pending.pk, done.pk]},
        follow=True,
    )

    assert response.status_code == 200
    pending.refresh_from_db()
    done.refresh_from_db()
    assert pending.dispatched_at is not None and pending.attempts == 1
    assert (done.dispatched_at, done.attempts) == (done_at, 1)


def test_non_staff_cannot_publish(client):
    user = f.UserFactory()
    client.force_login(user)
    pending = f.TaskDispatchFactory(task_name=INGEST, args=[])

    response = client.post(
        reverse("admin:declarations_taskdispatch_changelist"),
        {"action": "publish_now", "_selected_action": [pending.pk]},
    )

    assert response.status_code == 302
    assert TaskDispatch.objects.get(pk=pending.pk).dispatched_at is None
