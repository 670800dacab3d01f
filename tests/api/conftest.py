import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from declarations.services.codes import code_tables_load
from tests import factories as f


def _client_for(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


@pytest.fixture
def user_a(exporter_a):
    return f.MembershipFactory(enterprise=exporter_a).user


@pytest.fixture
def user_b(exporter_b):
    return f.MembershipFactory(enterprise=exporter_b).user


@pytest.fixture
def user_c(broker_c):
    return f.MembershipFactory(enterprise=broker_c).user


@pytest.fixture
def api_a(user_a):
    return _client_for(user_a)


@pytest.fixture
def api_b(user_b):
    return _client_for(user_b)


@pytest.fixture
def api_c(user_c):
    return _client_for(user_c)


@pytest.fixture
def anon():
    return APIClient()


@pytest.fixture
def codes(db):
    code_tables_load()


@pytest.fixture
def declaration_a(exporter_a):
    declaration = f.DeclarationFactory(enterprise=exporter_a)
    f.DeclarationLineFactory(declaration=declaration, gnum=1)
    return declaration


def line_payload(**overrides) -> dict:
    line = {
        "itemNo": "SKU-0001",
        "itemName": "不锈钢保温杯",
        "gcode": "9617001100",
        "gname": "保温杯",
        "gmodel": "不锈钢|500ml|无品牌",
        "barCode": "无",
        "country": "502",
        "currency": "142",
        "qty": "100",
        "unit": "007",
        "qty1": "100",
        "unit1": "007",
        "price": "32",
        "totalPrice": "3200",
    }
    line.update(overrides)
    return line


def declaration_payload(enterprise, **overrides) -> dict:
    data = {
        "mode": "9710",
        "channel": "list",
        "enterprise": enterprise.pk,
        "customsCode": "5141",
        "portCode": "5141",
        "ebpCode": "无",
        "ebpName": "Example Global B2B Marketplace",
        "orderNo": "API-ORDER-0001",
        "logisticsCode": "4401980ABC",
        "logisticsName": "示例国际物流有限公司",
        "logisticsNo": "SF0000000001",
        "ieDate": "2025-06-02",
        "trafMode": "4",
        "country": "502",
        "POD": "502",
        "currency": "142",
        "freight": "150",
        "insuredFee": "0",
        "wrapType": "2",
        "packNo": 4,
        "grossWeight": "42.5",
        "netWeight": "40",
        "goodsInfo": "不锈钢保温杯",
        "lines": [line_payload()],
    }
    data.update(overrides)
    return data
