"""/api/declarations/{id}/returns/: list, create, detail with the portal's checks and service."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from declarations.models import DeclarationReturn, StatusEvent
from tests.returns.conftest import RETURN_DATE

pytestmark = pytest.mark.django_db

BODY = {
    "reason": "unsold",
    "returnDate": RETURN_DATE.isoformat(),
    "portCode": "5141",
    "originalState": True,
    "vatRefundClaimed": False,
    "lines": [{"gnum": 1, "qty": "30"}, {"gnum": 2, "qty": "50"}],
}


def _api(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


def _url(declaration):
    return f"/api/declarations/{declaration.pk}/returns/"


def test_create_list_and_detail(released, member_a):
    api = _api(member_a)
    created = api.post(_url(released), BODY, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert created.status_code == 201
    data = created.json()
    assert (data["number"], data["supervisionMode"], data["taxFree"], data["vatRefundNote"]) == (
        1,
        "4561",
        True,
        "",
    )
    assert [(c["code"], c["passed"]) for c in data["taxFreeChecks"]][0] == ("TAXFREE_MODE", True)
    assert [(line["gnum"], line["qty"], line["totalPrice"]) for line in data["lines"]] == [
        (1, "30.00000", "960.00000"),
        (2, "50.00000", "625.00000"),
    ]
    assert [r["id"] for r in api.get(_url(released)).json()] == [data["id"]]
    assert api.get(f"{_url(released)}{data['id']}/").json()["number"] == 1
    assert StatusEvent.objects.filter(declaration=released).count() == 1


def test_refused_with_rule_codes_and_nothing_stored(released, member_a):
    api = _api(member_a)
    body = {**BODY, "portCode": "9999", "lines": [{"gnum": 2, "qty": "51"}]}
    response = api.post(_url(released), body, format="json")
    assert response.status_code == 400
    assert [(e["code"], e["field"], e["gnum"]) for e in response.json()["errors"]] == [
        ("RETURN_QTY_ABOVE_REMAINING", "lines", 2),
        ("RETURN_UNKNOWN_PORT", "portCode", None),
    ]
    duplicate = api.post(
        _url(released), {**BODY, "lines": [{"gnum": 1, "qty": "1"}, {"gnum": 1, "qty": "1"}]}, format="json"
    )
    assert duplicate.status_code == 400 and duplicate.json()["errors"][0]["code"] == "DUPLICATE_LINE"
    bad = api.post(_url(released), {**BODY, "returnDate": "2026-13-01", "lines": []}, format="json")
    assert bad.status_code == 400
    assert {e["field"] for e in bad.json()["errors"]} == {"returnDate", "lines"}
    assert DeclarationReturn.objects.count() == 0 and StatusEvent.objects.count() == 0


def test_vat_refund_claimed_says_the_certificate_is_needed(released, member_a):
    response = _api(member_a).post(
        _url(released), {**BODY, "vatRefundClaimed": True}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "出口货物补税/未退税证明" in response.json()["vatRefundNote"]
