"""copNo and the other identifiers (orderNo, waybill, bill, voyage...) have one character rule
(declarations.identifiers.identifier_characters_ok): printable, no CR / LF / TAB, none of " ' < > & \\ `.
The API and the portal form refuse such a value with the stable code INVALID_IDENTIFIER, the spreadsheet import
rejects the row on its cell (the rules engine's finding, the same rule), and data stored before the rule cannot
make a download answer 500 or inject a Content-Disposition parameter."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from declarations.choices import Channel
from declarations.models import Declaration, Membership
from tests import factories as f
from tests.api.conftest import declaration_payload
from tests.spreadsheets.conftest import (
    fill_template,
    goods_row,
    head_row,
    report_book,
    report_errors,
    run_import,
)
from tests.web.payloads import declaration_post

pytestmark = pytest.mark.django_db

BAD = {
    "CR LF": "EP2025\r\nX-Injected: 1",
    "TAB": "EP\t1",
    "quote": 'EP1"; filename="evil.exe',
    "angle": "EP<script>",
    "line separator": "EP\u20281",
}


@pytest.fixture
def user_a(exporter_a):
    return f.MembershipFactory(enterprise=exporter_a, role=Membership.Role.ADMIN).user


@pytest.fixture
def api_a(user_a):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user_a).key}")
    return client


@pytest.fixture
def web_a(user_a):
    client = Client()
    client.force_login(user_a)
    return client


@pytest.mark.parametrize("value", BAD.values(), ids=BAD.keys())
@pytest.mark.parametrize("field", ["copNo", "orderNo", "logisticsNo", "billNo"])
def test_api_refuses_a_bad_identifier_naming_the_field(api_a, exporter_a, field, value):
    response = api_a.post(
        "/api/declarations/", declaration_payload(exporter_a, **{field: value}), format="json"
    )
    assert response.status_code == 400, response.content[:300]
    assert {(e["code"], e["field"]) for e in response.json()["errors"]} == {("INVALID_IDENTIFIER", field)}
    assert Declaration.objects.count() == 0


def test_api_update_refuses_and_keeps_the_draft(api_a, exporter_a):
    draft = f.DeclarationFactory(enterprise=exporter_a, cop_no="GOOD-COP")
    response = api_a.patch(f"/api/declarations/{draft.pk}/", {"copNo": BAD["CR LF"]}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "INVALID_IDENTIFIER"
    draft.refresh_from_db()
    assert draft.cop_no == "GOOD-COP"


def test_api_message_is_english_and_chinese(api_a, exporter_a):
    payload = declaration_payload(exporter_a, copNo=BAD["quote"])
    english = api_a.post("/api/declarations/", payload, format="json", HTTP_ACCEPT_LANGUAGE="en").json()
    chinese = api_a.post("/api/declarations/", payload, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert english["errors"][0]["message"].startswith("Use printable characters only")
    assert chinese["errors"][0]["message"].startswith("只能使用可打印字符")


def test_the_readable_identifiers_of_real_life_pass(api_a, exporter_a):
    payload = declaration_payload(
        exporter_a, copNo="EP2025-06/01 A", orderNo="订单-2025_001#7", billNo="MSKU 123"
    )
    assert api_a.post("/api/declarations/", payload, format="json").status_code == 201


@pytest.mark.parametrize("value", BAD.values(), ids=BAD.keys())
def test_portal_form_refuses_a_bad_order_number(web_a, exporter_a, value):
    with translation.override("en"):
        response = web_a.post(
            reverse("declaration_create"),
            declaration_post(enterprise=exporter_a, order_no=value, cop_no="C1"),
        )
    assert response.status_code == 200
    form = response.context["form"]
    assert [e.code for e in form.errors.as_data()["order_no"]] == ["INVALID_IDENTIFIER"]
    assert Declaration.objects.count() == 0


def test_import_rejects_the_row_on_its_cell(exporter_a, user_a, codes_loaded):
    job = run_import(
        user_a,
        fill_template(
            [head_row(exporter_a, 1, orderNo="XL<ORDER>"), head_row(exporter_a, 2, logisticsNo='SF"1')],
            [goods_row("COP-00001"), goods_row("COP-00002")],
        ),
    )
    assert Declaration.objects.count() == 0
    errors = report_errors(report_book(job))
    assert ("表头 Declarations", 2, "orderNo", "INVALID_IDENTIFIER") in errors
    assert ("表头 Declarations", 3, "logisticsNo", "INVALID_IDENTIFIER") in errors


@pytest.fixture
def codes_loaded(db, exporter_a):
    from declarations.models import CustomsOffice
    from declarations.services.codes import code_tables_load

    code_tables_load()
    f.RegistrationFactory(enterprise=exporter_a, customs_office=CustomsOffice.objects.get(code="5141"))


# --- data stored before the rule: downloads stay safe --------------------------------------------------------


@pytest.fixture
def stored_bad(exporter_a):
    """A customs-declaration draft whose copNo holds CR LF and a quote, stored before the rule existed."""
    declaration = f.DeclarationFactory(
        enterprise=exporter_a, cop_no='EP1\r\nSet-Cookie: x=1"; a="b', channel=Channel.CUSTOMS_DECLARATION
    )
    f.DeclarationLineFactory(declaration=declaration, gnum=1)
    f.RenderedMessageFactory(declaration=declaration)
    return declaration


def _assert_safe(response, suffix):
    assert response.status_code == 200
    header = response["Content-Disposition"]
    assert "\r" not in header and "\n" not in header
    assert header.count('"') in (0, 2)  # one quoted file name at most, nothing injected after it
    assert header.startswith("attachment; ")
    assert header.endswith(suffix) or header.endswith(f'{suffix}"')
    assert "Set-Cookie" not in response.headers


def test_messages_zip_of_a_bad_copno_downloads(web_a, stored_bad):
    _assert_safe(web_a.get(reverse("declaration_messages_zip", args=[stored_bad.pk])), "_messages.zip")


def test_draft_xlsx_of_a_bad_copno_downloads(web_a, stored_bad, codes_loaded):
    _assert_safe(web_a.get(reverse("declaration_draft_xlsx", args=[stored_bad.pk])), "_declaration.xlsx")


def test_message_downloads_use_djangos_header(web_a, api_a, stored_bad):
    message = stored_bad.messages.get()
    web = web_a.get(reverse("declaration_message", args=[stored_bad.pk, message.pk]) + "?download=1")
    _assert_safe(web, ".xml")
    _assert_safe(api_a.get(f"/api/messages/{message.pk}/download/"), ".xml")


def test_the_stored_bad_copno_is_a_finding_on_the_detail_page(web_a, api_a, stored_bad):
    response = api_a.post(f"/api/declarations/{stored_bad.pk}/validate/")
    assert ("INVALID_IDENTIFIER", "copNo") in {(x["code"], x["field"]) for x in response.json()["findings"]}
