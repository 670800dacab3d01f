"""What the schemathesis run found: odd input is a 4xx in the error shape, never a 500 or an HTML page, and
responses match the schema (regressions for tests/integration/test_api_schemathesis.py)."""

import pytest
from rest_framework.test import APIClient

from declarations.models import Declaration
from tests import factories as f

pytestmark = pytest.mark.django_db


def _codes(response) -> list[tuple[str, str | None]]:
    return [(e["code"], e["field"]) for e in response.json()["errors"]]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/nothing-here/"),
        ("get", "/api/codes/exchange-rates/1.5/"),
        ("post", "/api/declarations/1.5/submit/"),
        ("delete", "/api/declarations/-1e-9/"),
    ],
)
def test_unknown_api_url_is_a_json_404(api_a, method, path):
    response = getattr(api_a, method)(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert _codes(response) == [("NOT_FOUND", None)]


def test_unknown_api_url_is_404_not_a_csrf_page_for_a_session_post(user_a):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(user_a)
    response = client.post("/api/declarations/1.5/submit/")
    assert response.status_code == 404
    assert _codes(response) == [("NOT_FOUND", None)]


def test_slashless_api_url_still_redirects(api_a):
    response = api_a.get("/api/declarations")
    assert response.status_code == 301
    assert response["Location"] == "/api/declarations/"


def test_null_character_in_a_query_parameter_is_400(api_a, codes):
    response = api_a.get("/api/codes/hs/", {"q": "96\x0017"})
    assert response.status_code == 400
    assert _codes(response) == [("INVALID_CHARACTERS", "q")]


def test_hs_level_that_is_not_a_number_is_400(api_a, codes):
    response = api_a.get("/api/codes/hs/", {"level": "x"})
    assert response.status_code == 400
    assert _codes(response) == [("INVALID", "level")]
    assert api_a.get("/api/codes/hs/", {"level": "4"}).status_code == 200


def test_message_download_with_an_id_that_is_not_a_number_is_404(api_a):
    response = api_a.get("/api/messages/x1/download/")
    assert response.status_code == 404
    assert _codes(response) == [("NOT_FOUND", None)]


def test_deleting_a_draft_with_an_attached_receipt_is_409_and_keeps_it(api_a, declaration_a):
    f.ReceiptFactory(declaration=declaration_a, state="applied")
    response = api_a.delete(f"/api/declarations/{declaration_a.pk}/")
    assert response.status_code == 409
    assert _codes(response) == [("NOT_EDITABLE", None)]
    assert Declaration.objects.filter(pk=declaration_a.pk).exists()


def test_schema_allows_an_empty_recommended_channel(api_a, declaration_a):
    assert api_a.get(f"/api/declarations/{declaration_a.pk}/").json()["recommended_channel"] == ""
    schema = APIClient().get("/api/schema/", {"format": "json"}).json()
    field = schema["components"]["schemas"]["Declaration"]["properties"]["recommended_channel"]
    assert {"$ref": "#/components/schemas/BlankEnum"} in field["oneOf"]
