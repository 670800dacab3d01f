"""check_message: our XSD, then the rules judgeable from one message; one line per problem; exit 1 on any."""

from pathlib import Path

import pytest
from django.core.management import call_command

from declarations.messages.ceb603 import render_inventory
from declarations.services.codes import code_tables_load
from tests import factories as f

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).parent / "samples"


@pytest.fixture
def codes():
    code_tables_load()


def _run(*files):
    import io

    out = io.StringIO()
    try:
        call_command("check_message", *[str(p) for p in files], stdout=out)
    except SystemExit as exc:
        return exc.code, out.getvalue()
    return 0, out.getvalue()


def _inventory(tmp_path, **line_overrides) -> Path:
    line = f.DeclarationLineFactory(**line_overrides)
    rendered = render_inventory(line.declaration, [line])
    path = tmp_path / "ceb603.xml"
    path.write_bytes(rendered.content)
    return path


def test_valid_rendered_inventory_passes(codes, tmp_path):
    code, out = _run(_inventory(tmp_path))
    assert code == 0
    assert out.strip().endswith(": OK")


def test_total_price_mismatch_names_the_line_element(codes, tmp_path):
    path = _inventory(tmp_path, total_price="3300")
    code, out = _run(path)
    assert code == 1
    assert (
        "/ceb:CEB603Message/ceb:Inventory[1]/ceb:InventoryList[1]/ceb:totalPrice: TOTAL_PRICE_MISMATCH" in out
    )


def test_schema_problem_is_reported_with_its_path(codes, tmp_path):
    path = _inventory(tmp_path)
    path.write_bytes(
        path.read_bytes().replace(b"<ceb:currency>142</ceb:currency>", b"<ceb:currency>999</ceb:currency>", 1)
    )
    code, out = _run(path)
    assert code == 1
    assert "ceb:InventoryList/ceb:currency: XSD:" in out


def test_unreadable_and_not_xml_files_fail(codes, tmp_path):
    garbage = tmp_path / "garbage.xml"
    garbage.write_bytes(b"\x00\x01 not xml")
    code, out = _run(garbage, tmp_path / "missing.xml")
    assert code == 1
    assert "garbage.xml: " in out
    assert "missing.xml: /: IO:" in out


def test_external_entity_is_not_expanded(codes, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE")
    xxe = tmp_path / "xxe.xml"
    xxe.write_bytes(
        f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file://{secret}">]>'
        '<ceb:CEB603Message xmlns:ceb="http://www.chinaport.gov.cn/ceb" guid="x" version="1.0">&x;'
        "</ceb:CEB603Message>".encode()
    )
    code, out = _run(xxe)
    assert code == 1
    assert "TOP-SECRET-VALUE" not in out
    assert "DOCTYPE" in out


def test_official_shaped_samples_of_our_own_pass(codes):
    code, out = _run(SAMPLES / "ceb303_9710.xml", SAMPLES / "ceb505.xml", SAMPLES / "ceb604.xml")
    assert code == 0, out
