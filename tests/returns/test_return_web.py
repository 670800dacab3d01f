"""The returns pages: "Start a return" on a released declaration, the form, the confirmation (nothing stored
before it), the return's page and its 报关单 draft (printable page and XLSX)."""

import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from declarations.models import Declaration, DeclarationReturn, StatusEvent
from tests import factories as f
from tests.returns.conftest import RETURN_DATE

pytestmark = pytest.mark.django_db

FORM = {
    "qty_1": "30",
    "qty_2": "50",
    "qty_3": "",
    "reason": "buyer_return",
    "reason_note": "",
    "return_date": RETURN_DATE.isoformat(),
    "port_code": "5141",
    "original_state": "on",
    "vat_refund_claimed": "on",
}


@pytest.fixture
def client_a(member_a):
    client = Client()
    client.force_login(member_a)
    return client


def _new(declaration):
    return reverse("declaration_return_create", args=[declaration.pk])


def test_the_released_declaration_offers_start_a_return(client_a, released):
    panel = client_a.get(reverse("declaration_returns_panel", args=[released.pk])).content.decode()
    assert 'id="start-return"' in panel and _new(released) in panel
    detail = client_a.get(reverse("declaration_detail", args=[released.pk])).content.decode()
    assert reverse("declaration_returns_panel", args=[released.pk]) in detail


def test_a_draft_offers_no_return(client_a, released):
    Declaration.objects.filter(pk=released.pk).update(status="draft")
    panel = client_a.get(reverse("declaration_returns_panel", args=[released.pk])).content.decode()
    assert panel.strip() == ""
    page = client_a.get(_new(released)).content.decode()
    assert 'id="return-not-allowed"' in page and 'id="return-form"' not in page


def test_summary_first_then_confirm_stores(client_a, released):
    summary = client_a.post(_new(released), FORM)
    html = summary.content.decode()
    assert summary.status_code == 200
    assert 'id="return-summary"' in html and 'data-eligible="yes"' in html and 'id="vat-refund-note"' in html
    assert "出口货物补税/未退税证明" in html
    assert DeclarationReturn.objects.count() == 0  # nothing before the confirmation
    response = client_a.post(_new(released), {**FORM, "confirm": "1"})
    goods_return = DeclarationReturn.objects.get()
    assert response["Location"] == reverse("declaration_return_detail", args=[released.pk, goods_return.pk])
    assert goods_return.vat_refund_claimed is True and goods_return.tax_free is True
    page = client_a.get(response["Location"]).content.decode()
    assert 'id="return-draft-xlsx"' in page and 'data-eligible="yes"' in page
    timeline = client_a.get(reverse("declaration_detail", args=[released.pk])).content.decode()
    assert StatusEvent.objects.get(declaration=released).note in timeline


def test_too_much_names_the_line_field_and_stores_nothing(client_a, released):
    response = client_a.post(_new(released), {**FORM, "qty_2": "51", "confirm": "1"})
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["qty_2"]
    assert DeclarationReturn.objects.count() == 0
    assert StatusEvent.objects.count() == 0


def test_not_a_number_names_the_field(client_a, released):
    response = client_a.post(_new(released), {**FORM, "qty_1": "abc"})
    assert list(response.context["form"].errors) == ["qty_1"]
    assert DeclarationReturn.objects.count() == 0


def test_draft_xlsx_and_print_hold_the_return(client_a, released, member_a):
    from declarations.services.returns import return_create
    from tests.returns.conftest import return_args

    f.CustomsEntryResultFactory(declaration=released, entry_no="514120261000012345", result="released")
    goods_return = return_create(declaration=released, actor=member_a, **return_args())
    response = client_a.get(reverse("declaration_return_draft_xlsx", args=[released.pk, goods_return.pk]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(response.content))
    header = {row[1]: row[2] for row in workbook["Header"].iter_rows(min_row=2, values_only=True)}
    assert header["监管方式"] == "4561"
    assert header["原报关单号"] == "514120261000012345"
    assert header["原订单号/订仓单号"] == "B2B-RETURN-1"
    assert header["总价"] == 1585
    goods = list(workbook["Goods"].iter_rows(min_row=3, values_only=True))
    assert [(row[0], row[1], row[6], row[13]) for row in goods] == [(1, 1, 30, 960), (2, 2, 50, 625)]
    page = client_a.get(reverse("declaration_return_draft_print", args=[released.pk, goods_return.pk]))
    html = page.content.decode()
    assert "4561" in html and "514120261000012345" in html and "蓝牙耳机" in html


def test_change_on_the_summary_goes_back_to_the_filled_form(client_a, released):
    response = client_a.post(_new(released), {**FORM, "confirm": ["1", "0"]})
    html = response.content.decode()
    assert 'id="return-form"' in html and 'id="return-summary"' not in html
    assert 'name="qty_2" value="50"' in html
    assert DeclarationReturn.objects.count() == 0
