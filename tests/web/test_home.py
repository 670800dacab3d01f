import pytest
from django.urls import reverse

from tests import factories as f

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_exporter_sees_only_own_declarations(client, exporter_a, exporter_b):
    own = f.DeclarationFactory(enterprise=exporter_a, order_no="A-ORDER-1")
    f.DeclarationFactory(enterprise=exporter_b, order_no="B-ORDER-1")
    user = f.MembershipFactory(enterprise=exporter_a).user
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    body = response.content.decode()
    assert own.order_no in body
    assert "B-ORDER-1" not in body


def test_broker_sees_delegating_exporter(client, exporter_a, exporter_b, broker_c):
    f.DeclarationFactory(enterprise=exporter_a, order_no="A-ORDER-2")
    f.DeclarationFactory(enterprise=exporter_b, order_no="B-ORDER-2")
    client.force_login(f.MembershipFactory(enterprise=broker_c).user)
    body = client.get(reverse("home")).content.decode()
    assert "A-ORDER-2" in body
    assert "B-ORDER-2" not in body


def test_healthz(client):
    assert client.get("/healthz").json() == {"status": "ok"}
