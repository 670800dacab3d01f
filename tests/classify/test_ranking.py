"""The assistant's ranking: a product used before ranks first, no heading is offered, "LED" is not "chilled"."""

import pytest
from django.http import Http404
from django.utils import timezone, translation

from declarations.models import CustomsOffice, Tariff
from declarations.selectors_classify import classification_suggest
from declarations.services.tariff import TARIFF_COLUMNS, tariff_load
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(sample_tariff):
    with translation.override("en"):
        yield


@pytest.fixture
def user_a(exporter_a):
    return f.MembershipFactory(enterprise=exporter_a).user


def office(code, *, pilot_zone):
    return CustomsOffice.objects.update_or_create(
        code=code, defaults={"name_zh": code, "pilot_zone": pilot_zone}
    )[0]


def used(enterprise, gname, gcode, times=1, agent=None):
    declaration = f.DeclarationFactory(enterprise=enterprise, agent=agent or enterprise)
    for gnum in range(1, times + 1):
        f.DeclarationLineFactory(declaration=declaration, gnum=gnum, gname=gname, gcode=gcode)


def codes(user, query, **kwargs):
    return [s.code for s in classification_suggest(user=user, query=query, **kwargs)]


def test_the_sample_tariff_finds_the_three_journey_products_from_chinese(user_a):
    assert codes(user_a, "蓝牙耳机")[0] == "8518300000"
    assert codes(user_a, "塑料手机壳")[0] == "3926909090"
    assert codes(user_a, "LED灯泡")[0] == "8539520000"
    assert codes(user_a, "不锈钢保温杯")[0] == "9617001100"


def test_a_product_used_before_ranks_first_and_says_how_often(user_a, exporter_a):
    used(exporter_a, "无线蓝牙耳机", "8517629900", times=3)
    suggestions = classification_suggest(user=user_a, query="蓝牙耳机")
    assert [s.code for s in suggestions][:2] == ["8517629900", "8518300000"]
    assert suggestions[0].count == 3
    assert suggestions[0].reasons[0] == {"source": "used", "text": "Used 3 times as “无线蓝牙耳机”"}
    assert suggestions[0].in_tariff is False  # the sample does not hold it: the page says so
    assert suggestions[1].reasons == [{"source": "tariff", "text": "Tariff"}]


def test_the_catalogue_ranks_first(user_a, exporter_a):
    f.CatalogueItemFactory(
        enterprise=exporter_a, item_no="PC-1", item_name="硅胶手机壳", gname="手机壳", gcode="3926909090"
    )
    suggestions = classification_suggest(user=user_a, query="手机壳")
    assert suggestions[0].code == "3926909090"
    assert suggestions[0].reasons[0] == {"source": "catalogue", "text": "Your catalogue: PC-1 硅胶手机壳"}


def test_no_heading_and_no_malformed_code_is_offered(user_a, exporter_a):
    used(exporter_a, "蓝牙耳机", "8518")  # a heading stored by an old import
    used(exporter_a, "蓝牙耳机", "85183000")
    for query in ("蓝牙耳机", "8518", "85", "earphones", "Headphones"):
        found = codes(user_a, query)
        assert found and all(len(code) == 10 for code in found), (query, found)


def test_six_digit_codes_only_where_the_simplified_list_applies(user_a):
    pilot = office("5141", pilot_zone=True)
    office("5100", pilot_zone=False)
    assert "851830" not in codes(user_a, "earphones", office="5100", channel="")
    assert "851830" not in codes(user_a, "earphones", office=pilot.code, channel="customs_declaration")
    simplified = classification_suggest(user=user_a, query="earphones", office=pilot.code, channel="list")
    six = [s for s in simplified if s.code == "851830"]
    assert six and six[0].simplified and len(six[0].code) == 6
    assert all(len(s.code) in (6, 10) for s in simplified)


def test_led_does_not_find_chilled_beef_and_lamp_not_clamps(user_a):
    office("5141", pilot_zone=True)
    extra = "\n".join(
        [
            ",".join(TARIFF_COLUMNS),
            '0201100000,整头及半头鲜或冷藏牛肉,"Carcasses of bovine animals, fresh or chilled",035,,,,,,',
            '8205700000,台钳、夹钳及类似品,"Vices, clamps and the like",007,,,,,,',
            "8539520000,发光二极管(LED)灯泡(管),Light-emitting diode (LED) lamps,007,,,,,,",
        ]
    )
    tariff_load(content=extra.encode(), file_name="extra.csv")
    for query in ("LED", "led bulb", "LED灯"):
        found = codes(user_a, query, office="5141", channel="list")
        assert found[0] == "8539520000", (query, found)
        assert not any(code.startswith(("0201", "0202", "020110")) for code in found), (query, found)
    found = codes(user_a, "lamp", office="5141", channel="list")
    assert found[0] == "8539520000"
    assert "8205700000" not in found and "820570" not in found  # clamps (820560 "blow lamps" may come)
    assert codes(user_a, "chilled beef", office="5141", channel="list")[0] == "0201100000"


def test_codes_by_prefix_and_retired_codes_are_not_offered(user_a):
    assert codes(user_a, "8539.52")[0] == "8539520000"
    Tariff.objects.filter(code="8513101000").update(
        active=False, updated_at=timezone.now()
    )  # as the loader does
    assert "8513101000" not in codes(user_a, "手电筒")
    assert "8513101000" not in codes(user_a, "8513")


def test_choosing_gives_units_elements_and_derived_flags(user_a):
    with translation.override("zh-hans"):
        lighter = classification_suggest(user=user_a, query="打火机")[0]
    assert (lighter.code, lighter.unit1, lighter.unit2) == ("9613100000", "007", "035")
    assert lighter.unit1_label == "007 个"
    assert lighter.elements == ["品牌类型", "出口享惠情况", "品牌(中文或外文名称)", "型号"]
    assert lighter.flags == {"licence": False, "inspection": True, "tax": False}
    assert lighter.flag_reasons == ["监管条件 B：出境货物检验检疫", "检验检疫类别 N：出口商品检验"]


def test_only_the_users_own_or_delegated_data(user_a, exporter_a, exporter_b, broker_c):
    used(exporter_b, "蓝牙耳机", "8517629900", times=5)
    assert "8517629900" not in codes(user_a, "蓝牙耳机")
    with pytest.raises(Http404):
        classification_suggest(user=user_a, query="蓝牙耳机", enterprise_id=exporter_b.pk)
    broker_user = f.MembershipFactory(enterprise=broker_c).user
    with pytest.raises(Http404):
        classification_suggest(user=broker_user, query="蓝牙耳机", enterprise_id=exporter_b.pk)
    used(exporter_a, "蓝牙耳机", "8517629900", times=2, agent=broker_c)
    suggestions = classification_suggest(user=broker_user, query="蓝牙耳机", enterprise_id=exporter_a.pk)
    assert suggestions[0].code == "8517629900"
    assert suggestions[0].reasons[0] == {
        "source": "broker",
        "text": "You declared it for this exporter 2 times as “蓝牙耳机”",
    }
    assert suggestions[0].count == 2  # exporter B's five lines are not counted


def test_a_new_declaration_is_seen_at_once(user_a, exporter_a):
    assert "8517629900" not in codes(user_a, "蓝牙耳机")
    used(exporter_a, "蓝牙耳机", "8517629900")
    assert codes(user_a, "蓝牙耳机")[0] == "8517629900"
