"""Tenancy of every delegation route, web and API: another enterprise gets 404; a party acting for the wrong side
(the broker accepting its own request, a non-administrator ending) gets 403; nothing changes either way."""

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from declarations.models import Delegation, DelegationEvent, Membership, Notification
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending():
    exporter = f.EnterpriseFactory(name="Exporter X")
    broker = f.EnterpriseFactory(name="Broker Y", is_exporter=False, is_broker=True)
    delegation = f.DelegationFactory(
        broker=broker, exporter=exporter, status="pending", initiated_by="broker"
    )
    f.DelegationEventFactory(delegation=delegation)
    return delegation


def _user(enterprise, role=Membership.Role.ADMIN):
    return f.MembershipFactory(enterprise=enterprise, role=role).user


def _snapshot():
    return (
        list(Delegation.objects.order_by("pk").values()),
        DelegationEvent.objects.count(),
        Notification.objects.count(),
    )


def _web(user, method, name, pk):
    client = Client()
    client.force_login(user)
    return getattr(client, method)(reverse(name, args=[pk]))


def _api(user, method, action, pk):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    url = f"/api/delegations/{pk}/" + (f"{action}/" if action else "")
    return getattr(client, method)(url, {}, format="json") if method == "post" else client.get(url)


ROUTES = [
    ("web", "get", "delegation_detail"),
    ("web", "post", "delegation_accept"),
    ("web", "post", "delegation_refuse"),
    ("web", "post", "delegation_end"),
    ("api", "get", ""),
    ("api", "post", "accept"),
    ("api", "post", "refuse"),
    ("api", "post", "end"),
]


def _call(user, door, method, name, pk):
    return (_web if door == "web" else _api)(user, method, name, pk)


@pytest.mark.parametrize("door,method,name", ROUTES)
@pytest.mark.parametrize("stranger", ["other exporter", "other broker", "exporter with a live delegation"])
def test_other_enterprises_get_404_and_change_nothing(pending, door, method, name, stranger):
    if stranger == "other exporter":
        user = _user(f.EnterpriseFactory())
    elif stranger == "other broker":
        user = _user(f.EnterpriseFactory(is_exporter=False, is_broker=True))
    else:  # a broker that the same exporter delegates to sees its own delegation only, not this one
        other_broker = f.EnterpriseFactory(is_exporter=False, is_broker=True)
        f.DelegationFactory(broker=other_broker, exporter=pending.exporter)
        user = _user(other_broker)
    before = _snapshot()
    response = _call(user, door, method, name, pending.pk)
    assert response.status_code == 404
    assert _snapshot() == before


@pytest.mark.parametrize("door", ["web", "api"])
def test_the_broker_cannot_decide_its_own_request(pending, door):
    broker_admin = _user(pending.broker)
    before = _snapshot()
    for name in ("accept", "refuse"):
        route = f"delegation_{name}" if door == "web" else name
        assert _call(broker_admin, door, "post", route, pending.pk).status_code == 403
    assert _snapshot() == before


@pytest.mark.parametrize("door", ["web", "api"])
@pytest.mark.parametrize("side", ["broker", "exporter"])
def test_a_member_who_is_not_administrator_changes_nothing(pending, door, side):
    member = _user(getattr(pending, side), role=Membership.Role.MEMBER)
    before = _snapshot()
    for name in ("accept", "refuse", "end"):
        route = f"delegation_{name}" if door == "web" else name
        assert _call(member, door, "post", route, pending.pk).status_code == 403
    assert _snapshot() == before
    assert (
        _call(member, door, "get", "delegation_detail" if door == "web" else "", pending.pk).status_code
        == 200
    )


@pytest.mark.parametrize("door", ["web", "api"])
def test_request_and_entrust_need_an_administrator_of_that_role(pending, door):
    exporter_member = _user(pending.exporter, role=Membership.Role.MEMBER)
    exporter_admin = _user(pending.exporter)
    broker_admin = _user(pending.broker)
    before = _snapshot()
    cases = [
        (exporter_member, "request"),
        (exporter_member, "entrust"),
        (exporter_admin, "request"),
        (broker_admin, "entrust"),
    ]
    for user, what in cases:
        if door == "web":
            client = Client()
            client.force_login(user)
            response = client.post(reverse(f"delegation_{what}"), {"code": "x"})
        else:
            client = APIClient()
            client.force_authenticate(user)
            response = client.post(f"/api/delegations/{what}/", {"code": "x"}, format="json")
        assert response.status_code == 403, (user, what)
    assert _snapshot() == before
