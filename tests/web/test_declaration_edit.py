import pytest
from django.urls import reverse
from django.utils import translation

from declarations.choices import DeclarationStatus
from declarations.models import Declaration
from tests import factories as f
from tests.web.payloads import LINE, declaration_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready(codes, exporter_a):
    f.RegistrationFactory(enterprise=exporter_a)
    f.ExchangeRateFactory()


def test_new_form_renders(client_a, exporter_a):
    response = client_a.get(reverse("declaration_create"))
    assert response.status_code == 200
    assert response.context["form"].initial["enterprise"] == exporter_a


def test_create_clean_declaration(client_a, exporter_a, ready):
    response = client_a.post(reverse("declaration_create"), declaration_post(enterprise=exporter_a))
    declaration = Declaration.objects.get()
    assert response["Location"] == reverse("declaration_edit", args=[declaration.pk])
    assert (declaration.agent_id, declaration.lines.count(), declaration.findings) == (exporter_a.pk, 1, [])
    assert declaration.recommended_channel == "list"
    page = client_a.get(response["Location"])
    assert page.context["error_count"] == 0
    assert page.context["channel_reason"] != ""


def test_finding_is_shown_on_its_line_and_field(client_a, exporter_a, ready):
    bad = dict(LINE, item_no="SKU-2", gcode="0000000000")
    client_a.post(
        reverse("declaration_create"), declaration_post(enterprise=exporter_a, lines=[dict(LINE), bad])
    )
    declaration = Declaration.objects.get()
    assert [(d["code"], d["field"], d["gnum"]) for d in declaration.findings] == [
        ("HS_NOT_IN_HS2022", "gcode", 2)
    ]
    page = client_a.get(reverse("declaration_edit", args=[declaration.pk]))
    rows = page.context["rows"]
    line_findings = {
        i: {name: [x.code for x in fs] for (bf, fs) in r["fields"] for name in [bf.name] if fs}
        for i, r in enumerate(rows)
    }
    assert "gcode" in line_findings[1]
    assert "gcode" not in line_findings[0]
    assert "HS_NOT_IN_HS2022" in page.content.decode().split('id="line-2"')[1]
    assert "HS_NOT_IN_HS2022" not in page.content.decode().split('id="line-2"')[0]


def test_head_finding_next_to_its_field(client_a, exporter_a, ready):
    client_a.post(reverse("declaration_create"), declaration_post(enterprise=exporter_a, customs_code="9999"))
    declaration = Declaration.objects.get()
    page = client_a.get(reverse("declaration_edit", args=[declaration.pk]))
    head = {bf.name: fs for _title, fields in page.context["sections"] for bf, fs in fields}
    assert [x.field for x in head["customs_code"]] == ["customsCode"]
    assert head["port_code"] == []


def test_form_error_names_the_field_and_line(client_a, exporter_a):
    with translation.override("en"):
        url = reverse("declaration_create")
    data = declaration_post(enterprise=exporter_a, lines=[dict(LINE, qty="abc")], pack_no="")
    response = client_a.post(url, data)
    assert response.status_code == 200
    assert Declaration.objects.count() == 0
    body = response.content.decode()
    assert "Packages: This field is required." in body
    assert "Quantity: Enter a number." in body


def test_edit_replaces_lines(client_a, exporter_a, clean_declaration):
    data = declaration_post(
        enterprise=exporter_a,
        lines=[dict(LINE), dict(LINE, item_no="SKU-9")],
        order_no=clean_declaration.order_no,
    )
    client_a.post(reverse("declaration_edit", args=[clean_declaration.pk]), data)
    assert list(clean_declaration.lines.values_list("gnum", "item_no")) == [(1, "SKU-0001"), (2, "SKU-9")]


def test_not_editable_after_submission(client_a, exporter_a, clean_declaration):
    Declaration.objects.filter(pk=clean_declaration.pk).update(status=DeclarationStatus.SENT)
    url = reverse("declaration_edit", args=[clean_declaration.pk])
    response = client_a.post(url, declaration_post(enterprise=exporter_a, order_no="CHANGED"))
    assert response["Location"] == reverse("declaration_detail", args=[clean_declaration.pk])
    clean_declaration.refresh_from_db()
    assert clean_declaration.order_no != "CHANGED"


def test_other_tenant_is_404_and_unchanged(client_b, exporter_a, clean_declaration):
    url = reverse("declaration_edit", args=[clean_declaration.pk])
    assert client_b.get(url).status_code == 404
    assert client_b.post(url, declaration_post(enterprise=exporter_a, order_no="CHANGED")).status_code == 404
    clean_declaration.refresh_from_db()
    assert clean_declaration.order_no != "CHANGED"


def test_cannot_declare_for_a_foreign_enterprise(client_b, exporter_a):
    response = client_b.post(reverse("declaration_create"), declaration_post(enterprise=exporter_a))
    assert response.status_code == 200
    assert response.context["form"].errors["enterprise"]
    assert Declaration.objects.count() == 0


def test_broker_edits_for_delegating_exporter(client_broker, exporter_a, clean_declaration):
    data = declaration_post(enterprise=exporter_a, order_no="BROKER-EDIT")
    assert (
        client_broker.post(reverse("declaration_edit", args=[clean_declaration.pk]), data).status_code == 302
    )
    clean_declaration.refresh_from_db()
    assert clean_declaration.order_no == "BROKER-EDIT"
