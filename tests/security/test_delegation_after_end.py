"""The moment a delegation ends or expires, the broker sees nothing more of the exporter: its pages, its
declarations, its enterprise in the API, and changing what the broker itself filed for it are all refused. The
declarations the broker filed as agent stay readable as its own records (tests/security/test_action_permissions).
Also: a broker acts only within the delegation's scope (modes, offices)."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from declarations.models import Delegation, Membership
from declarations.services.delegations import delegation_end
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def parties():
    exporter = f.EnterpriseFactory(name="Exporter X")
    broker = f.EnterpriseFactory(name="Broker Y", is_exporter=False, is_broker=True)
    delegation = f.DelegationFactory(broker=broker, exporter=exporter)
    broker_user = f.MembershipFactory(enterprise=broker, role=Membership.Role.ADMIN).user
    exporter_user = f.MembershipFactory(enterprise=exporter, role=Membership.Role.ADMIN).user
    own = f.DeclarationFactory(enterprise=exporter, agent=exporter, cop_no="EXPORTER-OWN")
    filed = f.DeclarationFactory(enterprise=exporter, agent=broker, cop_no="FILED-BY-BROKER")
    return delegation, broker_user, exporter_user, own, filed


def _web(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _api(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


def _reach(user, own, filed, exporter) -> dict:
    web, api = _web(user), _api(user)
    enterprises = [e["id"] for e in api.get("/api/enterprises/").json()["results"]]
    return {
        "page: exporter's declaration": web.get(reverse("declaration_detail", args=[own.pk])).status_code,
        "page: edit what it filed": web.get(reverse("declaration_edit", args=[filed.pk])).status_code,
        "page: list shows the exporter's": "EXPORTER-OWN"
        in web.get(reverse("declaration_list")).content.decode(),
        "api: exporter's declaration": api.get(f"/api/declarations/{own.pk}/").status_code,
        "api: change what it filed": api.patch(
            f"/api/declarations/{filed.pk}/", {"orderNo": "CHANGED"}, format="json"
        ).status_code,
        "api: enterprise listed": exporter.pk in enterprises,
    }


LIVE = {
    "page: exporter's declaration": 200,
    "page: edit what it filed": 200,
    "page: list shows the exporter's": True,
    "api: exporter's declaration": 200,
    "api: change what it filed": 200,
    "api: enterprise listed": True,
}
GONE = {
    "page: exporter's declaration": 404,
    "page: edit what it filed": 403,
    "page: list shows the exporter's": False,
    "api: exporter's declaration": 404,
    "api: change what it filed": 403,
    "api: enterprise listed": False,
}


def test_after_the_exporter_ends_it_the_broker_reaches_nothing(parties):
    delegation, broker_user, exporter_user, own, filed = parties
    assert _reach(broker_user, own, filed, delegation.exporter) == LIVE
    delegation_end(actor=exporter_user, delegation=delegation)
    filed.refresh_from_db()
    before = filed.order_no
    assert _reach(broker_user, own, filed, delegation.exporter) == GONE
    filed.refresh_from_db()
    assert filed.order_no == before


def test_after_it_expires_the_broker_reaches_nothing_even_before_the_sweep(parties):
    delegation, broker_user, _exporter_user, own, filed = parties
    Delegation.objects.filter(pk=delegation.pk).update(
        valid_until=timezone.localdate() - datetime.timedelta(days=1)
    )
    assert Delegation.objects.get(pk=delegation.pk).status == "accepted"
    assert _reach(broker_user, own, filed, delegation.exporter) == GONE


def test_a_pending_request_gives_nothing(parties):
    delegation, broker_user, _exporter_user, own, filed = parties
    Delegation.objects.filter(pk=delegation.pk).update(status="pending")
    assert _reach(broker_user, own, filed, delegation.exporter) == GONE


def test_the_broker_changes_only_within_the_scope(parties):
    delegation, broker_user, _exporter_user, _own, filed = parties
    assert (filed.mode, filed.customs_code) == ("9710", "5141")
    web = _web(broker_user)
    Delegation.objects.filter(pk=delegation.pk).update(modes=["9810"])
    assert web.get(reverse("declaration_edit", args=[filed.pk])).status_code == 403
    Delegation.objects.filter(pk=delegation.pk).update(modes=["9710"], offices=["5208"])
    assert web.get(reverse("declaration_edit", args=[filed.pk])).status_code == 403
    Delegation.objects.filter(pk=delegation.pk).update(modes=["9710", "9810"], offices=["5208", "5141"])
    assert web.get(reverse("declaration_edit", args=[filed.pk])).status_code == 200
