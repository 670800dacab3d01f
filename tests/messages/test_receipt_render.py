"""Receipt rendering (for the customs simulator): valid against the XSD and round-trips through the parser."""

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from lxml import etree

from declarations.messages.receipt_render import render_receipt
from declarations.messages.receipts import CEB_NS, RECEIPT_TYPES, parse_receipt

SHANGHAI = ZoneInfo("Asia/Shanghai")
XSD_CANDIDATES = [
    Path(__file__).resolve().parents[2] / "declarations" / "messages" / "xsd" / "ceb-export-202205.xsd",
    Path("/work/shared/spec/official/xsd/ceb-export-202205.xsd"),
]

KEYS = {
    "CEB304": {"ebpCode": "无", "ebcCode": "91440300MA5F000181", "orderNo": "B2B-20240315-0001"},
    "CEB506": {"logisticsCode": "4403980ABC", "logisticsNo": "SF1234567890"},
    "CEB508": {
        "operatorCode": "4403980XYZ",
        "logisticsCode": "4403980ABC",
        "preNo": "A20240316000000001",
        "copNo": "ARR20240316001",
        "billNo": "BL20240316001",
        "msgSeqNo": "1",
    },
    "CEB510": {
        "logisticsCode": "4403980ABC",
        "copNo": "DEP20240316001",
        "preNo": "D20240316000000001",
        "msgSeqNo": 1,
    },
    "CEB604": {
        "agentCode": "91440300MA5F000181",
        "copNo": "INV20240315001",
        "preNo": "B20240315000000001",
        "invtNo": "53492024E000000001",
        "ebcCode": "91440300MA5F000181",
        "ebpCode": "无",
        "orderNo": "B2B-20240315-0001",
        "statisticsFlag": "A",
    },
    "CEB606": {
        "agentCode": "91440300MA5F000181",
        "copNo": "CAN20240317001",
        "preNo": "B20240317000000002",
        "invtNo": "53492024E000000001",
    },
    "CEB608": {
        "agentCode": "91440300MA5F000181",
        "logisticsCode": "4403980ABC",
        "copNo": "WB20240316001",
        "preNo": "W20240316000000001",
        "billNo": "BL20240316001",
        "msgSeqNo": "1",
    },
}
TAIL = {"returnStatus": "800", "returnTime": "20240316101500123", "returnInfo": "放行"}


@pytest.fixture(scope="module")
def schema():
    path = next((p for p in XSD_CANDIDATES if p.is_file()), None)
    if path is None:
        pytest.skip("official XSD not available")
    return etree.XMLSchema(etree.parse(str(path)))


def test_every_supported_type_has_a_case():
    assert set(KEYS) == set(RECEIPT_TYPES)


@pytest.mark.parametrize("message_type", sorted(KEYS))
def test_round_trip_and_xsd_valid(message_type, schema):
    keys = KEYS[message_type]
    data = render_receipt(message_type, [{**keys, **TAIL, "guid": "4CDE1CFD-EDED-46B1-946C-B8022E42FC94"}])

    document = etree.fromstring(data)
    schema.assertValid(document)

    [entry] = parse_receipt(data)
    assert entry.message_type == message_type
    assert entry.guid == "4CDE1CFD-EDED-46B1-946C-B8022E42FC94"
    assert entry.keys == {name: str(value) for name, value in keys.items()}
    assert entry.return_status == "800"
    assert entry.return_info == "放行"
    assert entry.return_time == datetime(2024, 3, 16, 10, 15, 0, 123000, tzinfo=SHANGHAI)


@pytest.mark.parametrize("message_type", sorted(KEYS))
def test_fields_in_xsd_order(message_type):
    spec = RECEIPT_TYPES[message_type]
    # Keys given in reverse order must still come out in XSD order.
    entry = dict(reversed(list({**KEYS[message_type], **TAIL}.items())))
    document = etree.fromstring(render_receipt(message_type, [entry]))
    [node] = document
    assert [etree.QName(child).localname for child in node] == [
        "guid",
        *spec.key_fields,
        "returnStatus",
        "returnTime",
        "returnInfo",
    ]


def test_envelope_prefix_guid_and_version():
    data = render_receipt(
        "CEB304Message", [{**KEYS["CEB304"], **TAIL}], guid="5a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c40"
    )
    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<ceb:CEB304Message ')
    document = etree.fromstring(data)
    assert document.tag == f"{{{CEB_NS}}}CEB304Message"
    assert document.prefix == "ceb"
    assert document.get("guid") == "5A1B2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C40"
    assert document.get("version") == "1.0"
    [node] = document
    generated_guid = node.findtext(f"{{{CEB_NS}}}guid")
    assert len(generated_guid) == 36 and generated_guid == generated_guid.upper()


def test_root_guid_is_generated_uppercase():
    document = etree.fromstring(render_receipt("CEB506", [{**KEYS["CEB506"], **TAIL}]))
    guid = document.get("guid")
    assert len(guid) == 36 and guid == guid.upper()


def test_datetime_return_time_is_formatted_in_china_time():
    when = datetime(2024, 3, 16, 2, 15, 0, 123456, tzinfo=ZoneInfo("UTC"))
    data = render_receipt("CEB506", [{**KEYS["CEB506"], **TAIL, "returnTime": when}])
    assert b"<ceb:returnTime>20240316101500123</ceb:returnTime>" in data
    [entry] = parse_receipt(data)
    assert entry.return_time == datetime(2024, 3, 16, 10, 15, 0, 123000, tzinfo=SHANGHAI)


def test_early_receipt_renders_empty_pre_no_and_invt_no():
    keys = {k: v for k, v in KEYS["CEB604"].items() if k not in {"preNo", "invtNo"}}
    data = render_receipt("CEB604", [{**keys, "returnStatus": "2", "returnTime": "20240315120001000"}])
    [entry] = parse_receipt(data)
    assert entry.keys["preNo"] == "" and entry.keys["invtNo"] == ""
    assert entry.return_status == "2"
    assert entry.return_info == ""


def test_negative_status_round_trips(schema):
    data = render_receipt("CEB604", [{**KEYS["CEB604"], **TAIL, "returnStatus": "-301010"}])
    schema.assertValid(etree.fromstring(data))
    assert parse_receipt(data)[0].return_status == "-301010"


def test_several_entries():
    entries = [{**KEYS["CEB304"], **TAIL, "orderNo": f"B2B-{n}"} for n in range(3)]
    parsed = parse_receipt(render_receipt("CEB304", entries))
    assert [e.keys["orderNo"] for e in parsed] == ["B2B-0", "B2B-1", "B2B-2"]


def test_text_is_escaped():
    data = render_receipt("CEB304", [{**KEYS["CEB304"], **TAIL, "returnInfo": "<&> 退单"}])
    assert parse_receipt(data)[0].return_info == "<&> 退单"


def test_invalid_input_is_refused():
    with pytest.raises(ValueError, match="unsupported"):
        render_receipt("CEB303", [{**KEYS["CEB304"], **TAIL}])
    with pytest.raises(ValueError, match="orderNo"):
        render_receipt("CEB304", [{"ebpCode": "无", "ebcCode": "X", **TAIL}])
    with pytest.raises(ValueError, match="orderNumber"):
        render_receipt("CEB304", [{**KEYS["CEB304"], **TAIL, "orderNumber": "typo"}])
    with pytest.raises(ValueError, match="1 to 100"):
        render_receipt("CEB304", [])
    with pytest.raises(ValueError, match="1 to 100"):
        render_receipt("CEB304", [{**KEYS["CEB304"], **TAIL}] * 101)
