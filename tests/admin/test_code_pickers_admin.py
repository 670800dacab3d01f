"""Admin: coded fields use the portal's code picker; lists show names beside codes, in the admin's language."""

import pytest
from django.urls import reverse
from django.utils import translation

from declarations.models import CustomsOffice
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def chinese():
    # A request under /en/ leaves English active in the thread, and reverse() would then build /en/ URLs.
    with translation.override("zh-hans"):
        yield


@pytest.fixture
def declaration(db):
    CustomsOffice.objects.update_or_create(
        code="5141", defaults={"name_zh": "广州机场", "name_en": "Guangzhou Airport"}
    )
    f.CountryFactory(code="502", name_zh="美国", name_en="United States")
    f.UnitFactory(code="007", name_zh="个", name_en="piece")
    f.CurrencyFactory(code="502", name_zh="美元", iso_code="USD")
    declaration = f.DeclarationFactory(country="502")
    f.DeclarationLineFactory(declaration=declaration, unit="007", currency="502", qty=100, total_price=250)
    return declaration


def test_declaration_list_shows_office_and_country_names(admin_client_su, declaration):
    html = admin_client_su.get(reverse("admin:declarations_declaration_changelist")).content.decode()
    assert "5141 广州机场" in html and "502 美国" in html
    english = admin_client_su.get("/en" + reverse("admin:declarations_declaration_changelist"))
    assert "5141 Guangzhou Airport" in english.content.decode()


def test_declaration_form_uses_pickers_and_lines_read_as_quantities(admin_client_su, declaration):
    url = reverse("admin:declarations_declaration_change", args=[declaration.pk])
    html = admin_client_su.get(url).content.decode()
    assert 'data-code-picker="office"' in html and 'data-code-picker="country"' in html
    assert "tom-select.complete.min.js" in html and "js/code_picker.js" in html
    assert "100 个" in html and "250.00 USD" in html


def test_foreign_keys_to_code_tables_are_pickers(admin_client_su, declaration):
    # (Registrations are view-only in admin since the review freeze: the warehouse's country is the FK here.)
    warehouse = f.OverseasWarehouseFactory()
    url = reverse("admin:declarations_overseaswarehouse_change", args=[warehouse.pk])
    html = admin_client_su.get(url).content.decode()
    assert 'name="country"' in html and 'data-code-picker="country"' in html
