"""The code picker's options endpoint: reference data in the page's language, behind a login, no tenancy."""

import pytest
from django.test import Client
from django.urls import reverse

from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def tables(db):
    f.CountryFactory(code="502", name_zh="美国", name_en="United States")
    f.CountryFactory(code="303", name_zh="英国", name_en="United Kingdom")
    f.CountryFactory(code="100", name_zh="亚洲", name_en="Asia", declarable=False)
    f.CustomsOfficeFactory(code="5100", name_zh="广州关区", name_en="Guangzhou Customs", parent_code="0000")
    f.CustomsOfficeFactory(code="5141", name_zh="广州机场", name_en="Guangzhou Airport", parent_code="5100")
    f.CustomsOfficeFactory(code="5199", name_zh="广州某科室", parent_code="5100", declarable=False)


def test_anonymous_visitor_is_sent_to_log_in(tables):
    response = Client().get(reverse("code_options", args=["country"]))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_options_in_chinese_carry_code_and_both_names_for_searching(client_a, tables):
    response = client_a.get(reverse("code_options", args=["country"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "private" in response["Cache-Control"]
    data = response.json()
    assert data["optgroups"] == []
    assert data["options"] == [
        {"value": "303", "text": "303 英国", "name_zh": "英国", "name_en": "United Kingdom"},
        {"value": "502", "text": "502 美国", "name_zh": "美国", "name_en": "United States"},
    ]


def test_options_in_english_under_the_english_url(client_a, tables):
    response = client_a.get("/en" + reverse("code_options", args=["country"]))
    assert response.status_code == 200
    texts = [o["text"] for o in response.json()["options"]]
    assert texts == ["303 United Kingdom", "502 United States"]


def test_offices_only_declarable_and_grouped_by_directorate(client_a, tables):
    data = client_a.get(reverse("code_options", args=["office"])).json()
    assert [(o["value"], o["group"]) for o in data["options"]] == [("5100", "5100"), ("5141", "5100")]
    assert data["optgroups"] == [{"value": "5100", "label": "5100 广州关区"}]


def test_a_user_without_any_enterprise_may_read_reference_data(tables):
    client = Client()
    client.force_login(f.UserFactory())
    assert client.get(reverse("code_options", args=["country"])).status_code == 200


def test_unknown_table_is_404_and_post_is_refused(client_a, tables):
    assert client_a.get(reverse("code_options", args=["users"])).status_code == 404
    assert client_a.post(reverse("code_options", args=["country"])).status_code == 405


def test_declaration_form_renders_pickers_with_the_current_label(client_a, tables, exporter_a):
    declaration = f.DeclarationFactory(enterprise=exporter_a, country="502", customs_code="5141")
    html = client_a.get(reverse("declaration_edit", args=[declaration.pk])).content.decode()
    assert 'data-code-picker="country"' in html
    assert 'data-code-picker="office"' in html
    assert 'data-code-picker="unit"' in html
    assert '<option value="502" selected>502 美国</option>' in html
    assert '<option value="5141" selected>5141 广州机场</option>' in html
    assert "tom-select.complete.min.js" in html
