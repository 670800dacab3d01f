"""The API answers every failure in its error shape: JSON nested 1,000 deep (every JSON endpoint, the anonymous
token endpoint included), a body over the size limit, and a copNo already in use on create (the documented 409)."""

import json

import pytest
from django.test import Client, override_settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from declarations.models import Declaration, Membership
from tests import factories as f
from tests.api.conftest import declaration_payload

pytestmark = pytest.mark.django_db

DEEP = "[" * 1000 + "]" * 1000
DEEP_OBJECT = '{"orderNo": ' + "[" * 5000 + "]" * 5000 + "}"


@pytest.fixture
def user_a(exporter_a):
    return f.MembershipFactory(enterprise=exporter_a, role=Membership.Role.ADMIN).user


@pytest.fixture
def api_a(user_a):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user_a).key}")
    return client


def _shape(response, status, code):
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert [e["code"] for e in body["errors"]] == [code]
    return body["errors"][0]


def _json_endpoints(declaration, job):
    return [
        ("post", "/api/token/"),
        ("post", "/api/declarations/"),
        ("put", f"/api/declarations/{declaration.pk}/"),
        ("patch", f"/api/declarations/{declaration.pk}/"),
        ("post", f"/api/declarations/{declaration.pk}/cancel/"),
        ("post", f"/api/imports/{job.pk}/confirm/"),
    ]


@pytest.mark.parametrize("body", [DEEP, DEEP_OBJECT], ids=["array", "object"])
def test_json_nested_1000_deep_is_a_400_on_every_json_endpoint(api_a, user_a, exporter_a, body):
    declaration = f.DeclarationFactory(enterprise=exporter_a)
    job = f.ImportJobFactory(user=user_a)
    before = Declaration.objects.filter(pk=declaration.pk).values().get()
    for method, url in _json_endpoints(declaration, job):
        client = APIClient() if url == "/api/token/" else api_a  # the token endpoint is anonymous
        response = getattr(client, method)(url, body, content_type="application/json")
        error = _shape(response, 400, "PARSE_ERROR")
        assert "64" in error["message"], (url, error)
    assert Declaration.objects.filter(pk=declaration.pk).values().get() == before
    assert Declaration.objects.count() == 1


def test_nesting_at_the_limit_is_parsed_normally(api_a):
    # 64 levels is allowed: the body is parsed, and refused by the serializer for what it is (not a parse error).
    body = json.dumps({"orderNo": json.loads("[" * 63 + "]" * 63)})
    response = api_a.post("/api/declarations/", body, content_type="application/json")
    assert response.status_code == 400
    assert "PARSE_ERROR" not in {e["code"] for e in response.json()["errors"]}


def test_brackets_inside_strings_do_not_count(api_a, exporter_a):
    payload = declaration_payload(exporter_a, goodsInfo="[" * 150)
    response = api_a.post("/api/declarations/", json.dumps(payload), content_type="application/json")
    assert response.status_code == 201, response.content[:300]


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=10_000)
def test_an_oversized_json_body_is_a_413_in_the_error_shape(api_a):
    body = json.dumps({"orderNo": "x" * 20_000})
    _shape(api_a.post("/api/declarations/", body, content_type="application/json"), 413, "REQUEST_TOO_LARGE")
    _shape(APIClient().post("/api/token/", body, content_type="application/json"), 413, "REQUEST_TOO_LARGE")
    assert Declaration.objects.count() == 0


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=10_000)
def test_an_oversized_form_body_is_a_413_in_the_error_shape(api_a):
    response = APIClient().post("/api/token/", {"username": "x" * 20_000, "password": "y"})
    _shape(response, 413, "REQUEST_TOO_LARGE")


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=10_000)
def test_an_oversized_body_on_a_session_api_call_is_json_not_django_html(user_a):
    """Session authentication reads the form for its CSRF check before the view: still the API's shape."""
    client = Client()
    client.force_login(user_a)
    response = client.post(
        "/api/declarations/", f"orderNo={'x' * 20_000}", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code in (400, 413)
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["errors"][0]["code"] in ("REQUEST_TOO_LARGE", "PERMISSION_DENIED")


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=10_000)
def test_portal_pages_keep_djangos_own_400(user_a):
    client = Client()
    client.force_login(user_a)
    response = client.post(
        "/declarations/new/", f"order_no={'x' * 20_000}", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    assert not response["Content-Type"].startswith("application/json")


def test_creating_with_a_copno_in_use_is_the_documented_409(api_a, exporter_a):
    first = api_a.post(
        "/api/declarations/", declaration_payload(exporter_a, copNo="COP-TAKEN-1"), format="json"
    )
    assert first.status_code == 201
    response = api_a.post(
        "/api/declarations/",
        declaration_payload(exporter_a, copNo="COP-TAKEN-1", orderNo="OTHER-ORDER"),
        format="json",
    )
    error = _shape(response, 409, "DUPLICATE_COP_NO")
    assert error["field"] == "copNo"
    assert Declaration.objects.count() == 1


def test_schema_documents_409_for_create():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    assert "409" in schema["paths"]["/api/declarations/"]["post"]["responses"]


def test_schema_documents_413_for_bodies():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    assert "413" in schema["paths"]["/api/declarations/"]["post"]["responses"]
    assert "413" in schema["paths"]["/api/token/"]["post"]["responses"]
