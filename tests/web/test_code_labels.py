"""Names beside codes: the helper (declarations.code_labels) and its template filters, with their cache."""

from decimal import Decimal

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from declarations import code_labels
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def tables(db):
    f.CountryFactory(code="502", name_zh="美国", name_en="United States")
    f.CountryFactory(code="100", name_zh="亚洲", name_en="Asia", declarable=False)
    f.CurrencyFactory(code="502", name_zh="美元", name_en="US Dollar", iso_code="USD")
    f.CurrencyFactory(code="300", name_zh="欧元", name_en="Euro", iso_code="EUR", active=False)
    f.UnitFactory(code="007", name_zh="个", name_en="piece")
    f.UnitFactory(code="035", name_zh="千克", name_en="")
    f.TransportModeFactory(code="5", name_zh="航空运输", name_en="Air")
    f.PackingTypeFactory(code="2", name_zh="纸箱", name_en="Carton")
    f.CustomsOfficeFactory(code="5100", name_zh="广州关区", name_en="Guangzhou Customs", parent_code="0000")
    f.CustomsOfficeFactory(code="5141", name_zh="广州机场", name_en="Guangzhou Airport", parent_code="5100")
    f.CustomsOfficeFactory(code="0000", name_zh="海关总署", parent_code="", declarable=False)


@pytest.mark.parametrize(
    ("language", "table", "code", "expected"),
    [
        ("zh-hans", "country", "502", "502 美国"),
        ("en", "country", "502", "502 United States"),
        ("en", "unit", "007", "007 piece"),
        ("en", "unit", "035", "035 千克"),  # no English name yet: the Chinese one, never an empty label
        ("zh-hans", "transport", "5", "5 航空运输"),
        ("en", "packing", "2", "2 Carton"),
        ("en", "office", "5141", "5141 Guangzhou Airport"),
        ("zh-hans", "country", "999", "999"),  # a draft may hold a wrong code: shown as it is
        ("zh-hans", "country", "", ""),
        ("zh-hans", "country", None, ""),
    ],
)
def test_code_label_in_the_active_language(tables, language, table, code, expected):
    with translation.override(language):
        assert code_labels.code_label(table, code) == expected


def test_quantity_reads_with_the_unit_name_not_its_code(tables):
    assert code_labels.quantity_text(Decimal("100.00000"), "007") == "100 个"
    assert code_labels.quantity_text(Decimal("2.50000"), "035") == "2.5 千克"
    with translation.override("en"):
        assert code_labels.quantity_text(Decimal("100"), "007") == "100 piece"
    assert code_labels.quantity_text(Decimal("3"), "999") == "3 999"
    assert code_labels.quantity_text(None, "007") == ""


def test_amount_keeps_the_typed_decimals_and_shows_the_currency_letters(tables):
    assert code_labels.amount_text(Decimal("250.00000"), "502") == "250.00 USD"
    assert code_labels.amount_text(Decimal("12.5"), "502") == "12.50 USD"
    assert code_labels.amount_text(Decimal("1.23456"), "502") == "1.23456 USD"
    assert code_labels.amount_text(Decimal("0"), "502") == "0.00 USD"
    assert code_labels.amount_text(Decimal("7"), "999") == "7.00 999"


def test_template_filters(tables):
    template = Template(
        '{% load code_labels %}{{ c|code_label:"country" }}|{{ q|quantity:"007" }}|{{ a|amount:"502" }}'
        '|{{ c|code_name:"country" }}|{{ a|money }}'
    )
    context = Context({"c": "502", "q": Decimal("100.00000"), "a": Decimal("250.00000")})
    assert template.render(context) == "502 美国|100 个|250.00 USD|美国|250.00"
    with translation.override("en"):
        assert template.render(context) == "502 United States|100 piece|250.00 USD|United States|250.00"


def test_filters_escape_names(tables):
    f.CountryFactory(code="999", name_zh="<b>坏</b>")
    html = Template('{% load code_labels %}{{ c|code_label:"country" }}').render(Context({"c": "999"}))
    assert html == "999 &lt;b&gt;坏&lt;/b&gt;"


def test_a_table_is_read_once_then_served_from_the_cache(tables):
    code_labels.code_label("country", "502")
    with CaptureQueriesContext(connection) as queries:
        for _ in range(50):
            code_labels.code_label("country", "502")
            with translation.override("en"):
                code_labels.code_label("country", "502")
    assert len(queries) == 0


def test_saving_a_code_clears_the_cache(tables):
    assert code_labels.code_label("country", "502") == "502 美国"
    from declarations.models import Country

    country = Country.objects.get(code="502")
    country.name_zh = "美利坚合众国"
    country.save()
    assert code_labels.code_label("country", "502") == "502 美利坚合众国"
    country.delete()
    assert code_labels.code_label("country", "502") == "502"


def test_picker_options_offer_only_declarable_offices_grouped_by_directorate(tables):
    with translation.override("en"):
        options = code_labels.picker_options("office")
        groups = code_labels.picker_groups("office")
    assert [o["value"] for o in options] == ["5100", "5141"]  # 0000 (headquarters) is not declarable
    assert options[1] == {
        "value": "5141",
        "text": "5141 Guangzhou Airport",
        "name_zh": "广州机场",
        "name_en": "Guangzhou Airport",
        "group": "5100",
    }
    assert groups == [{"value": "5100", "label": "5100 Guangzhou Customs"}]


def test_picker_options_leave_out_continents_and_obsolete_currencies(tables):
    assert [o["value"] for o in code_labels.picker_options("country")] == ["502"]
    currencies = code_labels.picker_options("currency")
    assert [(o["value"], o["iso"]) for o in currencies] == [("502", "USD")]
