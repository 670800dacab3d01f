import pytest

from declarations.models import Country, Currency, CustomsOffice, HSCode, PackingType, TransportMode, Unit
from declarations.services.codes import code_tables_load

pytestmark = pytest.mark.django_db

EXPECTED = {
    Country: 246,
    Currency: 24,
    Unit: 123,
    TransportMode: 18,
    PackingType: 21,
    CustomsOffice: 211,
    HSCode: 6940,
}


def test_load_counts_match_the_shipped_tables():
    code_tables_load()
    assert {model: model.objects.count() for model in EXPECTED} == EXPECTED
    assert Currency.objects.get(code="142").iso_code == "CNY"
    assert Country.objects.get(code="502").iso_alpha3 == "USA"
    assert Country.objects.get(code="100").declarable is False
    assert PackingType.objects.filter(kind="ceb").count() == 7
    assert HSCode.objects.get(code="961700").parent == "9617"


def test_loading_twice_creates_no_duplicates_and_changes_nothing():
    code_tables_load()
    second = code_tables_load()
    assert all(r.created == 0 and r.updated == 0 for r in second)
    assert {model: model.objects.count() for model in EXPECTED} == EXPECTED


def test_reload_keeps_admin_pilot_zone_flag_and_added_offices():
    code_tables_load()
    CustomsOffice.objects.filter(code="5141").update(pilot_zone=True)
    CustomsOffice.objects.create(code="5199", name_zh="新增海关")
    code_tables_load()
    assert CustomsOffice.objects.get(code="5141").pilot_zone is True
    assert CustomsOffice.objects.filter(code="5199").exists()


def test_reload_restores_a_corrupted_name():
    code_tables_load()
    Currency.objects.filter(code="142").update(name_zh="wrong")
    results = {r.table: r for r in code_tables_load()}
    assert results["currency"].updated == 1
    assert Currency.objects.get(code="142").name_zh == "人民币"
