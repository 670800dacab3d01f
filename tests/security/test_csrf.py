"""CSRF on every state-changing portal route: a POST without the token is refused (403) and changes nothing.
The API's session authentication enforces it too; token clients need none (no cookie to ride on)."""

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.security.conftest import state_snapshot
from tests.security.routes import all_routes
from tests.security.test_tenancy_probe import OBJECT_ROUTES, SHARED_ROUTES, UNNAMED_ROUTES, _url

pytestmark = pytest.mark.django_db


def _portal_routes():
    return [r for r in all_routes() if not r.api and not r.admin]


def test_every_portal_post_without_token_is_403(tenant_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(tenant_a.user)
    before = state_snapshot(tenant_a)
    accepted = []
    for route in _portal_routes():
        url = _url(route, tenant_a)
        response = client.post(url, {"title": "x", "id": [str(tenant_a.notification.pk)], "all": "1"})
        if response.status_code != 403:
            accepted.append(f"{route.name} {url}: {response.status_code}")
    assert accepted == []
    assert state_snapshot(tenant_a) == before


def test_admin_post_without_token_is_403(tenant_a):
    tenant_a.user.is_staff = tenant_a.user.is_superuser = True
    tenant_a.user.save()
    client = Client(enforce_csrf_checks=True)
    client.force_login(tenant_a.user)
    url = f"/admin/declarations/catalogueitem/{tenant_a.catalogue_item.pk}/delete/"
    assert client.post(url, {"post": "yes"}).status_code == 403
    tenant_a.catalogue_item.refresh_from_db()  # still there


def test_post_with_the_token_is_accepted(tenant_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(tenant_a.user)
    page = client.get(reverse("notification_list"))
    token = page.context["csrf_token"]
    response = client.post(reverse("notification_read"), {"all": "1", "csrfmiddlewaretoken": str(token)})
    assert response.status_code == 302
    tenant_a.notification.refresh_from_db()
    assert tenant_a.notification.read is True


def test_api_session_post_without_token_is_403_but_token_auth_needs_none(tenant_a):
    session = APIClient(enforce_csrf_checks=True)
    session.force_login(tenant_a.user)
    url = reverse("api-declaration-validate", args=[tenant_a.declaration.pk])
    response = session.post(url)
    assert response.status_code == 403
    assert response.json()["errors"][0]["code"] == "PERMISSION_DENIED"
    token = APIClient(enforce_csrf_checks=True)
    token.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=tenant_a.user).key}")
    assert token.post(url).status_code == 200


def test_the_route_maps_cover_every_portal_route():
    # Guard for the loop above: a portal route the probe cannot build a URL for would be silently skipped.
    for route in _portal_routes():
        assert (
            not route.object_kwargs
            or route.name in OBJECT_ROUTES
            or route.name in SHARED_ROUTES
            or route.pattern in UNNAMED_ROUTES
        )
