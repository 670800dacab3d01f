"""GET /api/classify/: the assistant's API twin, under the same tenancy as the web box."""

import pytest
from django.urls import reverse

from declarations.selectors_classify import classification_caches_clear
from declarations.services.tariff import tariff_load_sample
from tests import factories as f

pytestmark = pytest.mark.django_db
URL = reverse("api-classify")


@pytest.fixture(autouse=True)
def sample(codes):
    tariff_load_sample()
    classification_caches_clear()
    yield
    classification_caches_clear()


def used(enterprise, gname, gcode, agent=None):
    declaration = f.DeclarationFactory(enterprise=enterprise, agent=agent or enterprise)
    f.DeclarationLineFactory(declaration=declaration, gnum=1, gname=gname, gcode=gcode)


def test_suggestions_with_reasons_units_elements_and_flags(api_a, exporter_a):
    used(exporter_a, "蓝牙耳机", "8517629900")
    response = api_a.get(URL, {"q": "蓝牙耳机"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    first, second = response.json()[:2]
    assert (first["code"], first["count"], first["in_tariff"]) == ("8517629900", 1, False)
    assert first["reasons"][0] == {"source": "used", "text": "Used once as “蓝牙耳机”"}
    assert second["code"] == "8518300000"
    assert (second["unit1"], second["unit2"]) == ("007", "035")
    assert second["unit1_label"].startswith("007 ") and second["unit2_label"].startswith("035 ")
    assert second["elements"][:2] == ["品牌类型", "出口享惠情况"]
    assert second["flags"] == {"licence": False, "inspection": False, "tax": False}


def test_chinese_reasons_by_default(api_a):
    response = api_a.get(URL, {"q": "打火机"})
    lighter = response.json()[0]
    assert lighter["reasons"] == [{"source": "tariff", "text": "税则"}]
    assert lighter["flag_reasons"] == ["监管条件 B：出境货物检验检疫", "检验检疫类别 N：出口商品检验"]


def test_another_tenants_enterprise_is_not_found_and_reveals_nothing(api_b, exporter_a, api_c, exporter_b):
    used(exporter_a, "秘密商品", "8517629900")
    for client, enterprise in ((api_b, exporter_a), (api_c, exporter_b)):
        response = client.get(URL, {"q": "秘密商品", "enterprise": enterprise.pk})
        assert response.status_code == 404
        assert "8517629900" not in response.content.decode()
    assert api_b.get(URL, {"q": "秘密商品"}).json() == []


def test_broker_with_delegation_sees_the_exporters_history(api_c, exporter_a, broker_c):
    used(exporter_a, "蓝牙耳机", "8517629900", agent=broker_c)
    response = api_c.get(URL, {"q": "蓝牙耳机", "enterprise": exporter_a.pk})
    assert response.status_code == 200
    assert response.json()[0]["reasons"][0]["source"] == "broker"


def test_anonymous_is_refused(anon):
    assert anon.get(URL, {"q": "耳机"}).status_code in (401, 403)


def test_bad_enterprise_parameter_is_not_found(api_a):
    assert api_a.get(URL, {"q": "耳机", "enterprise": "x"}).status_code == 404
