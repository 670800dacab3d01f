import pytest

from declarations.selectors_classify import classification_caches_clear
from declarations.services.codes import code_tables_load
from declarations.services.tariff import tariff_load_sample


@pytest.fixture
def sample_tariff(db):
    code_tables_load()
    tariff_load_sample()
    classification_caches_clear()
    yield
    classification_caches_clear()
