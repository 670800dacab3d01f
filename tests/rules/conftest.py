import pytest

from declarations.services.codes import code_tables_load


@pytest.fixture
def code_tables(db):
    """The shipped code tables (customs offices, countries, currencies, units, packing, HS 2022)."""
    code_tables_load()
