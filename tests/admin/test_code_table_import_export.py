"""Exchange rates and code tables: CSV import and export by natural key (django-import-export resources)."""

from decimal import Decimal

import pytest
import tablib

from declarations.admin import ExchangeRateResource, code_resource
from declarations.models import Country, ExchangeRate
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_exchange_rate_round_trip_updates_by_currency_and_month():
    rate = f.ExchangeRateFactory()
    exported = ExchangeRateResource().export()
    assert exported.headers == ["currency", "month", "rate"]
    dataset = tablib.Dataset(headers=["currency", "month", "rate"])
    dataset.append([rate.currency_id, rate.month.isoformat(), "7.200000"])
    result = ExchangeRateResource().import_data(dataset, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    assert list(ExchangeRate.objects.values_list("rate", flat=True)) == [Decimal("7.200000")]


def test_country_import_by_code():
    f.CountryFactory()
    dataset = tablib.Dataset(headers=["code", "name_zh", "name_en", "iso_alpha3", "iso_alpha2", "declarable"])
    dataset.append(["502", "美国", "USA", "USA", "US", "1"])
    result = code_resource(Country)().import_data(dataset, dry_run=False)
    assert not result.has_errors()
    assert Country.objects.get(code="502").name_en == "USA"


def test_export_page_offers_csv_and_xlsx(admin_client_su):
    response = admin_client_su.get("/admin/declarations/exchangerate/export/")
    assert response.status_code == 200
    assert b"csv" in response.content.lower() and b"xlsx" in response.content.lower()
