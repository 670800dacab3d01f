import pytest
from django.test import Client
from django.utils import translation
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from declarations.models import Membership
from declarations.services.codes import code_tables_load
from tests import factories as f


@pytest.fixture(autouse=True)
def default_language():
    translation.activate("zh-hans")
    yield
    translation.deactivate()


@pytest.fixture
def codes(db):
    code_tables_load()


@pytest.fixture
def declaration_a(exporter_a):
    """A released 9710 declaration of exporter A with two lines in two units."""
    exporter_a.name_en = "Jia Export Trading Co., Ltd."
    exporter_a.address = "广东省广州市天河区示例路1号"
    exporter_a.save()
    declaration = f.DeclarationFactory(
        enterprise=exporter_a, status="released", version=2, currency="502", pack_no=4, gross_weight="42.5"
    )
    f.DeclarationLineFactory(
        declaration=declaration,
        gnum=1,
        gname="保温杯",
        item_name="不锈钢保温杯",
        qty="100",
        unit="007",
        price="32",
        total_price="3200",
        currency="502",
    )
    f.DeclarationLineFactory(
        declaration=declaration,
        gnum=2,
        gname="蓝牙耳机",
        item_name="蓝牙耳机",
        gcode="8518300000",
        gmodel="无线|入耳式|无品牌",
        qty="20.5",
        unit="035",
        qty1="20.5",
        unit1="035",
        price="12.4",
        total_price="254.2",
        currency="502",
    )
    return declaration


def _user(enterprise):
    return f.MembershipFactory(enterprise=enterprise, role=Membership.Role.ADMIN).user


@pytest.fixture
def user_a(exporter_a):
    return _user(exporter_a)


@pytest.fixture
def user_b(exporter_b):
    return _user(exporter_b)


@pytest.fixture
def broker_user(broker_c):
    return _user(broker_c)


def _web(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def client_a(user_a):
    return _web(user_a)


@pytest.fixture
def client_b(user_b):
    return _web(user_b)


@pytest.fixture
def client_broker(broker_user):
    return _web(broker_user)


def _api(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


@pytest.fixture
def api_a(user_a):
    return _api(user_a)


@pytest.fixture
def api_b(user_b):
    return _api(user_b)


@pytest.fixture
def api_broker(broker_user):
    return _api(broker_user)
