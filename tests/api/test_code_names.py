"""The API's read representations carry each code's name beside it (``<element>Name``), in the request's
language; the code keys stay as they were."""

import pytest

from declarations.models import CustomsOffice
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def declaration(exporter_a):
    f.CountryFactory(code="502", name_zh="美国", name_en="United States")
    f.CurrencyFactory(code="142", name_zh="人民币", name_en="Yuan Renminbi", iso_code="CNY")
    f.UnitFactory(code="007", name_zh="个", name_en="piece")
    f.TransportModeFactory(code="4", name_zh="公路运输", name_en="Road")
    f.PackingTypeFactory(code="2", name_zh="纸箱", name_en="Carton")
    CustomsOffice.objects.update_or_create(
        code="5141", defaults={"name_zh": "广州机场", "name_en": "Guangzhou Airport"}
    )  # exporter_a's home office may exist already
    declaration = f.DeclarationFactory(enterprise=exporter_a)
    f.DeclarationLineFactory(declaration=declaration, country="502", currency="142", unit="007", unit1="007")
    return declaration


def test_declaration_names_in_chinese_by_default(api_a, declaration):
    body = api_a.get(f"/api/declarations/{declaration.pk}/").json()
    assert (body["customsCode"], body["customsCodeName"]) == ("5141", "广州机场")
    assert (body["portCode"], body["portCodeName"]) == ("5141", "广州机场")
    assert (body["trafMode"], body["trafModeName"]) == ("4", "公路运输")
    assert (body["country"], body["countryName"]) == ("502", "美国")
    assert (body["currency"], body["currencyName"]) == ("142", "人民币")
    assert (body["wrapType"], body["wrapTypeName"]) == ("2", "纸箱")
    line = body["lines"][0]
    assert (line["unit"], line["unitName"], line["unit1Name"]) == ("007", "个", "个")
    assert (line["country"], line["countryName"], line["currencyName"]) == ("502", "美国", "人民币")
    assert line["unit2Name"] == ""


def test_declaration_names_in_english_when_asked(api_a, declaration):
    body = api_a.get(f"/api/declarations/{declaration.pk}/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert body["customsCodeName"] == "Guangzhou Airport"
    assert body["countryName"] == "United States"
    assert body["trafModeName"] == "Road"
    assert body["lines"][0]["unitName"] == "piece"


def test_names_are_read_only_and_writes_keep_working(api_a, declaration):
    body = api_a.get(f"/api/declarations/{declaration.pk}/").json()
    body["countryName"] = "Somewhere else"
    body["country"] = "502"
    response = api_a.put(f"/api/declarations/{declaration.pk}/", body, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["countryName"] == "美国"
    declaration.refresh_from_db()
    assert declaration.country == "502"


def test_list_carries_the_names_too(api_a, declaration):
    result = api_a.get("/api/declarations/").json()["results"][0]
    assert result["customsCodeName"] == "广州机场"


def test_warehouse_country_name(api_a, exporter_a):
    f.CountryFactory(code="502", name_zh="美国", name_en="United States")
    f.OverseasWarehouseFactory(enterprise=exporter_a)
    result = api_a.get("/api/warehouses/", HTTP_ACCEPT_LANGUAGE="en").json()["results"][0]
    assert (result["country"], result["countryName"]) == ("502", "United States")
