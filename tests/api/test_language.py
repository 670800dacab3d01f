"""API responses follow Accept-Language; zh-hans when the client names none."""

import pytest
from rest_framework.test import APIClient

from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("accept", "expected_language", "detail"),
    [
        (None, "zh-hans", "身份认证信息未提供。"),
        ("en", "en", "Authentication credentials were not provided."),
        ("en-US,en;q=0.9", "en", "Authentication credentials were not provided."),
        ("zh-CN,zh;q=0.9", "zh-hans", "身份认证信息未提供。"),
    ],
)
def test_unauthenticated_message_in_the_requested_language(accept, expected_language, detail):
    headers = {"HTTP_ACCEPT_LANGUAGE": accept} if accept else {}

    response = APIClient().get("/api/declarations/", **headers)

    assert response.status_code == 401
    assert response["Content-Language"] == expected_language
    assert detail in response.content.decode()


def test_rule_findings_in_english_when_asked(exporter_a):
    user = f.MembershipFactory(enterprise=exporter_a).user
    client = APIClient()
    client.force_authenticate(user)

    response = client.post("/api/declarations/", {"mode": "9710"}, format="json", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert response["Content-Language"] == "en"
    assert "This field is required." in response.content.decode()


def test_portal_pages_keep_their_url_language(client):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en")

    assert response["Content-Language"] == "zh-hans"
