"""validate → findings, submit (blocked by findings / by status), cancel; all scoped by tenant."""

import pytest

from declarations.models import Declaration
from tests import factories as f

pytestmark = pytest.mark.django_db

URL = "/api/declarations/"


def test_validate_returns_findings_with_rule_codes(api_a, exporter_a, codes):
    # No registration at the declaring office: the engine reports REGISTRATION_MISSING on customsCode.
    declaration = f.DeclarationFactory(enterprise=exporter_a)
    f.DeclarationLineFactory(declaration=declaration, gnum=1)
    response = api_a.post(f"{URL}{declaration.pk}/validate/")
    assert response.status_code == 200
    body = response.json()
    assert [(x["code"], x["field"], x["gnum"]) for x in body["findings"]] == [
        ("REGISTRATION_MISSING", "customsCode", None)
    ]
    assert set(body) == {"findings", "recommendedChannel", "channelReason"}
    declaration.refresh_from_db()
    assert [x["code"] for x in declaration.findings] == ["REGISTRATION_MISSING"]


def test_validate_other_tenant_is_404(api_b, declaration_a):
    assert api_b.post(f"{URL}{declaration_a.pk}/validate/").status_code == 404
    declaration_a.refresh_from_db()
    assert declaration_a.findings == []


def test_validate_unauthenticated_is_401(anon, declaration_a):
    assert anon.post(f"{URL}{declaration_a.pk}/validate/").status_code == 401


def test_submit_blocked_by_findings_answers_with_them(api_a, exporter_a, codes):
    declaration = f.DeclarationFactory(enterprise=exporter_a)
    f.DeclarationLineFactory(declaration=declaration, gnum=1)
    response = api_a.post(f"{URL}{declaration.pk}/submit/")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert [(e["code"], e["field"], e["gnum"]) for e in errors] == [
        ("REGISTRATION_MISSING", "customsCode", None)
    ]
    declaration.refresh_from_db()
    assert (declaration.status, declaration.version) == ("draft", 0)


def test_submit_in_wrong_status_is_409(api_a, exporter_a):
    declaration = f.DeclarationFactory(enterprise=exporter_a, status="sent", version=1)
    response = api_a.post(f"{URL}{declaration.pk}/submit/")
    assert response.status_code == 409
    assert [e["code"] for e in response.json()["errors"]] == ["SUBMISSION_BLOCKED"]
    declaration.refresh_from_db()
    assert (declaration.status, declaration.version) == ("sent", 1)


def test_submit_other_tenant_is_404(api_b, declaration_a):
    assert api_b.post(f"{URL}{declaration_a.pk}/submit/").status_code == 404
    declaration_a.refresh_from_db()
    assert declaration_a.status == "draft"


def test_submit_unauthenticated_is_401(anon, declaration_a):
    assert anon.post(f"{URL}{declaration_a.pk}/submit/").status_code == 401


def test_submit_clean_draft(api_a, exporter_a, codes):
    f.RegistrationFactory(enterprise=exporter_a, customs_office_id="5141")
    declaration = f.DeclarationFactory(enterprise=exporter_a)
    f.DeclarationLineFactory(declaration=declaration, gnum=1)
    response = api_a.post(f"{URL}{declaration.pk}/submit/")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "submitted"
    declaration.refresh_from_db()
    assert (declaration.status, declaration.version) == ("submitted", 1)


def test_cancel_without_reason_is_400(api_a, exporter_a):
    declaration = f.DeclarationFactory(enterprise=exporter_a, status="released", invt_no="51412025E000000001")
    response = api_a.post(f"{URL}{declaration.pk}/cancel/", {}, format="json")
    assert response.status_code == 400
    assert [(e["code"], e["field"]) for e in response.json()["errors"]] == [("REQUIRED", "reason")]
    declaration.refresh_from_db()
    assert declaration.status == "released"


def test_cancel_of_a_draft_is_409(api_a, declaration_a):
    response = api_a.post(f"{URL}{declaration_a.pk}/cancel/", {"reason": "wrong goods"}, format="json")
    assert response.status_code == 409
    assert [e["code"] for e in response.json()["errors"]] == ["CANCEL_BLOCKED"]
    declaration_a.refresh_from_db()
    assert declaration_a.status == "draft"


def test_cancel_released_list(api_a, exporter_a, codes):
    declaration = f.DeclarationFactory(
        enterprise=exporter_a, status="released", version=1, invt_no="51412025E000000001"
    )
    f.DeclarationLineFactory(declaration=declaration, gnum=1)
    response = api_a.post(f"{URL}{declaration.pk}/cancel/", {"reason": "order withdrawn"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["message_type"] == "CEB605"
    declaration.refresh_from_db()
    assert (declaration.status, declaration.cancel_reason) == ("cancel_requested", "order withdrawn")


def test_cancel_other_tenant_is_404(api_b, exporter_a):
    declaration = f.DeclarationFactory(enterprise=exporter_a, status="released", invt_no="51412025E000000001")
    assert api_b.post(f"{URL}{declaration.pk}/cancel/", {"reason": "x"}, format="json").status_code == 404
    assert Declaration.objects.get(pk=declaration.pk).status == "released"


def test_cancel_unauthenticated_is_401(anon, declaration_a):
    assert anon.post(f"{URL}{declaration_a.pk}/cancel/", {"reason": "x"}, format="json").status_code == 401
