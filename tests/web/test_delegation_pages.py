"""The delegation pages: each side finds its actions (the exporter decides a request, the broker withdraws it, an
accepted one is ended by either side), and a refused form names the field at fault and stores nothing."""

import pytest
from django.urls import reverse
from django.utils import translation

from declarations.models import Delegation, Membership
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def pending():
    exporter = f.EnterpriseFactory(name="Exporter X")
    broker = f.EnterpriseFactory(name="Broker Y", is_exporter=False, is_broker=True)
    return f.DelegationFactory(broker=broker, exporter=exporter, status="pending", initiated_by="broker")


def _page(client, enterprise, url):
    client.force_login(f.MembershipFactory(enterprise=enterprise, role=Membership.Role.ADMIN).user)
    return client.get(url).content.decode()


def _buttons(html):
    return [
        name
        for name in ("delegation-accept", "delegation-refuse", "delegation-end")
        if f'id="{name}"' in html
    ]


def test_the_exporter_decides_a_pending_request(client, pending):
    html = _page(client, pending.exporter, reverse("delegation_detail", args=[pending.pk]))
    assert _buttons(html) == ["delegation-accept", "delegation-refuse"]


def test_the_broker_withdraws_its_pending_request(client, pending):
    html = _page(client, pending.broker, reverse("delegation_detail", args=[pending.pk]))
    assert _buttons(html) == ["delegation-end"]
    assert "Withdraw the request" in html


@pytest.mark.parametrize("side", ["broker", "exporter"])
def test_either_side_ends_an_accepted_one(client, pending, side):
    Delegation.objects.filter(pk=pending.pk).update(status="accepted")
    html = _page(client, getattr(pending, side), reverse("delegation_detail", args=[pending.pk]))
    assert _buttons(html) == ["delegation-end"]
    assert "End the delegation" in html


def test_the_list_offers_each_role_its_form(client, pending):
    html = _page(client, pending.broker, reverse("delegation_list"))
    assert 'id="delegation-request"' in html and 'id="delegation-entrust"' not in html
    assert "Exporter X" in html
    client.logout()
    html = _page(client, pending.exporter, reverse("delegation_list"))
    assert 'id="delegation-entrust"' in html and 'id="delegation-request"' not in html
    assert "your decision" in html


def test_a_refused_request_names_the_field_and_stores_nothing(client, pending):
    client.force_login(f.MembershipFactory(enterprise=pending.broker, role=Membership.Role.ADMIN).user)
    response = client.post(
        reverse("delegation_request"),
        {
            "enterprise": pending.broker.pk,
            "code": "NOSUCHCODE",
            "valid_from": "2099-02-01",
            "valid_until": "2099-01-01",
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["code"] == [
        "No enterprise in the portal has this unified social credit code or customs code in the needed role "
        "(exporter for a request, customs broker for an entrustment)."
    ]
    assert form.errors["valid_until"] == ["“Valid until” must not be before “valid from”."]
    assert Delegation.objects.count() == 1
