"""Token obtain endpoint, the OpenAPI schema and Swagger UI."""

import pytest
from rest_framework.test import APIClient

from tests import factories as f

pytestmark = pytest.mark.django_db


def test_token_obtain_and_use():
    user = f.UserFactory()
    client = APIClient()
    response = client.post(
        "/api/token/", {"username": user.username, "password": "pw-Secret-123"}, format="json"
    )
    assert response.status_code == 200
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert client.get("/api/enterprises/").status_code == 200


def test_token_with_wrong_password_is_400():
    user = f.UserFactory()
    response = APIClient().post(
        "/api/token/", {"username": user.username, "password": "wrong"}, format="json"
    )
    assert response.status_code == 400
    assert [e["code"] for e in response.json()["errors"]] == ["INVALID"]


def test_token_without_fields_is_400():
    response = APIClient().post("/api/token/", {}, format="json")
    assert response.status_code == 400
    assert {(e["code"], e["field"]) for e in response.json()["errors"]} == {
        ("REQUIRED", "username"),
        ("REQUIRED", "password"),
    }


def test_schema_and_docs():
    client = APIClient()
    schema = client.get("/api/schema/", {"format": "json"})
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/declarations/{id}/submit/" in paths
    assert "404" in paths["/api/declarations/{id}/"]["get"]["responses"]
    assert client.get("/api/docs/").status_code == 200
