"""Declaration drafts through the API: create / read / update / delete with nested lines, scoped by tenant."""

import pytest

from declarations.models import Declaration
from tests import factories as f
from tests.api.conftest import declaration_payload, line_payload

pytestmark = pytest.mark.django_db

URL = "/api/declarations/"


def test_create_draft_with_lines_returns_findings(api_a, exporter_a, codes):
    response = api_a.post(URL, declaration_payload(exporter_a), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    declaration = Declaration.objects.get(pk=body["id"])
    assert declaration.enterprise == exporter_a
    assert declaration.agent == exporter_a
    assert declaration.status == "draft"
    assert body["orderNo"] == "API-ORDER-0001"
    assert body["grossWeight"] == "42.50000"
    assert [line["gnum"] for line in body["lines"]] == [1]
    assert body["lines"][0]["totalPrice"] == "3200.00000"
    assert isinstance(body["findings"], list)
    assert declaration.lines.count() == 1


def test_create_with_missing_and_too_long_fields_uses_rule_codes(api_a, exporter_a):
    payload = declaration_payload(exporter_a, orderNo="X" * 61, lines=[line_payload(qty="ten")])
    del payload["trafMode"]
    response = api_a.post(URL, payload, format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert {"code": "TOO_LONG", "field": "orderNo", "gnum": None} == {
        k: errors[[e["field"] for e in errors].index("orderNo")][k] for k in ("code", "field", "gnum")
    }
    by_field = {(e["field"], e["gnum"]): e["code"] for e in errors}
    assert by_field == {
        ("orderNo", None): "TOO_LONG",
        ("trafMode", None): "REQUIRED",
        ("qty", 1): "INVALID_NUMBER",
    }
    assert Declaration.objects.count() == 0


def test_create_for_another_tenants_enterprise_is_refused(api_a, exporter_b):
    response = api_a.post(URL, declaration_payload(exporter_b), format="json")
    assert response.status_code == 400
    assert [(e["code"], e["field"]) for e in response.json()["errors"]] == [("DOES_NOT_EXIST", "enterprise")]
    assert Declaration.objects.count() == 0


def test_broker_creates_for_delegating_exporter(api_c, exporter_a, broker_c, codes):
    response = api_c.post(URL, declaration_payload(exporter_a, agent=broker_c.pk), format="json")
    assert response.status_code == 201, response.json()
    declaration = Declaration.objects.get()
    assert (declaration.enterprise, declaration.agent) == (exporter_a, broker_c)


def test_list_is_scoped_and_filtered(api_a, exporter_a, exporter_b):
    mine = f.DeclarationFactory(enterprise=exporter_a, mode="9710", order_no="A-1")
    f.DeclarationFactory(enterprise=exporter_a, mode="9810", order_no="A-2")
    f.DeclarationFactory(enterprise=exporter_b, mode="9710", order_no="B-1")
    response = api_a.get(URL, {"mode": "9710"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    assert [d["id"] for d in body["results"]] == [mine.pk]
    assert api_a.get(URL, {"q": "A-"}).json()["count"] == 2


def test_list_with_invalid_filter_is_400(api_a):
    response = api_a.get(URL, {"enterprise": "x"})
    assert response.status_code == 400
    assert (
        response.json()
        == {
            "errors": [
                {"code": "INVALID", "message": "Enter a whole number.", "field": "enterprise", "gnum": None}
            ]
        }
        or response.json()["errors"][0]["field"] == "enterprise"
    )


def test_retrieve_other_tenants_declaration_is_404(api_b, declaration_a):
    response = api_b.get(f"{URL}{declaration_a.pk}/")
    assert response.status_code == 404
    assert [e["code"] for e in response.json()["errors"]] == ["NOT_FOUND"]


def test_update_replaces_lines(api_a, exporter_a, declaration_a, codes):
    payload = declaration_payload(
        exporter_a, orderNo="A-NEW", lines=[line_payload(), line_payload(itemNo="SKU-2")]
    )
    response = api_a.put(f"{URL}{declaration_a.pk}/", payload, format="json")
    assert response.status_code == 200, response.json()
    declaration_a.refresh_from_db()
    assert declaration_a.order_no == "A-NEW"
    assert list(declaration_a.lines.values_list("gnum", "item_no")) == [(1, "SKU-0001"), (2, "SKU-2")]


def test_patch_head_keeps_lines(api_a, declaration_a, codes):
    response = api_a.patch(f"{URL}{declaration_a.pk}/", {"orderNo": "A-PATCHED"}, format="json")
    assert response.status_code == 200, response.json()
    declaration_a.refresh_from_db()
    assert declaration_a.order_no == "A-PATCHED"
    assert declaration_a.lines.count() == 1


def test_patch_with_incomplete_line_is_refused(api_a, declaration_a):
    response = api_a.patch(f"{URL}{declaration_a.pk}/", {"lines": [{"itemNo": "X"}]}, format="json")
    assert response.status_code == 400
    assert ("gcode", 1, "REQUIRED") in {(e["field"], e["gnum"], e["code"]) for e in response.json()["errors"]}
    assert list(declaration_a.lines.values_list("item_no", flat=True)) == [declaration_a.lines.get().item_no]
    assert declaration_a.lines.get().item_no != "X"


def test_update_of_submitted_declaration_is_409(api_a, exporter_a):
    declaration = f.DeclarationFactory(enterprise=exporter_a, status="sent", order_no="SENT-1")
    response = api_a.patch(f"{URL}{declaration.pk}/", {"orderNo": "CHANGED"}, format="json")
    assert response.status_code == 409
    assert [e["code"] for e in response.json()["errors"]] == ["NOT_EDITABLE"]
    declaration.refresh_from_db()
    assert declaration.order_no == "SENT-1"


def test_update_other_tenants_declaration_is_404(api_b, declaration_a):
    order_no = declaration_a.order_no
    response = api_b.patch(f"{URL}{declaration_a.pk}/", {"orderNo": "HACKED"}, format="json")
    assert response.status_code == 404
    declaration_a.refresh_from_db()
    assert declaration_a.order_no == order_no


def test_delete_draft(api_a, declaration_a):
    assert api_a.delete(f"{URL}{declaration_a.pk}/").status_code == 204
    assert not Declaration.objects.filter(pk=declaration_a.pk).exists()


def test_delete_other_tenants_draft_is_404(api_b, declaration_a):
    assert api_b.delete(f"{URL}{declaration_a.pk}/").status_code == 404
    assert Declaration.objects.filter(pk=declaration_a.pk).exists()


def test_delete_submitted_is_409(api_a, exporter_a):
    declaration = f.DeclarationFactory(enterprise=exporter_a, status="sent", version=1)
    response = api_a.delete(f"{URL}{declaration.pk}/")
    assert response.status_code == 409
    assert Declaration.objects.filter(pk=declaration.pk).exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_unauthenticated_list_is_401(anon, method):
    response = getattr(anon, method)(URL, {}, format="json")
    assert response.status_code == 401
    assert [e["code"] for e in response.json()["errors"]] == ["NOT_AUTHENTICATED"]


def test_unauthenticated_detail_is_401_and_changes_nothing(anon, declaration_a):
    order_no = declaration_a.order_no
    assert anon.patch(f"{URL}{declaration_a.pk}/", {"orderNo": "X"}, format="json").status_code == 401
    declaration_a.refresh_from_db()
    assert declaration_a.order_no == order_no
