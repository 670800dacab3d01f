"""A broker cannot create, or move by editing, a client's declaration out of its delegation's scope (modes,
declaring offices): the portal form names the problem and the API answers 403; nothing is stored. Inside the
scope both work."""

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from declarations.models import Declaration, Delegation, Membership
from declarations.permissions import OUT_OF_DELEGATION
from declarations.services.codes import code_tables_load
from tests import factories as f
from tests.api.conftest import declaration_payload
from tests.web.payloads import declaration_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def scoped(exporter_a, broker_c):
    code_tables_load()
    Delegation.objects.filter(broker=broker_c, exporter=exporter_a).update(modes=["9710"], offices=["5141"])
    return f.MembershipFactory(enterprise=broker_c, role=Membership.Role.ADMIN).user


def _web(user):
    client = Client()
    client.force_login(user)
    return client


def _api(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


def test_web_create_outside_the_scope_is_refused(scoped, exporter_a):
    response = _web(scoped).post(
        reverse("declaration_create"), declaration_post(enterprise=exporter_a, mode="9810")
    )
    assert response.status_code == 200
    assert str(OUT_OF_DELEGATION) in [str(e) for e in response.context["form"].non_field_errors()]
    assert not Declaration.objects.exists()


def test_web_create_inside_the_scope_is_stored(scoped, exporter_a, broker_c):
    response = _web(scoped).post(reverse("declaration_create"), declaration_post(enterprise=exporter_a))
    assert response.status_code == 302
    declaration = Declaration.objects.get()
    assert (declaration.enterprise, declaration.mode) == (exporter_a, "9710")


def test_web_edit_cannot_move_it_out_of_the_scope(scoped, exporter_a, broker_c):
    declaration = f.DeclarationFactory(enterprise=exporter_a, agent=broker_c, order_no="KEEP")
    f.DeclarationLineFactory(declaration=declaration)
    payload = declaration_post(enterprise=exporter_a, customs_code="5208", order_no="CHANGED")
    response = _web(scoped).post(reverse("declaration_edit", args=[declaration.pk]), payload)
    assert response.status_code == 200
    declaration.refresh_from_db()
    assert (declaration.customs_code, declaration.order_no) == ("5141", "KEEP")


def test_api_create_and_update_outside_the_scope_are_403(scoped, exporter_a, broker_c):
    api = _api(scoped)
    response = api.post("/api/declarations/", declaration_payload(exporter_a, mode="9810"), format="json")
    assert response.status_code == 403, response.json()
    assert not Declaration.objects.exists()

    response = api.post("/api/declarations/", declaration_payload(exporter_a), format="json")
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    response = api.patch(f"/api/declarations/{pk}/", {"customsCode": "5208"}, format="json")
    assert response.status_code == 403
    assert Declaration.objects.get(pk=pk).customs_code == "5141"
