"""Every API action runs the same permission check as its portal twin (declarations.permissions), tested through
both: the delegated broker cannot submit its client's warehouse filing by either door, and a broker whose
delegation was revoked can no longer change the drafts it filed for that client (it still sees them)."""

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from declarations import permissions
from declarations.choices import DeclarationStatus, ReviewStatus
from declarations.models import Declaration, Delegation, Membership, WarehouseFiling
from tests import factories as f
from tests.submit_confirm import confirm_submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def broker_user(broker_c):
    return f.MembershipFactory(enterprise=broker_c, role=Membership.Role.ADMIN).user


def _web(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _api(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


@pytest.fixture
def filing(exporter_a):
    filing = f.WarehouseFilingFactory(warehouse__enterprise=exporter_a, status=ReviewStatus.DRAFT)
    f.WarehouseDocumentFactory(filing=filing)
    return filing


def _submit_filing_web(user, filing):
    return _web(user).post(reverse("warehouse_filing_submit", args=[filing.pk]))


def _submit_filing_api(user, filing):
    return _api(user).post(f"/api/filings/{filing.pk}/submit/")


FILING_DOORS = {"web": _submit_filing_web, "api": _submit_filing_api}


@pytest.mark.parametrize("door", FILING_DOORS)
def test_delegated_broker_cannot_submit_its_clients_filing(door, broker_user, filing):
    response = FILING_DOORS[door](broker_user, filing)
    assert response.status_code == 403
    if door == "api":
        assert response.json()["errors"][0]["code"] == "PERMISSION_DENIED"
    filing.refresh_from_db()
    assert filing.status == ReviewStatus.DRAFT
    assert filing.submitted_at is None


@pytest.mark.parametrize("door", FILING_DOORS)
def test_the_exporter_itself_submits_its_filing(door, exporter_a, filing):
    user = f.MembershipFactory(enterprise=exporter_a).user
    response = FILING_DOORS[door](user, filing)
    assert response.status_code in (200, 302)
    assert WarehouseFiling.objects.get(pk=filing.pk).status == ReviewStatus.SUBMITTED


@pytest.mark.parametrize("door", FILING_DOORS)
def test_both_doors_ask_the_one_policy_function(door, monkeypatch, exporter_a, filing):
    """The exporter's own member is allowed by default; refusing in the policy refuses through both doors."""
    calls = []

    def refuse(*, user, filing):
        calls.append(filing.pk)
        raise permissions.PermissionDenied

    monkeypatch.setattr(permissions, "require_filing_submit", refuse)
    import declarations.api.views as api_views
    import declarations.views.warehouses as web_views

    monkeypatch.setattr(api_views, "require_filing_submit", refuse)
    monkeypatch.setattr(web_views, "require_filing_submit", refuse)
    user = f.MembershipFactory(enterprise=exporter_a).user
    assert FILING_DOORS[door](user, filing).status_code == 403
    assert calls == [filing.pk]
    assert WarehouseFiling.objects.get(pk=filing.pk).status == ReviewStatus.DRAFT


# --- a revoked delegation ---------------------------------------------------------------------------------------


@pytest.fixture
def filed_then_revoked(exporter_a, broker_c, broker_user):
    """A draft the broker filed as agent for exporter A; then A revoked the delegation."""
    draft = f.DeclarationFactory(
        enterprise=exporter_a, agent=broker_c, order_no="BROKER-FILED", created_by=broker_user
    )
    f.DeclarationLineFactory(declaration=draft, gnum=1)
    Delegation.objects.filter(broker=broker_c, exporter=exporter_a).update(status="ended")
    return draft


def _snapshot(declaration):
    row = Declaration.objects.filter(pk=declaration.pk).values().get()
    lines = list(declaration.lines.order_by("gnum").values())
    return row, lines


def test_revoked_broker_still_sees_the_draft_but_no_change_button(broker_user, filed_then_revoked):
    response = _web(broker_user).get(reverse("declaration_detail", args=[filed_then_revoked.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert reverse("declaration_edit", args=[filed_then_revoked.pk]) not in page
    assert reverse("declaration_submit", args=[filed_then_revoked.pk]) not in page
    assert reverse("declaration_delete", args=[filed_then_revoked.pk]) not in page
    assert _api(broker_user).get(f"/api/declarations/{filed_then_revoked.pk}/").status_code == 200


def _web_edit(user, d):
    return _web(user).post(reverse("declaration_edit", args=[d.pk]), {"order_no": "CHANGED"})


def _web_edit_page(user, d):
    return _web(user).get(reverse("declaration_edit", args=[d.pk]))


def _web_submit(user, d):
    # As a user submits: the confirmation page, then its confirm POST (both run the permission check).
    return confirm_submit(_web(user), d.pk)


def _web_delete(user, d):
    return _web(user).post(reverse("declaration_delete", args=[d.pk]))


def _web_copy(user, d):
    return _web(user).post(reverse("declaration_copy", args=[d.pk]))


def _api_patch(user, d):
    return _api(user).patch(f"/api/declarations/{d.pk}/", {"orderNo": "CHANGED"}, format="json")


def _api_put(user, d):
    return _api(user).put(f"/api/declarations/{d.pk}/", {"orderNo": "CHANGED"}, format="json")


def _api_submit(user, d):
    return _api(user).post(f"/api/declarations/{d.pk}/submit/")


def _api_validate(user, d):
    return _api(user).post(f"/api/declarations/{d.pk}/validate/")


def _api_delete(user, d):
    return _api(user).delete(f"/api/declarations/{d.pk}/")


def _api_cancel(user, d):
    return _api(user).post(f"/api/declarations/{d.pk}/cancel/", {"reason": "x"}, format="json")


CHANGES = {
    "web edit": _web_edit,
    "web edit page": _web_edit_page,
    "web submit": _web_submit,
    "web delete": _web_delete,
    "web copy": _web_copy,
    "api patch": _api_patch,
    "api put": _api_put,
    "api submit": _api_submit,
    "api validate": _api_validate,
    "api delete": _api_delete,
    "api cancel": _api_cancel,
}


@pytest.mark.parametrize("action", CHANGES)
def test_revoked_broker_cannot_change_the_draft_it_filed(action, broker_user, filed_then_revoked):
    before = _snapshot(filed_then_revoked)
    count = Declaration.objects.count()
    response = CHANGES[action](broker_user, filed_then_revoked)
    assert response.status_code == 403, response.content[:300]
    if action.startswith("api"):
        assert response.json()["errors"][0]["code"] == "PERMISSION_DENIED"
    assert _snapshot(filed_then_revoked) == before
    assert Declaration.objects.count() == count


@pytest.mark.parametrize("action", ["web submit", "api submit"])
def test_broker_with_a_live_delegation_still_submits(action, broker_c, exporter_a, broker_user, codes):
    f.RegistrationFactory(enterprise=exporter_a)
    f.ExchangeRateFactory()
    draft = f.DeclarationFactory(enterprise=exporter_a, agent=broker_c)
    f.DeclarationLineFactory(declaration=draft, gnum=1)
    response = CHANGES[action](broker_user, draft)
    assert response.status_code in (200, 302)
    draft.refresh_from_db()
    assert draft.status != DeclarationStatus.DRAFT


@pytest.fixture
def codes(db):
    from declarations.services.codes import code_tables_load

    code_tables_load()
