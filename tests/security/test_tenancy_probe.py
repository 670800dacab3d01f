"""Tenancy probe over every route: exporter B, a broker without A's delegation and an anonymous visitor try each
route against exporter A's objects with every method. None may get A's data or change anything.

The routes come from the resolver, so a new route is probed automatically; a new route that addresses an object
fails ``test_every_object_route_is_mapped`` until ``OBJECT_ROUTES`` (or ``SHARED_ROUTES``) says which of A's
objects its URL arguments name.
"""

from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.security.conftest import (
    A_FILE_BYTES,
    A_MESSAGE_BYTES,
    A_REPORT_BYTES,
    Persona,
    TenantA,
    a_return,
    state_snapshot,
)
from tests.security.routes import Route, all_routes

pytestmark = pytest.mark.django_db

Kwargs = Callable[[TenantA], dict]

# Route name -> the URL arguments that address one of exporter A's objects.
OBJECT_ROUTES: dict[str, Kwargs] = {
    # portal
    "enterprise_edit": lambda a: {"pk": a.enterprise.pk},
    "registration_detail": lambda a: {"pk": a.registration.pk},
    "registration_submit": lambda a: {"pk": a.registration.pk},
    "registration_attachment": lambda a: {"pk": a.registration.pk, "attachment_id": a.attachment.pk},
    "warehouse_detail": lambda a: {"pk": a.warehouse.pk},
    "warehouse_edit": lambda a: {"pk": a.warehouse.pk},
    "warehouse_filing_create": lambda a: {"pk": a.warehouse.pk},
    "warehouse_filing_detail": lambda a: {"pk": a.filing.pk},
    "warehouse_filing_submit": lambda a: {"pk": a.filing.pk},
    "warehouse_document": lambda a: {"pk": a.filing.pk, "document_id": a.document.pk},
    "declaration_detail": lambda a: {"pk": a.declaration.pk},
    "declaration_edit": lambda a: {"pk": a.declaration.pk},
    "declaration_status": lambda a: {"pk": a.declaration.pk},
    "declaration_submit": lambda a: {"pk": a.declaration.pk},
    "declaration_copy": lambda a: {"pk": a.declaration.pk},
    "declaration_delete": lambda a: {"pk": a.declaration.pk},
    "declaration_message": lambda a: {"pk": a.declaration.pk, "message_id": a.message.pk},
    "declaration_messages_zip": lambda a: {"pk": a.declaration.pk},
    "declaration_draft_xlsx": lambda a: {"pk": a.customs.pk},
    "declaration_draft_print": lambda a: {"pk": a.customs.pk},
    "declaration_customs_result": lambda a: {"pk": a.customs.pk},
    "catalogue_edit": lambda a: {"pk": a.catalogue_item.pk},
    "catalogue_delete": lambda a: {"pk": a.catalogue_item.pk},
    "imports:job": lambda a: {"pk": a.import_job.pk},
    "imports:progress": lambda a: {"pk": a.import_job.pk},
    "imports:confirm": lambda a: {"pk": a.import_job.pk},
    "imports:report": lambda a: {"pk": a.import_job.pk},
    "master_bill_detail": lambda a: {"pk": a.master_bill.pk},
    "master_bill_submit": lambda a: {"pk": a.master_bill.pk},
    "master_bill_delete": lambda a: {"pk": a.master_bill.pk},
    "master_bill_message": lambda a: {"pk": a.master_bill.pk},
    "declaration_list_life": lambda a: {"pk": a.released.pk},
    "declaration_cancel": lambda a: {"pk": a.released.pk},
    "declaration_returns_panel": lambda a: {"pk": a.released.pk},
    "declaration_return_create": lambda a: {"pk": a.released.pk},
    "declaration_return_detail": lambda a: {"pk": a.released.pk, "return_id": a_return(a).pk},
    "declaration_return_draft_xlsx": lambda a: {"pk": a.released.pk, "return_id": a_return(a).pk},
    "declaration_return_draft_print": lambda a: {"pk": a.released.pk, "return_id": a_return(a).pk},
    "declaration_amendments": lambda a: {"pk": a.declaration.pk},
    "declaration_change": lambda a: {"pk": a.declaration.pk},
    "declaration_withdraw": lambda a: {"pk": a.declaration.pk},
    "delegation_detail": lambda a: {"pk": a.delegation.pk},
    "delegation_accept": lambda a: {"pk": a.delegation.pk},
    "delegation_refuse": lambda a: {"pk": a.delegation.pk},
    "delegation_end": lambda a: {"pk": a.delegation.pk},
    "declaration_documents": lambda a: {"pk": a.declaration.pk},
    "declaration_document_upload": lambda a: {"pk": a.declaration.pk},
    "declaration_document_generate": lambda a: {"pk": a.declaration.pk},
    "declaration_document": lambda a: {"pk": a.declaration.pk, "document_id": a.declaration_document.pk},
    # API
    "api-enterprise-detail": lambda a: {"pk": a.enterprise.pk},
    "api-warehouse-detail": lambda a: {"pk": a.warehouse.pk},
    "api-filing-detail": lambda a: {"pk": a.filing.pk},
    "api-filing-submit": lambda a: {"pk": a.filing.pk},
    "api-filing-document": lambda a: {"pk": a.filing.pk, "document_id": a.document.pk},
    "api-declaration-detail": lambda a: {"pk": a.declaration.pk},
    "api-declaration-submit": lambda a: {"pk": a.declaration.pk},
    "api-declaration-validate": lambda a: {"pk": a.declaration.pk},
    "api-declaration-cancel": lambda a: {"pk": a.released.pk},
    "api-declaration-customs-results": lambda a: {"pk": a.customs.pk},
    "api-declaration-submit-preview": lambda a: {"pk": a.declaration.pk},
    "api-declaration-returns": lambda a: {"pk": a.released.pk},
    "api-declaration-return-detail": lambda a: {"pk": a.released.pk, "return_id": a_return(a).pk},
    "api-declaration-amendments": lambda a: {"pk": a.declaration.pk},
    "api-declaration-change": lambda a: {"pk": a.declaration.pk},
    "api-declaration-withdraw": lambda a: {"pk": a.declaration.pk},
    "api-message-detail": lambda a: {"pk": a.message.pk},
    "api-message-download": lambda a: {"pk": a.message.pk},
    "api-import-detail": lambda a: {"pk": a.import_job.pk},
    "api-import-confirm": lambda a: {"pk": a.import_job.pk},
    "api-import-report": lambda a: {"pk": a.import_job.pk},
    "api-master-bill-detail": lambda a: {"pk": a.master_bill.pk},
    "api-master-bill-submit": lambda a: {"pk": a.master_bill.pk},
    "api-delegation-detail": lambda a: {"pk": a.delegation.pk},
    "api-delegation-accept": lambda a: {"pk": a.delegation.pk},
    "api-delegation-refuse": lambda a: {"pk": a.delegation.pk},
    "api-delegation-end": lambda a: {"pk": a.delegation.pk},
    "api-declaration-documents": lambda a: {"pk": a.declaration.pk},
    "api-declaration-document-generate": lambda a: {"pk": a.declaration.pk},
    "api-declaration-document": lambda a: {"pk": a.declaration.pk, "document_id": a.declaration_document.pk},
}

# Routes with URL arguments that name shared reference data, not a tenant's object: any signed-in user may read
# them (anonymous visitors still may not), and they must not show A's data either.
SHARED_ROUTES: dict[str, Kwargs] = {
    "enterprise_check": lambda a: {"field": "uscc"},
    "api-customs-office-detail": lambda a: {"pk": "5141"},
    "api-country-detail": lambda a: {"pk": "502"},
    "api-currency-detail": lambda a: {"pk": "142"},
    "api-unit-detail": lambda a: {"pk": "007"},
    "api-transport-mode-detail": lambda a: {"pk": "4"},
    "api-packing-type-detail": lambda a: {"pk": _first_pk("PackingType")},
    "api-hs-code-detail": lambda a: {"pk": "961700"},
    "api-exchange-rate-detail": lambda a: {"pk": _first_pk("ExchangeRate")},
    "code_options": lambda a: {"table": "country"},
}

# Unnamed patterns cannot be reversed: pattern text -> a URL that reaches them.
UNNAMED_ROUTES = {"api/^.*/$": "/api/no-such-route/"}

# Routes an anonymous visitor may use (log in, switch language, the API's token endpoint and documentation).
PUBLIC_ROUTES = {"healthz", "login", "set_language", "api-token", "api-schema", "api-docs", "favicon"}

REFUSED = {401, 403, 404, 405}
WEB_METHODS = ("get", "post")
API_METHODS = ("get", "post", "put", "patch", "delete")


def _first_pk(model_name: str):
    from django.apps import apps

    return apps.get_model("declarations", model_name).objects.order_by("pk").values_list("pk", flat=True)[0]


def _probed_routes() -> list[Route]:
    return [route for route in all_routes() if not route.admin]


def _kwargs_for(route: Route, tenant: TenantA) -> dict:
    build = OBJECT_ROUTES.get(route.name) or SHARED_ROUTES.get(route.name)
    kwargs = build(tenant) if build else {}
    if route.has_format:
        kwargs["format"] = "json"
    return kwargs


def _url(route: Route, tenant: TenantA) -> str:
    if not route.name:
        return UNNAMED_ROUTES[route.pattern]
    return reverse(route.name, kwargs=_kwargs_for(route, tenant))


# --- hostile request bodies: A's objects named everywhere a view might read an id or a value -------------------


def _pdf():
    return SimpleUploadedFile("hostile.pdf", b"%PDF-1.4 hostile", content_type="application/pdf")


def _web_payload(tenant: TenantA, enterprise, warehouse) -> dict:
    """Valid declaration, line and upload data (a form would accept it for the named enterprise); the enterprise
    form is left invalid so a probe of the create route cannot register anything."""
    return {
        # declaration form (head + one line) and the htmx lines endpoint
        "mode": "9710",
        "channel": "list",
        "enterprise": enterprise.pk,
        "agent": enterprise.pk,
        "warehouse": warehouse.pk,
        "order_no": "HOSTILE-ORDER",
        "customs_code": "5141",
        "port_code": "5141",
        "ebp_code": "无",
        "ebp_name": "Hostile",
        "logistics_code": "4401980ABC",
        "logistics_name": "hostile",
        "logistics_no": "HOSTILE-WAYBILL",
        "ie_date": "2025-06-02",
        "traf_mode": "4",
        "country": "502",
        "pod": "502",
        "currency": "142",
        "freight": "1",
        "insured_fee": "0",
        "wrap_type": "2",
        "pack_no": "1",
        "gross_weight": "2",
        "net_weight": "1",
        "goods_info": "hostile",
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "1",
        "lines-MAX_NUM_FORMS": "1000",
        **{f"lines-0-{name}": value for name, value in HOSTILE_LINE.items()},
        "lines-0-catalogue": tenant.catalogue_item.item_no,
        "action": "fill",
        "index": "0",
        # enterprise (invalid e-mail), warehouse and catalogue forms
        "name": "HOSTILE",
        "uscc": "HOSTILE",
        "email": "not-an-e-mail",
        "address": "hostile",
        "ownership": "owned",
        "item_no": "HOSTILE-SKU",
        "item_name": "hostile",
        "gcode": "9617001100",
        "gname": "hostile",
        "gmodel": "hostile",
        "unit": "007",
        "unit1": "007",
        # uploads, notifications, imports, password change and login, cancellation
        "title": "HOSTILE",
        "doc_type": "ownership",
        "file": _pdf(),
        "id": [str(tenant.notification.pk)],
        "dry_run": "on",
        "old_password": "wrong",
        "new_password1": "Hostile-Passw0rd-2026",
        "new_password2": "Hostile-Passw0rd-2026",
        "username": "hostile-user",
        "password": "wrong",
        "reason": "HOSTILE",
        # 报关单 result (a valid entry number and date: only the tenancy check may refuse it)
        "entry_no": "514120261000012345",
        "result": "released",
        "result_date": "2025-06-02",
        # a declaration's documents: generate the invoice for a named buyer
        "kind": "invoice",
        "buyer_name": "HOSTILE",
    }


HOSTILE_LINE = {
    "item_no": "HOSTILE-SKU",
    "gcode": "9617001100",
    "gname": "hostile",
    "gmodel": "hostile",
    "country": "502",
    "currency": "142",
    "qty": "1",
    "unit": "007",
    "qty1": "1",
    "unit1": "007",
    "price": "1",
    "total_price": "1",
}


def _api_payload(tenant: TenantA, enterprise, warehouse) -> dict:
    return {
        "mode": "9710",
        "channel": "list",
        "enterprise": enterprise.pk,
        "agent": enterprise.pk,
        "customsCode": "5141",
        "portCode": "5141",
        "orderNo": "HOSTILE-ORDER",
        "copNo": tenant.declaration.cop_no,
        "logisticsCode": "4401980ABC",
        "logisticsName": "hostile",
        "logisticsNo": "HOSTILE-WAYBILL",
        "ieDate": "2025-06-02",
        "trafMode": "4",
        "country": "502",
        "POD": "502",
        "currency": "142",
        "freight": "1",
        "insuredFee": "0",
        "wrapType": "2",
        "packNo": 1,
        "grossWeight": "2",
        "netWeight": "1",
        "lines": [
            {
                "itemNo": "HOSTILE",
                "gcode": "9617001100",
                "gname": "hostile",
                "gmodel": "hostile",
                "country": "502",
                "currency": "142",
                "qty": "1",
                "unit": "007",
                "qty1": "1",
                "unit1": "007",
                "price": "1",
                "totalPrice": "1",
            }
        ],
        "reason": "HOSTILE",
        "entryNo": "514120261000012345",
        "result": "released",
        "resultDate": "2025-06-02",
        "kind": "invoice",
        "buyerName": "HOSTILE",
        "docType": "contract",
        "id": tenant.declaration.pk,
        "declaration": tenant.declaration.pk,
        "warehouse": warehouse.pk,
        "username": "hostile-user",
        "password": "wrong",
    }


def _payloads(persona: Persona, tenant: TenantA, *, api: bool, own: bool) -> list[dict]:
    """Naming A's enterprise and warehouse; with ``own``, again naming the persona's own, which its forms accept
    (an object route must still refuse to apply them to A's object; on a create route they would rightly create)."""
    build = _api_payload if api else _web_payload
    payloads = [build(tenant, tenant.enterprise, tenant.warehouse)]
    if own and persona.own:
        payloads.append(build(tenant, persona.own["enterprise"], persona.own["warehouse"]))
    return payloads


# --- running the probe ----------------------------------------------------------------------------------------


def _content(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def _leaks(response, tenant: TenantA, payload: dict | None = None) -> list[str]:
    body = _content(response)
    posted = " ".join(str(value) for value in (payload or {}).values())
    # What the prober posted may come back (a form shows its input again); that is not A's data reaching it.
    found = [secret for secret in tenant.secrets if secret.encode() in body and secret not in posted]
    found += [repr(raw[:24]) for raw in (A_FILE_BYTES, A_MESSAGE_BYTES, A_REPORT_BYTES) if raw in body]
    return found


def _is_login_redirect(response) -> bool:
    if response.status_code != 302:
        return False
    location = response["Location"]
    return location.startswith(reverse("login")) or location.startswith("/en" + reverse("login"))


def _send(client, method: str, url: str, payload: dict | None, *, api: bool):
    call = getattr(client, method)
    if method == "get" or payload is None:
        return call(url)
    if api:
        return call(url, payload, format="json")
    if method == "post":
        return call(url, payload)
    return call(url)


def _probe(persona: Persona, tenant: TenantA, routes: list[Route], *, refused_only: bool) -> list[str]:
    """Every method on every route; returns the problems found (empty: nothing reached A's data)."""
    problems = []
    web_payloads = _payloads(persona, tenant, api=False, own=refused_only)
    api_payloads = _payloads(persona, tenant, api=True, own=refused_only)
    web, api = persona.web(), persona.api()
    before = state_snapshot(tenant)
    for route in routes:
        url = _url(route, tenant)
        methods = API_METHODS if route.api else WEB_METHODS
        client = api if route.api else web
        for method in methods:
            payloads = (
                [None] if method in ("get", "delete") else (api_payloads if route.api else web_payloads)
            )
            for payload in payloads:
                if payload is not None and "file" in payload:
                    payload = {**payload, "file": _pdf()}
                if persona.user is not None and not route.api:
                    web.force_login(persona.user)  # a probe of the logout route must not end the session
                response = _send(client, method, url, payload, api=route.api)
                where = f"{persona.name}: {method.upper()} {url} ({route.name})"
                leaks = _leaks(response, tenant, payload)
                if leaks:
                    problems.append(f"{where} answered {response.status_code} carrying A's data {leaks}")
                if refused_only and not (response.status_code in REFUSED or _is_login_redirect(response)):
                    problems.append(
                        f"{where} answered {response.status_code}; expected a login redirect, 401, 403, 404 or 405"
                    )
        # One snapshot per route (not per request) keeps the probe fast and still names the route.
        after = state_snapshot(tenant)
        if after != before:
            changed = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
            problems.append(f"{persona.name}: {route.name or route.pattern} ({url}) changed state: {changed}")
            before = after
    return problems


def _object_routes() -> list[Route]:
    return [r for r in _probed_routes() if r.object_kwargs and r.name not in SHARED_ROUTES]


def _plain_routes() -> list[Route]:
    return [r for r in _probed_routes() if not r.object_kwargs or r.name in SHARED_ROUTES]


# The OpenAPI schema and its viewer describe the API, not anyone's data; generating the schema is slow, so only the
# anonymous probe (they are public) requests them.
DOCUMENTATION_ROUTES = {"api-schema", "api-docs"}


# --- the tests ------------------------------------------------------------------------------------------------


def test_every_object_route_is_mapped():
    missing = sorted(
        {
            f"{r.name}  ({r.pattern}, arguments {list(r.object_kwargs)})"
            for r in _object_routes()
            if r.name not in OBJECT_ROUTES
        }
    )
    assert not missing, (
        "These routes take URL arguments but the tenancy probe does not know which of exporter A's objects they "
        "address. Add each to OBJECT_ROUTES in tests/security/test_tenancy_probe.py (or to SHARED_ROUTES for "
        "reference data):\n  " + "\n  ".join(missing)
    )
    unnamed = sorted(r.pattern for r in _probed_routes() if not r.name and r.pattern not in UNNAMED_ROUTES)
    assert not unnamed, f"Name these routes, or give a URL that reaches them in UNNAMED_ROUTES: {unnamed}"
    names = {r.name or r.pattern for r in _probed_routes()}
    stale = sorted((set(OBJECT_ROUTES) | set(SHARED_ROUTES) | set(UNNAMED_ROUTES)) - names)
    assert not stale, (
        f"OBJECT_ROUTES / SHARED_ROUTES / UNNAMED_ROUTES name routes that no longer exist: {stale}"
    )


def test_the_owner_reaches_every_mapped_object(tenant_a, client):
    """Positive control: each mapped URL addresses a real object of A (else a 404 below would prove nothing)."""
    client.force_login(tenant_a.user)
    api = Persona("A", tenant_a.user, {}).api()
    wrong = []
    for route in _object_routes():
        response = (api if route.api else client).get(_url(route, tenant_a))
        if response.status_code not in (200, 405):  # 405: a POST-only action
            wrong.append(f"{route.name}: {response.status_code}")
    assert wrong == []


@pytest.mark.parametrize(
    "persona_fixture", ["exporter_b_persona", "foreign_broker_persona", "anonymous_persona"]
)
def test_object_routes_refuse_other_tenants(request, tenant_a, persona_fixture):
    persona = request.getfixturevalue(persona_fixture)
    problems = _probe(persona, tenant_a, _object_routes(), refused_only=True)
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("persona_fixture", ["exporter_b_persona", "foreign_broker_persona"])
def test_lists_and_forms_never_show_or_change_as_data(request, tenant_a, persona_fixture):
    persona = request.getfixturevalue(persona_fixture)
    routes = [r for r in _plain_routes() if r.name not in DOCUMENTATION_ROUTES]
    problems = _probe(persona, tenant_a, routes, refused_only=False)
    assert problems == [], "\n".join(problems)


def test_anonymous_gets_only_the_public_routes(tenant_a, anonymous_persona):
    routes = [r for r in _plain_routes() if r.name not in PUBLIC_ROUTES]
    problems = _probe(anonymous_persona, tenant_a, routes, refused_only=True)
    public = [r for r in _plain_routes() if r.name in PUBLIC_ROUTES]
    problems += _probe(anonymous_persona, tenant_a, public, refused_only=False)
    assert problems == [], "\n".join(problems)


def test_non_staff_exporter_gets_no_admin_data(tenant_a, exporter_b_persona):
    client = exporter_b_persona.web()
    urls = [
        "/admin/",
        "/admin/declarations/declaration/",
        f"/admin/declarations/declaration/{tenant_a.declaration.pk}/change/",
        "/admin/declarations/catalogueitem/",
        f"/admin/declarations/registrationattachment/{tenant_a.attachment.pk}/change/",
        "/admin/declarations/receipt/",
    ]
    before = state_snapshot(tenant_a)
    for url in urls:
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert response.status_code == 302, (method, url)
            assert response["Location"].startswith("/admin/login/"), (method, url)
            assert _leaks(response, tenant_a) == []
    assert state_snapshot(tenant_a) == before
