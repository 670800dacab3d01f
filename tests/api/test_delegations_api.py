"""The delegations API: request, accept, refuse, end and read, through the same services as the portal; errors
in the API's one shape with the rule's code and field; every route in the OpenAPI schema."""

import pytest
from rest_framework.test import APIClient

from declarations.models import Membership
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def parties():
    exporter = f.EnterpriseFactory(name="Exporter X", customs_code="4401960XXX")
    broker = f.EnterpriseFactory(
        name="Broker Y", is_exporter=False, is_broker=True, customs_code="4401980YYY"
    )
    return exporter, broker


def _client(enterprise) -> APIClient:
    client = APIClient()
    client.force_authenticate(f.MembershipFactory(enterprise=enterprise, role=Membership.Role.ADMIN).user)
    client.credentials(HTTP_ACCEPT_LANGUAGE="en")
    return client


def test_request_accept_end_through_the_api(parties):
    exporter, broker = parties
    as_broker, as_exporter = _client(broker), _client(exporter)
    response = as_broker.post(
        "/api/delegations/request/",
        {"code": "4401960xxx", "modes": ["9710"], "valid_until": "2099-12-31", "note": "please"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    pk = body["id"]
    assert (body["status"], body["live"], body["modes"], body["exporter"]["name"]) == (
        "pending",
        False,
        ["9710"],
        "Exporter X",
    )
    assert [(e["kind"], e["side"], e["note"]) for e in body["events"]] == [("requested", "broker", "please")]

    listed = as_exporter.get("/api/delegations/").json()
    assert [d["id"] for d in listed["results"]] == [pk]

    response = as_exporter.post(f"/api/delegations/{pk}/accept/", {}, format="json")
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["live"]) == ("accepted", True)

    response = as_exporter.post(f"/api/delegations/{pk}/accept/", {}, format="json")
    assert response.status_code == 409
    assert response.json()["errors"][0]["code"] == "DLG_NOT_OPEN"

    response = as_broker.post(f"/api/delegations/{pk}/end/", {"note": "done"}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["live"]) == ("ended", False)
    assert [e["kind"] for e in body["events"]] == ["requested", "accepted", "ended"]


def test_entrust_and_refuse(parties):
    exporter, broker = parties
    as_exporter = _client(exporter)
    response = as_exporter.post("/api/delegations/entrust/", {"code": broker.uscc}, format="json")
    assert response.status_code == 201
    assert (response.json()["status"], response.json()["initiated_by"]) == ("accepted", "exporter")

    other = f.EnterpriseFactory(is_exporter=False, is_broker=True)
    pk = _client(other).post("/api/delegations/request/", {"code": exporter.uscc}, format="json").json()["id"]
    response = as_exporter.post(f"/api/delegations/{pk}/refuse/", {"note": "no"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "refused"


def test_errors_name_the_rule_and_the_field(parties):
    exporter, broker = parties
    as_broker = _client(broker)
    response = as_broker.post("/api/delegations/request/", {"code": "NOSUCHCODE"}, format="json")
    assert response.status_code == 400
    assert [(e["code"], e["field"]) for e in response.json()["errors"]] == [("DLG_NO_COUNTERPARTY", "code")]

    response = as_broker.post(
        "/api/delegations/request/",
        {"code": exporter.uscc, "modes": ["1210"], "valid_from": "2099-02-01", "valid_until": "2099-01-01"},
        format="json",
    )
    assert response.status_code == 400
    codes = [(e["code"], e["field"]) for e in response.json()["errors"]]
    assert codes == [("INVALID_CHOICE", "modes")]

    response = as_broker.post(
        "/api/delegations/request/",
        {"code": exporter.uscc, "valid_from": "2099-02-01", "valid_until": "2099-01-01"},
        format="json",
    )
    assert [(e["code"], e["field"]) for e in response.json()["errors"]] == [
        ("DLG_PERIOD_ORDER", "valid_until")
    ]

    assert (
        as_broker.post("/api/delegations/request/", {"code": exporter.uscc}, format="json").status_code == 201
    )
    response = as_broker.post("/api/delegations/request/", {"code": exporter.uscc}, format="json")
    assert response.status_code == 409
    assert response.json()["errors"][0]["code"] == "DLG_ALREADY_OPEN"


def test_every_route_is_in_the_schema(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    paths = schema["paths"]
    assert set(paths["/api/delegations/"]) == {"get"}
    assert set(paths["/api/delegations/{id}/"]) == {"get"}
    for action in ("request", "entrust"):
        assert set(paths[f"/api/delegations/{action}/"]["post"]["responses"]) >= {"201", "400", "403", "409"}
    for action in ("accept", "refuse", "end"):
        assert set(paths[f"/api/delegations/{{id}}/{action}/"]["post"]["responses"]) >= {
            "200",
            "403",
            "404",
            "409",
        }
