"""The API's change and withdrawal: the portal's permission checks, rules and services; 409 with the rule's
code when customs would not accept it; another tenant gets 404 and changes nothing; in the OpenAPI schema."""

import pytest

from declarations.choices import DeclarationStatus
from declarations.models import Declaration, RenderedMessage, StatusEvent
from tests import factories as f
from tests.amendments import returned_declaration

pytestmark = pytest.mark.django_db


@pytest.fixture
def returned(exporter_a, settings, tmp_path):
    return returned_declaration(enterprise=exporter_a, settings=settings, outbox=tmp_path / "outbox")


def _snapshot(declaration):
    stored = Declaration.objects.get(pk=declaration.pk)
    messages = sorted(RenderedMessage.objects.filter(declaration=declaration).values_list("pk", "sha256"))
    return stored.status, stored.version, stored.app_type, messages, StatusEvent.objects.count()


def test_amendments_say_what_customs_accepts(api_a, returned):
    body = api_a.get(f"/api/declarations/{returned.pk}/amendments/").json()
    assert (body["status"], body["version"], body["appType"]) == ("rejected", 1, "1")
    assert [(v["action"], v["allowed"], v["code"]) for v in body["verdicts"]] == [
        ("change", True, "AMEND_CHANGE_ACCEPTED"),
        ("withdraw", True, "AMEND_WITHDRAW_ACCEPTED"),
    ]


def test_change_declares_it_again_as_appType_2(api_a, returned):
    response = api_a.post(f"/api/declarations/{returned.pk}/change/")
    assert response.status_code == 202
    body = response.json()
    assert (body["id"], body["version"], body["appType"]) == (returned.pk, 2, "2")
    assert body["status"] in ("submitted", "sent")


def test_withdraw_returns_the_appType_3_message(api_a, returned):
    response = api_a.post(f"/api/declarations/{returned.pk}/withdraw/", {"reason": "订单取消"}, format="json")
    assert response.status_code == 201
    body = response.json()
    message = RenderedMessage.objects.get(pk=body["id"])
    assert (message.message_type, message.version) == ("CEB603", 2)
    assert b"<ceb:appType>3</ceb:appType>" in bytes(message.content)
    assert Declaration.objects.get(pk=returned.pk).status == DeclarationStatus.WITHDRAWAL_REQUESTED


@pytest.mark.parametrize("action", ["change", "withdraw"])
def test_refused_with_the_rule_code_and_nothing_changes(api_a, exporter_a, action):
    released = f.DeclarationFactory(enterprise=exporter_a, status=DeclarationStatus.RELEASED, version=1)
    before = _snapshot(released)
    response = api_a.post(f"/api/declarations/{released.pk}/{action}/", {}, format="json")
    assert response.status_code == 409
    assert [(e["code"], e["field"]) for e in response.json()["errors"]] == [("AMEND_RELEASED", "appType")]
    assert _snapshot(released) == before


@pytest.mark.parametrize("action", ["amendments", "change", "withdraw"])
def test_another_exporter_gets_404_and_changes_nothing(api_b, returned, action):
    before = _snapshot(returned)
    method = api_b.get if action == "amendments" else api_b.post
    assert method(f"/api/declarations/{returned.pk}/{action}/").status_code == 404
    assert _snapshot(returned) == before


@pytest.mark.parametrize("action", ["change", "withdraw"])
def test_a_broker_without_a_live_delegation_gets_403_and_changes_nothing(api_c, broker_c, returned, action):
    from declarations.models import Delegation

    Delegation.objects.filter(broker=broker_c).update(status="ended")
    Declaration.objects.filter(pk=returned.pk).update(
        agent=broker_c
    )  # its own record: visible, not changeable
    before = _snapshot(returned)
    assert api_c.post(f"/api/declarations/{returned.pk}/{action}/").status_code == 403
    assert _snapshot(returned) == before


def test_anonymous_is_refused(anon, returned):
    assert anon.post(f"/api/declarations/{returned.pk}/change/").status_code == 401


def test_the_schema_documents_the_routes_and_their_codes(api_a):
    schema = api_a.get("/api/schema/?format=json").json()
    paths = schema["paths"]
    assert set(paths["/api/declarations/{id}/change/"]["post"]["responses"]) >= {
        "202",
        "401",
        "403",
        "404",
        "409",
    }
    assert set(paths["/api/declarations/{id}/withdraw/"]["post"]["responses"]) >= {"201", "400", "404", "409"}
    assert "200" in paths["/api/declarations/{id}/amendments/"]["get"]["responses"]
