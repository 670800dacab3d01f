import pytest
from django.test import Client
from django.utils import translation

from declarations.models import Membership
from declarations.services.codes import code_tables_load
from tests import factories as f

PASSWORD = "pw-Secret-123"


@pytest.fixture(autouse=True)
def default_language():
    """A request to /en/ leaves English active in the thread; reverse() would then build /en/ URLs."""
    translation.activate("zh-hans")
    yield
    translation.deactivate()


@pytest.fixture
def codes(db):
    code_tables_load()


@pytest.fixture
def user_a(exporter_a):
    return f.MembershipFactory(enterprise=exporter_a, role=Membership.Role.ADMIN).user


@pytest.fixture
def user_b(exporter_b):
    return f.MembershipFactory(enterprise=exporter_b, role=Membership.Role.ADMIN).user


@pytest.fixture
def broker_user(broker_c):
    return f.MembershipFactory(enterprise=broker_c, role=Membership.Role.ADMIN).user


@pytest.fixture
def client_a(client, user_a):
    client.force_login(user_a)
    return client


@pytest.fixture
def client_b(user_b):
    """Its own client: a test may use client_a and client_b side by side."""
    client = Client()
    client.force_login(user_b)
    return client


@pytest.fixture
def client_broker(broker_user):
    client = Client()
    client.force_login(broker_user)
    return client


@pytest.fixture
def clean_declaration(codes, exporter_a):
    """A 9710 list declaration without findings: approved registration, a rate, one line."""
    f.RegistrationFactory(enterprise=exporter_a)
    f.ExchangeRateFactory()
    declaration = f.DeclarationFactory(enterprise=exporter_a)
    f.DeclarationLineFactory(declaration=declaration, gnum=1)
    return declaration
