"""The code-table enumerations in our XSD must be exactly the codes in fixtures/codes."""

import csv
import shutil
from pathlib import Path

import pytest
from lxml import etree

from declarations.messages.xsd import generate

XS = "{http://www.w3.org/2001/XMLSchema}"
CODES_DIR = Path(__file__).resolve().parents[2] / "fixtures" / "codes"

# Written out independently of generate.CODE_TABLES so that a wrong table definition is caught too.
EXPECTED_TABLES = {
    "CurrencyCode": ("currencies.csv", "customs_numeric", lambda row: True),
    "UnitCode": ("units.csv", "code", lambda row: True),
    "CountryCode": ("countries.csv", "customs_numeric", lambda row: row["kind"] != "continent"),
    "TransportModeCode": ("transport-modes.csv", "code", lambda row: True),
    "PackingTypeCode": ("packing-types-ceb.csv", "code", lambda row: True),
}


def _csv_codes(csv_name: str, column: str, include) -> list[str]:
    with (CODES_DIR / csv_name).open(encoding="utf-8", newline="") as handle:
        return [row[column] for row in csv.DictReader(handle) if include(row)]


def _xsd_enumerations(xsd_text: str) -> dict[str, list[str]]:
    root = etree.fromstring(xsd_text.encode("utf-8"))
    return {
        simple_type.get("name"): [value.get("value") for value in simple_type.iter(f"{XS}enumeration")]
        for simple_type in root.iter(f"{XS}simpleType")
        if simple_type.get("name")
    }


def test_generated_block_is_in_sync_with_the_csvs():
    current = generate.generated_block(generate.XSD_PATH.read_text(encoding="utf-8"))
    assert current == generate.render_code_types(), (
        "ceb_export.xsd is out of sync with fixtures/codes; run `python -m declarations.messages.xsd.generate`"
    )


def test_check_mode_reports_in_sync():
    assert generate.main(["--check"]) == 0


@pytest.mark.parametrize("type_name", sorted(EXPECTED_TABLES))
def test_enumeration_equals_csv_codes(type_name):
    csv_name, column, include = EXPECTED_TABLES[type_name]
    enumerations = _xsd_enumerations(generate.XSD_PATH.read_text(encoding="utf-8"))
    assert enumerations[type_name] == _csv_codes(csv_name, column, include)


def test_every_generated_type_is_expected():
    assert {table.type_name for table in generate.CODE_TABLES} == set(EXPECTED_TABLES)


def test_country_codes_leave_out_continent_headings():
    countries = _xsd_enumerations(generate.XSD_PATH.read_text(encoding="utf-8"))["CountryCode"]
    for continent in ("100", "200", "300", "400", "500", "600"):
        assert continent not in countries
    assert {"142", "502", "303", "305", "701", "999"} <= set(countries)


def test_generated_types_are_used_by_the_schema():
    xsd_text = generate.XSD_PATH.read_text(encoding="utf-8")
    for type_name in EXPECTED_TABLES:
        assert f'type="ceb:{type_name}"' in xsd_text


def test_schema_compiles():
    etree.XMLSchema(etree.parse(str(generate.XSD_PATH)))


def test_a_changed_csv_makes_the_check_fail_and_regeneration_fixes_it(tmp_path, monkeypatch):
    codes_dir = tmp_path / "codes"
    shutil.copytree(CODES_DIR, codes_dir, ignore=shutil.ignore_patterns("hs2022*.csv"))
    (codes_dir / "currencies.csv").chmod(0o644)
    with (codes_dir / "currencies.csv").open("a", encoding="utf-8") as handle:
        handle.write("998,TST,测试元,Test Dollar,active,test,\n")
    xsd_copy = tmp_path / "ceb_export.xsd"
    shutil.copyfile(generate.XSD_PATH, xsd_copy)
    monkeypatch.setattr(generate, "CODES_DIR", codes_dir)
    monkeypatch.setattr(generate, "XSD_PATH", xsd_copy)

    assert generate.main(["--check"]) == 1
    assert generate.main([]) == 0
    assert generate.main(["--check"]) == 0
    assert "998" in _xsd_enumerations(xsd_copy.read_text(encoding="utf-8"))["CurrencyCode"]
    etree.XMLSchema(etree.parse(str(xsd_copy)))


def test_duplicate_codes_are_refused(tmp_path):
    (tmp_path / "units.csv").write_text("code,name_zh\n007,个\n007,个\n", encoding="utf-8")
    table = next(table for table in generate.CODE_TABLES if table.type_name == "UnitCode")
    with pytest.raises(ValueError, match="duplicate"):
        generate.read_codes(table, tmp_path)


def test_splice_needs_both_markers():
    with pytest.raises(ValueError):
        generate.splice("<xs:schema/>", "x")
    text = f"a{generate.BEGIN_MARKER}old{generate.END_MARKER}b"
    assert generate.splice(text, "new") == f"a{generate.BEGIN_MARKER}new{generate.END_MARKER}b"


def test_labels_cannot_break_out_of_their_comment():
    assert generate._comment("a--b-") == "<!-- a- -b -->"
