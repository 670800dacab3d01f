"""Every returns route, web and API, refuses other tenants (404, or 403 for a visible declaration the user may
not change) and changes nothing; a broker sees its delegating exporter's returns only while delegated."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from declarations.models import DeclarationReturn, DeclarationReturnLine, Delegation, StatusEvent
from declarations.services.returns import return_create
from tests import factories as f
from tests.returns.conftest import return_args
from tests.returns.test_return_api import BODY
from tests.returns.test_return_web import FORM

pytestmark = pytest.mark.django_db


@pytest.fixture
def goods_return(released, member_a):
    return return_create(declaration=released, actor=member_a, **return_args(quantities={1: Decimal("5")}))


def _web_urls(declaration, goods_return):
    args = [declaration.pk, goods_return.pk]
    return [
        reverse("declaration_returns_panel", args=[declaration.pk]),
        reverse("declaration_return_create", args=[declaration.pk]),
        reverse("declaration_return_detail", args=args),
        reverse("declaration_return_draft_xlsx", args=args),
        reverse("declaration_return_draft_print", args=args),
    ]


def _api_urls(declaration, goods_return):
    return [
        f"/api/declarations/{declaration.pk}/returns/",
        f"/api/declarations/{declaration.pk}/returns/{goods_return.pk}/",
    ]


def _snapshot():
    return (
        DeclarationReturn.objects.count(),
        DeclarationReturnLine.objects.count(),
        StatusEvent.objects.count(),
    )


def _web(user):
    client = Client()
    client.force_login(user)
    return client


def _api(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


def _reviewer():
    from declarations.services.staff import reviewer_group_ensure

    user = f.UserFactory(is_staff=True)
    user.groups.add(reviewer_group_ensure())
    return user


@pytest.mark.parametrize("who", ["exporter_b", "foreign_broker", "reviewer", "revoked_broker"])
def test_other_tenants_get_404_and_change_nothing(request, released, goods_return, who, broker_c, member_b):
    if who == "exporter_b":
        user = member_b
    elif who == "foreign_broker":
        broker = f.EnterpriseFactory(is_exporter=False, is_broker=True)
        user = f.MembershipFactory(enterprise=broker).user
    elif who == "reviewer":
        user = _reviewer()
    else:
        user = f.MembershipFactory(enterprise=broker_c).user
        Delegation.objects.filter(broker=broker_c).update(status="ended")
    before = _snapshot()
    web, api = _web(user), _api(user)
    for url in _web_urls(released, goods_return):
        assert web.get(url).status_code == 404, url
        assert web.post(url, {**FORM, "confirm": "1"}).status_code in (404, 405), url
    for url in _api_urls(released, goods_return):
        assert api.get(url).status_code == 404, url
        assert api.post(url, BODY, format="json").status_code in (404, 405), url
    assert _snapshot() == before


def test_anonymous_is_sent_to_login_or_401(released, goods_return):
    for url in _web_urls(released, goods_return):
        assert Client().get(url).status_code == 302
    for url in _api_urls(released, goods_return):
        assert APIClient().get(url).status_code == 401


def test_a_delegated_broker_sees_and_starts_returns(released, goods_return, broker_c):
    user = f.MembershipFactory(enterprise=broker_c).user
    assert _web(user).get(_web_urls(released, goods_return)[2]).status_code == 200
    response = _api(user).post(
        f"/api/declarations/{released.pk}/returns/",
        {**BODY, "lines": [{"gnum": 3, "qty": "1"}]},
        format="json",
    )
    assert response.status_code == 201


def test_broker_who_filed_it_but_lost_the_delegation_sees_but_cannot_start(released, broker_c):
    """The broker filed it as agent: it keeps seeing its record, but may start no return (403, nothing stored)."""
    released.agent = broker_c
    released.save(update_fields=["agent"])
    Delegation.objects.filter(broker=broker_c).update(status="ended")
    user = f.MembershipFactory(enterprise=broker_c).user
    before = _snapshot()
    assert (
        _web(user)
        .post(reverse("declaration_return_create", args=[released.pk]), {**FORM, "confirm": "1"})
        .status_code
        == 403
    )
    assert (
        _api(user).post(f"/api/declarations/{released.pk}/returns/", BODY, format="json").status_code == 403
    )
    panel = _web(user).get(reverse("declaration_returns_panel", args=[released.pk])).content.decode()
    assert "start-return" not in panel
    assert _snapshot() == before
