import pytest
from django.urls import reverse

from declarations.models import Notification

pytestmark = pytest.mark.django_db


def test_list_count_and_mark_read(client_a, user_a, user_b):
    mine = Notification.objects.create(user=user_a, kind="rejected", text="报关被退单")
    Notification.objects.create(user=user_a, kind="released", text="已放行")
    Notification.objects.create(user=user_b, kind="released", text="别人的通知")
    body = client_a.get(reverse("notification_list")).content.decode()
    assert "报关被退单" in body
    assert "别人的通知" not in body
    assert client_a.get(reverse("notification_count")).context["unread"] == 2
    client_a.post(reverse("notification_read"), {"id": [mine.pk]})
    assert client_a.get(reverse("notification_count")).context["unread"] == 1
    client_a.post(reverse("notification_read"), {"all": "1"})
    assert client_a.get(reverse("notification_count")).context["unread"] == 0


def test_cannot_mark_another_users_notification(client_a, user_b):
    theirs = Notification.objects.create(user=user_b, kind="released", text="别人的通知")
    client_a.post(reverse("notification_read"), {"id": [theirs.pk]})
    client_a.post(reverse("notification_read"), {"all": "1"})
    theirs.refresh_from_db()
    assert theirs.read is False
