"""Validation of CEB messages against our XSD and the official one."""

import copy
import dataclasses
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from lxml import etree

from declarations.messages import schema
from declarations.messages.schema import (
    OfficialSchemaUnavailable,
    SchemaInvalid,
    SchemaProblem,
    assert_valid_ours,
    official_xsd_path,
    validate_official,
    validate_ours,
)

SAMPLES = Path(__file__).parent / "samples"
SAMPLE_FILES = sorted(SAMPLES.glob("*.xml"))
REQUIRED_SAMPLES = {
    "ceb303_9710.xml",
    "ceb303_9810.xml",
    "ceb304.xml",
    "ceb505.xml",
    "ceb506.xml",
    "ceb507.xml",
    "ceb508.xml",
    "ceb509.xml",
    "ceb510.xml",
    "ceb603_9710.xml",
    "ceb604.xml",
    "ceb605.xml",
    "ceb606.xml",
}
CEB_NS = "http://www.chinaport.gov.cn/ceb"
NS = {"ceb": CEB_NS}
HEAD = "/ceb:CEB603Message/ceb:Inventory/ceb:InventoryHead"
LINE = "/ceb:CEB603Message/ceb:Inventory/ceb:InventoryList"
ORDER_HEAD = "/ceb:CEB303Message/ceb:Order/ceb:OrderHead"


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


def _sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def _mutated(name: str, change: Callable[[etree._Element], None]) -> bytes:
    root = etree.fromstring(_sample(name))
    change(root)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _set(path: str, value: str) -> Callable[[etree._Element], None]:
    def change(root: etree._Element) -> None:
        (element,) = root.getroottree().xpath(path, namespaces=NS)
        element.text = value

    return change


def _paths(problems: list[SchemaProblem]) -> list[str]:
    return [problem.path for problem in problems]


# --- valid samples ----------------------------------------------------------------------------------------------


def test_all_required_samples_exist():
    assert REQUIRED_SAMPLES <= {path.name for path in SAMPLE_FILES}


def test_the_order_samples_cover_both_modes():
    assert b"<ceb:orderType>B</ceb:orderType>" in _sample("ceb303_9710.xml")
    assert b"<ceb:orderType>W</ceb:orderType>" in _sample("ceb303_9810.xml")
    assert b"<ceb:tradeMode>9710</ceb:tradeMode>" in _sample("ceb603_9710.xml")


@pytest.mark.parametrize("sample", SAMPLE_FILES, ids=lambda path: path.stem)
def test_sample_is_valid_against_our_xsd(sample):
    assert validate_ours(sample.read_bytes()) == []


@pytest.fixture
def official_xsd() -> Path:
    path = official_xsd_path()
    if path is None:
        if _in_ci():
            pytest.fail(
                "official XSD not found (../shared or $CEB_OFFICIAL_XSD); it is required when CI=true"
            )
        pytest.skip("../shared absent: official XSD check skipped")
    return path


@pytest.mark.parametrize("sample", SAMPLE_FILES, ids=lambda path: path.stem)
def test_sample_is_valid_against_the_official_xsd(sample, official_xsd):
    assert validate_official(sample.read_bytes()) == []


def test_ours_is_stricter_than_the_official(official_xsd):
    lowercase = _mutated("ceb603_9710.xml", _set(f"{HEAD}/ceb:guid", "cc81da60-ba08-4cc4-919d-cdb3357569ba"))
    unknown_currency = _mutated("ceb303_9710.xml", _set(f"{ORDER_HEAD}/ceb:currency", "999"))
    for xml in (lowercase, unknown_currency):
        assert validate_official(xml) == []
        assert validate_ours(xml) != []


def test_a_signature_and_extend_message_are_accepted_in_their_place():
    def sign(root: etree._Element) -> None:
        signature = etree.Element("{http://www.w3.org/2000/09/xmldsig#}Signature")
        etree.SubElement(signature, "{http://www.w3.org/2000/09/xmldsig#}SignedInfo")
        extend = etree.Element(f"{{{CEB_NS}}}ExtendMessage")
        for tag, text in (("name", "portal"), ("version", "1")):
            etree.SubElement(extend, f"{{{CEB_NS}}}{tag}").text = text
        etree.SubElement(etree.SubElement(extend, f"{{{CEB_NS}}}Message"), "anything")
        root.extend([signature, extend])

    assert validate_ours(_mutated("ceb603_9710.xml", sign)) == []


def test_a_signature_before_base_transfer_is_refused():
    def misplace(root: etree._Element) -> None:
        transfer = root.find("ceb:BaseTransfer", NS)
        transfer.addprevious(etree.Element("{http://www.w3.org/2000/09/xmldsig#}Signature"))

    problems = validate_ours(_mutated("ceb603_9710.xml", misplace))
    assert "/ceb:CEB603Message/ds:Signature" in _paths(problems)


def test_receipts_are_checked_loosely():
    lowercase = _mutated(
        "ceb304.xml",
        _set("/ceb:CEB304Message/ceb:OrderReturn/ceb:guid", "5651154e-d8be-4578-ab19-cb95c22fe652"),
    )
    assert validate_ours(lowercase) == []
    no_pre_no = _mutated("ceb604.xml", _set("/ceb:CEB604Message/ceb:InventoryReturn/ceb:preNo", ""))
    assert validate_ours(no_pre_no) == []


def test_assert_valid_ours_passes_quietly_on_a_valid_message():
    assert_valid_ours(_sample("ceb603_9710.xml"))


def test_assert_valid_ours_raises_with_the_problems():
    xml = _mutated("ceb603_9710.xml", _set(f"{LINE}[2]/ceb:gcode", "732393"))
    with pytest.raises(SchemaInvalid) as raised:
        assert_valid_ours(xml)
    assert raised.value.problems == validate_ours(xml)
    assert "gcode" in str(raised.value)


def test_problems_are_frozen():
    problem = SchemaProblem(1, "/ceb:X", "m")
    with pytest.raises(dataclasses.FrozenInstanceError):
        problem.line = 2  # type: ignore[misc]


def test_compiled_schema_is_cached():
    assert schema._our_schema() is schema._our_schema()


# --- invalid messages: each problem names the offending element -------------------------------------------------


def test_lowercase_head_guid():
    xml = _mutated("ceb603_9710.xml", _set(f"{HEAD}/ceb:guid", "cc81da60-ba08-4cc4-919d-cdb3357569ba"))
    problems = validate_ours(xml)
    assert _paths(problems) == [f"{HEAD}/ceb:guid"]
    assert problems[0].line == 5
    assert "pattern" in problems[0].message


def test_lowercase_root_guid_names_the_attribute():
    def lower(root: etree._Element) -> None:
        root.set("guid", root.get("guid").lower())

    assert _paths(validate_ours(_mutated("ceb303_9710.xml", lower))) == ["/ceb:CEB303Message/@guid"]


def test_six_character_gcode():
    xml = _mutated("ceb603_9710.xml", _set(f"{LINE}[2]/ceb:gcode", "732393"))
    problems = validate_ours(xml)
    assert _paths(problems) == [f"{LINE}[2]/ceb:gcode"]
    assert "732393" in problems[0].message


def test_six_fraction_digits():
    xml = _mutated("ceb603_9710.xml", _set(f"{LINE}[1]/ceb:price", "32.000001"))
    problems = validate_ours(xml)
    assert _paths(problems) == [f"{LINE}[1]/ceb:price"]
    assert "fractionDigits" in problems[0].message


def test_unknown_currency_code():
    xml = _mutated("ceb303_9710.xml", _set(f"{ORDER_HEAD}/ceb:currency", "999"))
    problems = validate_ours(xml)
    assert _paths(problems) == [f"{ORDER_HEAD}/ceb:currency"]
    assert "'999'" in problems[0].message


def test_long_code_lists_are_shortened_in_messages():
    xml = _mutated("ceb603_9710.xml", _set(f"{HEAD}/ceb:country", "100"))
    (problem,) = validate_ours(xml)
    assert problem.path == f"{HEAD}/ceb:country"
    assert "values)" in problem.message
    assert len(problem.message) < 400


def test_wrong_element_order():
    def swap(root: etree._Element) -> None:
        head = root.find("ceb:Inventory/ceb:InventoryHead", NS)
        ebp_code = head.find("ceb:ebpCode", NS)
        ebp_code.getnext().addnext(ebp_code)  # now ebpName, ebpCode

    problems = validate_ours(_mutated("ceb603_9710.xml", swap))
    assert problems
    assert problems[0].path == f"{HEAD}/ceb:ebpName"
    assert "not expected" in problems[0].message
    assert "ceb:ebpCode" in problems[0].message


def test_101_inventory_lines():
    def grow(root: etree._Element) -> None:
        inventory = root.find("ceb:Inventory", NS)
        template = inventory.find("ceb:InventoryList", NS)
        for line in inventory.findall("ceb:InventoryList", NS):
            inventory.remove(line)
        for number in range(1, 102):
            line = copy.deepcopy(template)
            line.find("ceb:gnum", NS).text = str(number)
            inventory.append(line)

    problems = validate_ours(_mutated("ceb603_9710.xml", grow))
    assert _paths(problems) == [f"{LINE}[101]"]
    assert "not expected" in problems[0].message


def test_100_inventory_lines_are_fine():
    def grow(root: etree._Element) -> None:
        inventory = root.find("ceb:Inventory", NS)
        template = inventory.find("ceb:InventoryList", NS)
        for number in range(3, 101):
            line = copy.deepcopy(template)
            line.find("ceb:gnum", NS).text = str(number)
            inventory.append(line)

    assert validate_ours(_mutated("ceb603_9710.xml", grow)) == []


@pytest.mark.parametrize(
    ("sample", "path", "value"),
    [
        ("ceb603_9710.xml", f"{HEAD}/ceb:appType", "4"),
        ("ceb603_9710.xml", f"{HEAD}/ceb:appStatus", "3"),
        ("ceb603_9710.xml", f"{HEAD}/ceb:appTime", "2024031512000X"),
        ("ceb603_9710.xml", f"{HEAD}/ceb:customsCode", "53A9"),
        ("ceb603_9710.xml", f"{HEAD}/ceb:portCode", "534"),
        ("ceb603_9710.xml", f"{HEAD}/ceb:ieDate", "2024-3-1"),
        ("ceb603_9710.xml", f"{HEAD}/ceb:ieFlag", "I"),
        ("ceb603_9710.xml", f"{HEAD}/ceb:statisticsFlag", "C"),
        ("ceb603_9710.xml", f"{HEAD}/ceb:tradeMode", "0110"),
        ("ceb603_9710.xml", f"{HEAD}/ceb:trafMode", "Q"),
        ("ceb603_9710.xml", f"{HEAD}/ceb:country", "USA"),
        ("ceb603_9710.xml", f"{HEAD}/ceb:fFlag", "4"),
        ("ceb603_9710.xml", f"{HEAD}/ceb:wrapType", "9"),
        ("ceb603_9710.xml", f"{HEAD}/ceb:ebcName", ""),
        ("ceb603_9710.xml", f"{HEAD}/ceb:netWeight", "-1"),
        ("ceb603_9710.xml", f"{LINE}[1]/ceb:unit1", "999"),
        ("ceb603_9710.xml", f"{LINE}[2]/ceb:qty", "12345678901234567890"),
        ("ceb603_9710.xml", f"{LINE}[2]/ceb:gnum", "0"),
        ("ceb603_9710.xml", "/ceb:CEB603Message/ceb:BaseTransfer/ceb:dxpMode", "DXQ"),
        ("ceb303_9710.xml", f"{ORDER_HEAD}/ceb:orderType", "I"),
        ("ceb303_9710.xml", f"{ORDER_HEAD}/ceb:ebpCode", "1234567890123456789"),
        ("ceb509.xml", "/ceb:CEB509Message/ceb:Departure/ceb:DepartureHead/ceb:msgCount", "0"),
        ("ceb604.xml", "/ceb:CEB604Message/ceb:InventoryReturn/ceb:returnTime", "20240316101500"),
    ],
)
def test_field_rule(sample, path, value):
    assert _paths(validate_ours(_mutated(sample, _set(path, value)))) == [path]


def test_paths_use_our_prefix_whatever_the_document_uses():
    xml = _sample("ceb603_9710.xml").replace(b"ceb:", b"c:").replace(b"xmlns:ceb=", b"xmlns:c=")
    xml = xml.replace(b"<c:gcode>7323930000<", b"<c:gcode>732393<")
    assert _paths(validate_ours(xml)) == [f"{LINE}[2]/ceb:gcode"]

    default_namespace = _sample("ceb603_9710.xml").replace(b"ceb:", b"").replace(b"xmlns:ceb=", b"xmlns=")
    default_namespace = default_namespace.replace(b"<gcode>7323930000<", b"<gcode>732393<")
    assert _paths(validate_ours(default_namespace)) == [f"{LINE}[2]/ceb:gcode"]


def test_unknown_root_element():
    problems = validate_ours(
        b'<ceb:CEB999Message xmlns:ceb="http://www.chinaport.gov.cn/ceb" guid="x" version="1"/>'
    )
    assert _paths(problems) == ["/ceb:CEB999Message"]


# --- hostile and broken input -----------------------------------------------------------------------------------


@pytest.fixture
def secret_file(tmp_path) -> Path:
    path = tmp_path / "secret.txt"
    path.write_text("TOP-SECRET-VALUE", encoding="utf-8")
    return path


def _with_doctype(doctype: str, entity_reference: str) -> bytes:
    xml = _sample("ceb303_9710.xml").decode("utf-8")
    declaration, rest = xml.split("\n", 1)
    rest = rest.replace("<ceb:note>9710 B2B 直接出口</ceb:note>", f"<ceb:note>{entity_reference}</ceb:note>")
    return f"{declaration}\n{doctype}\n{rest}".encode()


@pytest.mark.parametrize(
    ("kind", "doctype", "reference"),
    [
        ("xxe", '<!DOCTYPE ceb:CEB303Message [<!ENTITY xxe SYSTEM "file://{secret}">]>', "&xxe;"),
        (
            "billion-laughs",
            '<!DOCTYPE ceb:CEB303Message [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
            '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>',
            "&d;",
        ),
        ("external-dtd", '<!DOCTYPE ceb:CEB303Message SYSTEM "http://127.0.0.1:9/evil.dtd">', "x"),
        (
            "parameter-entity",
            '<!DOCTYPE ceb:CEB303Message [<!ENTITY % p SYSTEM "file://{secret}"> %p;]>',
            "&undefined;",
        ),
    ],
)
def test_doctype_is_refused(kind, doctype, reference, secret_file):
    xml = _with_doctype(doctype.replace("{secret}", str(secret_file)), reference)
    problems = validate_ours(xml)
    assert problems == [SchemaProblem(2, "", "DOCTYPE is not allowed")]
    assert "TOP-SECRET" not in repr(problems)


def test_doctype_is_refused_by_the_official_check_too(official_xsd):
    xml = _with_doctype("<!DOCTYPE ceb:CEB303Message>", "x")
    assert [problem.message for problem in validate_official(xml)] == ["DOCTYPE is not allowed"]


@pytest.mark.parametrize(
    ("xml", "line"),
    [
        (b"\x00\xff\xfe garbage \x01\x02", 1),
        (b"", 1),
        (b"this is not XML", 1),
        (b'<?xml version="1.0"?>\n<a>\n  <b>\n</a>\n', 4),
    ],
    ids=["binary", "empty", "text", "unclosed-tag"],
)
def test_unparseable_bytes_give_one_problem(xml, line):
    problems = validate_ours(xml)
    assert len(problems) == 1
    assert problems[0].line == line
    assert problems[0].path == ""
    assert problems[0].message.startswith("not well-formed XML")


def test_text_instead_of_bytes_is_a_programming_error():
    with pytest.raises(TypeError):
        validate_ours(_sample("ceb303_9710.xml").decode("utf-8"))  # type: ignore[arg-type]


# --- locating the official XSD ----------------------------------------------------------------------------------


def test_official_xsd_path_honours_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("CEB_OFFICIAL_XSD", str(tmp_path / "missing.xsd"))
    assert official_xsd_path() is None
    with pytest.raises(OfficialSchemaUnavailable):
        validate_official(_sample("ceb303_9710.xml"))

    present = tmp_path / "present.xsd"
    present.write_text("<x/>", encoding="utf-8")
    monkeypatch.setenv("CEB_OFFICIAL_XSD", str(present))
    assert official_xsd_path() == present


def test_official_xsd_default_location(monkeypatch):
    monkeypatch.delenv("CEB_OFFICIAL_XSD", raising=False)
    path = official_xsd_path()
    assert path is None or path == schema.DEFAULT_OFFICIAL_XSD_PATH
    assert schema.DEFAULT_OFFICIAL_XSD_PATH.parts[-5:] == (
        "shared",
        "spec",
        "official",
        "xsd",
        "ceb-export-202205.xsd",
    )
