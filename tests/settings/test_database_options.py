"""DB_PREPARE_THRESHOLD: PostgreSQL connections bind parameters on the server and prepare a statement after this
many runs; "off" keeps Django's client-side binding (PgBouncer in transaction pooling); nonsense is refused."""

import pytest

from exporter_portal.settings import postgres_statement_options


@pytest.mark.parametrize("value, threshold", [("5", 5), (" 1 ", 1), ("20", 20)])
def test_a_threshold_turns_on_server_side_binding_and_prepared_statements(value, threshold):
    assert postgres_statement_options(value) == {"server_side_binding": True, "prepare_threshold": threshold}


@pytest.mark.parametrize("value", ["off", "OFF", "false", "no", "0", ""])
def test_off_keeps_client_side_binding(value):
    assert postgres_statement_options(value) == {}


@pytest.mark.parametrize("value", ["-1", "five", "1.5"])
def test_anything_else_is_refused(value):
    with pytest.raises(ValueError):
        postgres_statement_options(value)
