import pytest

from tests import factories as f


@pytest.fixture
def office(db):
    return f.CustomsOfficeFactory()


@pytest.fixture
def exporter_a(db):
    return f.EnterpriseFactory(name="甲出口贸易有限公司")


@pytest.fixture
def exporter_b(db):
    return f.EnterpriseFactory(name="乙出口贸易有限公司")


@pytest.fixture
def broker_c(db, exporter_a):
    broker = f.EnterpriseFactory(name="丙报关行", is_exporter=False, is_broker=True)
    f.DelegationFactory(broker=broker, exporter=exporter_a)
    return broker


@pytest.fixture(autouse=True)
def fresh_code_labels():
    # Code names are cached per process; a test's code tables (rolled back after it) must not leak into the next.
    from declarations.code_labels import clear_cache

    clear_cache()
    yield
    clear_cache()
