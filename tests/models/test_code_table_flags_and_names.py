"""The code tables as customs applies them (issue 20 part 4) and their complete English names (issue 23 part 2):
filled from fixtures/codes, loaded into the models and handed to the rules by rule_context_load."""

import csv
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from declarations.models import Country, Currency, CustomsOffice, PackingType, TransportMode, Unit
from declarations.selectors_rule_context import rule_context_load
from declarations.services.codes import code_tables_load

CODES = Path(settings.BASE_DIR) / "fixtures" / "codes"
NAMED_TABLES = [
    ("units.csv", "code"),
    ("transport-modes.csv", "code"),
    ("packing-types-ceb.csv", "code"),
    ("packing-types-declaration.csv", "code"),
    ("customs-offices.csv", "code"),
    ("countries.csv", "customs_numeric"),
    ("currencies.csv", "customs_numeric"),
]


def _rows(name):
    with (CODES / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.parametrize("name, key", NAMED_TABLES)
def test_every_row_has_an_english_and_a_chinese_name(name, key):
    rows = _rows(name)
    assert [r[key] for r in rows if not r["name_en"].strip()] == []
    assert [r[key] for r in rows if not r["name_zh"].strip()] == []
    # an English name is English: no row simply repeats its Chinese name
    assert [r[key] for r in rows if r["name_en"] == r["name_zh"]] == []


def test_flag_columns_hold_only_yes_or_no():
    assert {r["declarable"] for r in _rows("customs-offices.csv")} == {"yes", "no"}
    assert {r["destination"] for r in _rows("countries.csv")} == {"yes", "no"}
    assert {r["status"] for r in _rows("currencies.csv")} == {"active", "legacy"}


@pytest.mark.django_db
def test_english_names_are_loaded_and_the_chinese_kept():
    code_tables_load()
    unit = Unit.objects.get(code="007")
    assert (unit.name_zh, unit.name_en) == ("个", "piece")
    assert Unit.objects.get(code="035").name_en == "kilogram"
    assert TransportMode.objects.get(code="5").name_en == "Air transport"
    assert PackingType.objects.get(kind=PackingType.Kind.CEB, code="2").name_en == "Carton"
    assert (
        PackingType.objects.get(kind=PackingType.Kind.DECLARATION, code="22").name_zh == "纸制或纤维板制盒/箱"
    )
    assert CustomsOffice.objects.get(code="0100").name_en == "Beijing Customs District"
    assert Currency.objects.get(code="304").name_en == "Deutsche Mark"
    assert Country.objects.get(code="500").name_en == "North America"
    for model in (Unit, TransportMode, CustomsOffice, Country, Currency, PackingType):
        assert not model.objects.filter(name_en="").exists(), model
    with translation.override("en"):
        assert (unit.label, CustomsOffice.objects.get(code="5141").label) == (
            "007 piece",
            "5141 Guangzhou Baiyun Airport Customs",
        )
    with translation.override("zh-hans"):
        assert unit.label == "007 个"


@pytest.mark.django_db
def test_flags_as_customs_applies_them():
    code_tables_load()
    inactive = set(Currency.objects.filter(active=False).values_list("code", flat=True))
    assert inactive == {"304", "305", "307", "312", "315", "318"}
    assert Currency.objects.get(code="502").active is True
    offices = dict(CustomsOffice.objects.values_list("code", "declarable"))
    assert (offices["0000"], offices["0100"], offices["5300"]) == (False, False, False)
    assert (offices["5141"], offices["5301"], offices["0101"]) == (True, True, True)
    destinations = dict(Country.objects.values_list("code", "destination"))
    assert [destinations[c] for c in ("142", "701", "702", "999", "100", "300")] == [False] * 6
    assert [destinations[c] for c in ("502", "303", "110", "199")] == [True] * 4
    # origin: what the table allows stays allowed (142 and 999 are declarable codes)
    assert Country.objects.get(code="142").declarable and Country.objects.get(code="999").declarable


@pytest.mark.django_db
def test_the_rule_context_carries_the_flags():
    code_tables_load()
    ctx = rule_context_load()
    assert "304" in ctx.inactive_currencies and "502" not in ctx.inactive_currencies
    assert {"0000", "5300"} <= set(ctx.non_declarable_offices) and "5141" not in ctx.non_declarable_offices
    assert {"142", "701", "702", "999"} <= set(ctx.non_destination_countries)
    assert "502" not in ctx.non_destination_countries


@pytest.mark.django_db
def test_reload_restores_a_flag_changed_by_hand():
    code_tables_load()
    Currency.objects.filter(code="304").update(active=True)
    CustomsOffice.objects.filter(code="0000").update(declarable=True)
    code_tables_load()
    assert Currency.objects.get(code="304").active is False
    assert CustomsOffice.objects.get(code="0000").declarable is False
