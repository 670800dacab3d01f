"""Receipt parsing: every supported receipt type, lenient early receipts, and hostile input."""

import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from declarations.messages import receipts
from declarations.messages.receipts import (
    ReasonCode,
    ReceiptEntry,
    ReceiptRejected,
    correlation_key_fields,
    correlation_keys,
    parse_receipt,
    parse_receipt_file,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
CEB = "http://www.chinaport.gov.cn/ceb"
SAMPLES_DIR = Path("/work/shared/spec/official/samples-export")


def receipt_xml(root: str, entry: str, body: str, *, namespace: str = CEB, prolog: str = "") -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"{prolog}"
        f'<ceb:{root} guid="5A1B2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C40" version="1.0" xmlns:ceb="{namespace}">\n'
        f"  <ceb:{entry}>{body}</ceb:{entry}>\n"
        f"</ceb:{root}>\n"
    ).encode()


def fields(**values: str) -> str:
    return "".join(f"<ceb:{name}>{value}</ceb:{name}>" for name, value in values.items())


def tail(status: str = "120", when: str = "20240315103512345", info: str = "海关入库") -> str:
    return fields(returnStatus=status, returnTime=when, returnInfo=info)


ORDER_KEYS = {"ebpCode": "无", "ebcCode": "91440300MA5F000181", "orderNo": "B2B-20240315-0001"}
LOGISTICS_KEYS = {"logisticsCode": "4403980ABC", "logisticsNo": "SF1234567890"}
ARRIVAL_KEYS = {
    "operatorCode": "4403980XYZ",
    "logisticsCode": "4403980ABC",
    "preNo": "A20240316000000001",
    "copNo": "ARR20240316001",
    "billNo": "BL20240316001",
    "msgSeqNo": "1",
}
DEPARTURE_KEYS = {
    "logisticsCode": "4403980ABC",
    "copNo": "DEP20240316001",
    "preNo": "D20240316000000001",
    "msgSeqNo": "1",
}
INVENTORY_KEYS = {
    "agentCode": "91440300MA5F000181",
    "copNo": "INV20240315001",
    "preNo": "B20240315000000001",
    "invtNo": "53492024E000000001",
    "ebcCode": "91440300MA5F000181",
    "ebpCode": "无",
    "orderNo": "B2B-20240315-0001",
    "statisticsFlag": "A",
}
CANCEL_KEYS = {
    "agentCode": "91440300MA5F000181",
    "copNo": "CAN20240317001",
    "preNo": "B20240317000000002",
    "invtNo": "53492024E000000001",
}
WAYBILL_KEYS = {
    "agentCode": "91440300MA5F000181",
    "logisticsCode": "4403980ABC",
    "copNo": "WB20240316001",
    "preNo": "W20240316000000001",
    "billNo": "BL20240316001",
    "msgSeqNo": "1",
}

CASES = [
    ("CEB304", "OrderReturn", ORDER_KEYS, [("91440300MA5F000181", "B2B-20240315-0001")]),
    ("CEB506", "LogisticsReturn", LOGISTICS_KEYS, [("4403980ABC", "SF1234567890")]),
    ("CEB508", "ArrivalReturn", ARRIVAL_KEYS, [("4403980XYZ", "ARR20240316001"), ("A20240316000000001",)]),
    (
        "CEB510",
        "DepartureReturn",
        DEPARTURE_KEYS,
        [("4403980ABC", "DEP20240316001"), ("D20240316000000001",)],
    ),
    (
        "CEB604",
        "InventoryReturn",
        INVENTORY_KEYS,
        [("91440300MA5F000181", "INV20240315001"), ("B20240315000000001",), ("53492024E000000001",)],
    ),
    (
        "CEB606",
        "InvtCancelReturn",
        CANCEL_KEYS,
        [("91440300MA5F000181", "CAN20240317001"), ("B20240317000000002",), ("53492024E000000001",)],
    ),
    (
        "CEB608",
        "WayBillReturn",
        WAYBILL_KEYS,
        [("91440300MA5F000181", "WB20240316001"), ("W20240316000000001",)],
    ),
]

ENTRY_GUID = "0A1B2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C4E"


def build(message_type: str, entry: str, keys: dict, **tail_values: str) -> bytes:
    return receipt_xml(f"{message_type}Message", entry, fields(guid=ENTRY_GUID, **keys) + tail(**tail_values))


def rejected(data: bytes, **kwargs) -> ReceiptRejected:
    with pytest.raises(ReceiptRejected) as info:
        parse_receipt(data, **kwargs)
    return info.value


@pytest.mark.parametrize(("message_type", "entry", "keys", "correlation"), CASES)
def test_each_receipt_type_parses_keys_status_and_time(message_type, entry, keys, correlation):
    [parsed] = parse_receipt(build(message_type, entry, keys, status="399", info="海关审结"))

    assert parsed.message_type == message_type
    assert parsed.guid == ENTRY_GUID
    assert parsed.message_guid == "5A1B2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C40"
    assert parsed.keys == keys
    assert list(parsed.keys) == list(keys)  # XSD order
    assert parsed.return_status == "399"
    assert parsed.return_info == "海关审结"
    assert parsed.return_time == datetime(2024, 3, 15, 10, 35, 12, 345000, tzinfo=SHANGHAI)
    assert parsed.return_time.utcoffset() == timedelta(hours=8)
    assert correlation_keys(parsed) == correlation
    assert parsed.correlation_keys() == correlation


def test_correlation_key_fields_name_each_position():
    [parsed] = parse_receipt(build("CEB604", "InventoryReturn", INVENTORY_KEYS))
    assert correlation_key_fields(parsed) == [("agentCode", "copNo"), ("preNo",), ("invtNo",)]
    [order] = parse_receipt(build("CEB304", "OrderReturn", ORDER_KEYS))
    assert order.correlation_key_fields() == [("ebcCode", "orderNo")]


def test_correlation_never_uses_guid():
    for message_type, entry, keys, _correlation in CASES:
        [parsed] = parse_receipt(build(message_type, entry, keys))
        assert all(ENTRY_GUID not in key for key in correlation_keys(parsed))


def test_negative_status_is_kept_as_text():
    [parsed] = parse_receipt(
        build("CEB604", "InventoryReturn", INVENTORY_KEYS, status="-301010", info="订单不存在")
    )
    assert parsed.return_status == "-301010"
    assert parsed.return_info == "订单不存在"


def test_early_inventory_receipt_with_empty_pre_no_and_invt_no():
    keys = {**INVENTORY_KEYS, "preNo": "", "invtNo": ""}
    [parsed] = parse_receipt(build("CEB604", "InventoryReturn", keys, status="2", info="新增申报成功"))
    assert parsed.keys["preNo"] == ""
    assert parsed.keys["invtNo"] == ""
    assert parsed.return_status == "2"
    # Empty keys are no correlation candidates.
    assert correlation_keys(parsed) == [("91440300MA5F000181", "INV20240315001")]


def test_early_cancel_receipt_without_pre_no_and_invt_no_elements():
    keys = {"agentCode": "91440300MA5F000181", "copNo": "CAN20240317001"}
    [parsed] = parse_receipt(build("CEB606", "InvtCancelReturn", keys, status="1"))
    assert parsed.keys == {**keys, "preNo": "", "invtNo": ""}


def test_empty_pre_no_rendered_self_closing_is_empty():
    body = fields(guid=ENTRY_GUID, **{**DEPARTURE_KEYS, "preNo": "X"}).replace(
        "<ceb:preNo>X</ceb:preNo>", "<ceb:preNo/>"
    )
    [parsed] = parse_receipt(receipt_xml("CEB510Message", "DepartureReturn", body + tail()))
    assert parsed.keys["preNo"] == ""


def test_several_entries_in_one_message():
    body = fields(guid=ENTRY_GUID, **ORDER_KEYS) + tail(status="2")
    second = fields(guid=ENTRY_GUID, **{**ORDER_KEYS, "orderNo": "B2B-2"}) + tail(status="120")
    data = receipt_xml("CEB304Message", "OrderReturn", body).replace(
        b"</ceb:CEB304Message>", f"<ceb:OrderReturn>{second}</ceb:OrderReturn></ceb:CEB304Message>".encode()
    )
    entries = parse_receipt(data)
    assert [(e.keys["orderNo"], e.return_status) for e in entries] == [
        ("B2B-20240315-0001", "2"),
        ("B2B-2", "120"),
    ]


def test_values_are_stripped_and_bom_accepted():
    body = fields(guid=f" {ENTRY_GUID}\n", **{**LOGISTICS_KEYS, "logisticsNo": "\n  SF1234567890  "}) + tail()
    data = b"\xef\xbb\xbf" + receipt_xml("CEB506Message", "LogisticsReturn", body)
    [parsed] = parse_receipt(data)
    assert parsed.guid == ENTRY_GUID
    assert parsed.keys["logisticsNo"] == "SF1234567890"


def test_entries_are_hashable_for_deduplication():
    data = build("CEB506", "LogisticsReturn", LOGISTICS_KEYS)
    assert len({*parse_receipt(data), *parse_receipt(data)}) == 1
    assert isinstance(parse_receipt(data)[0], ReceiptEntry)


@pytest.mark.skipif(not SAMPLES_DIR.is_dir(), reason="official samples not available")
@pytest.mark.parametrize(
    "message_type", ["CEB304", "CEB506", "CEB508", "CEB510", "CEB604", "CEB606", "CEB608"]
)
def test_official_samples_parse(message_type):
    entries = parse_receipt((SAMPLES_DIR / f"{message_type}Message.xml").read_bytes())
    assert entries
    assert all(e.message_type == message_type and e.return_status for e in entries)


# --- hostile input -------------------------------------------------------------------------------------


@pytest.fixture
def secret_file(tmp_path):
    path = tmp_path / "secret.txt"
    path.write_text("TOP-SECRET-7f3a9c", encoding="utf-8")
    return path


def assert_secret_absent(exc: ReceiptRejected, secret: str):
    chain = exc
    while chain is not None:
        assert secret not in str(chain)
        assert secret not in repr(chain)
        chain = chain.__cause__ or chain.__context__
    assert secret not in exc.message


def xxe_document(secret_file: Path) -> str:
    body = fields(guid=ENTRY_GUID, ebpCode="无", ebcCode="91440300MA5F000181", orderNo="&xxe;") + tail()
    return (
        f'<!DOCTYPE ceb:CEB304Message [<!ENTITY xxe SYSTEM "{secret_file.as_uri()}">]>\n'
        f'<ceb:CEB304Message guid="5A1B2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C40" version="1.0" xmlns:ceb="{CEB}">'
        f"<ceb:OrderReturn>{body}</ceb:OrderReturn></ceb:CEB304Message>"
    )


def test_xxe_external_entity_is_rejected_without_reading_the_file(secret_file):
    data = ('<?xml version="1.0" encoding="UTF-8"?>\n' + xxe_document(secret_file)).encode()
    exc = rejected(data)
    assert exc.reason_code == ReasonCode.DTD_FORBIDDEN
    assert_secret_absent(exc, "TOP-SECRET-7f3a9c")


def test_xxe_in_utf16_is_rejected(secret_file):
    data = ('<?xml version="1.0" encoding="UTF-16"?>\n' + xxe_document(secret_file)).encode("utf-16")
    assert b"<!DOCTYPE" not in data
    exc = rejected(data)
    assert exc.reason_code == ReasonCode.DTD_FORBIDDEN
    assert_secret_absent(exc, "TOP-SECRET-7f3a9c")


def test_xxe_past_the_byte_check_is_caught_after_parsing(secret_file, monkeypatch):
    # Defence in depth: an encoding the byte check does not know must still meet the DOCTYPE check.
    monkeypatch.setattr(receipts, "_DTD_BYTES", [])
    data = ('<?xml version="1.0" encoding="UTF-8"?>\n' + xxe_document(secret_file)).encode()
    exc = rejected(data)
    assert exc.reason_code == ReasonCode.DTD_FORBIDDEN
    assert_secret_absent(exc, "TOP-SECRET-7f3a9c")


def test_parser_itself_never_expands_entities(secret_file):
    # Defence in depth: even if the checks were bypassed, the configured parser must not expand anything.
    from lxml import etree

    root = etree.fromstring(xxe_document(secret_file).encode(), receipts._new_parser())
    assert b"TOP-SECRET" not in etree.tostring(root)


BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n<!ENTITY lol "lol">\n'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">\n'
        for i in range(1, 10)
    )
    + f']>\n<ceb:CEB304Message guid="x" version="1.0" xmlns:ceb="{CEB}"><ceb:OrderReturn>'
    + "<ceb:returnInfo>&lol9;</ceb:returnInfo></ceb:OrderReturn></ceb:CEB304Message>"
)


def test_billion_laughs_is_rejected_without_expansion():
    started = time.monotonic()
    exc = rejected(BILLION_LAUGHS.encode())
    assert exc.reason_code == ReasonCode.DTD_FORBIDDEN
    assert time.monotonic() - started < 1


def test_billion_laughs_in_utf16_is_rejected_without_expansion():
    data = BILLION_LAUGHS.replace('<?xml version="1.0"?>', '<?xml version="1.0" encoding="UTF-16"?>').encode(
        "utf-16"
    )
    started = time.monotonic()
    exc = rejected(data)
    assert exc.reason_code == ReasonCode.DTD_FORBIDDEN
    assert "lollol" not in str(exc)
    assert time.monotonic() - started < 1


def test_entity_declaration_without_doctype_keyword_is_rejected():
    data = build("CEB304", "OrderReturn", ORDER_KEYS).replace(
        b"<ceb:OrderReturn>", b'<!ENTITY a "b"><ceb:OrderReturn>'
    )
    assert rejected(data).reason_code == ReasonCode.DTD_FORBIDDEN


def test_50_mb_receipt_is_rejected_before_parsing(monkeypatch):
    def no_parsing():
        raise AssertionError("the parser must not be built for an oversized receipt")

    monkeypatch.setattr(receipts, "_new_parser", no_parsing)
    head = build("CEB304", "OrderReturn", ORDER_KEYS)
    data = head + b"<!--" + b"x" * (50 * 1024 * 1024) + b"-->"
    started = time.monotonic()
    exc = rejected(data)
    assert exc.reason_code == ReasonCode.TOO_LARGE
    assert time.monotonic() - started < 1


def test_size_limit_comes_from_settings_and_can_be_overridden(settings):
    data = build("CEB304", "OrderReturn", ORDER_KEYS)
    settings.RECEIPT_MAX_BYTES = len(data) - 1
    assert rejected(data).reason_code == ReasonCode.TOO_LARGE
    assert parse_receipt(data, max_bytes=len(data))
    assert rejected(data, max_bytes=10).reason_code == ReasonCode.TOO_LARGE


def test_oversized_file_is_not_read_whole(tmp_path, monkeypatch):
    path = tmp_path / "huge.xml"
    with open(path, "wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # sparse: cheap to create
    monkeypatch.setattr(receipts, "_new_parser", lambda: pytest.fail("parser built"))
    with pytest.raises(ReceiptRejected) as info:
        parse_receipt_file(path)
    assert info.value.reason_code == ReasonCode.TOO_LARGE


def test_parse_receipt_file_reads_a_normal_receipt(tmp_path):
    path = tmp_path / "CEB506.xml"
    path.write_bytes(build("CEB506", "LogisticsReturn", LOGISTICS_KEYS))
    [entry] = parse_receipt_file(path)
    assert entry.keys == LOGISTICS_KEYS


@pytest.mark.parametrize(
    "data",
    [b"", b"not xml at all", b"\x89PNG\r\n\x1a\n\x00\x00", b"<ceb:CEB304Message", b'{"returnStatus": "800"}'],
)
def test_not_xml_is_rejected(data):
    assert rejected(data).reason_code == ReasonCode.NOT_XML


def test_wrong_namespace_is_rejected():
    data = receipt_xml(
        "CEB304Message",
        "OrderReturn",
        fields(guid=ENTRY_GUID, **ORDER_KEYS) + tail(),
        namespace="http://example.com/ceb",
    )
    exc = rejected(data)
    assert exc.reason_code == ReasonCode.WRONG_NAMESPACE
    assert "CEB304Message" in exc.message


def test_no_namespace_is_rejected():
    data = b'<CEB304Message guid="x" version="1.0"><OrderReturn/></CEB304Message>'
    assert rejected(data).reason_code == ReasonCode.WRONG_NAMESPACE


@pytest.mark.parametrize("root", ["CEB303Message", "CEB999Message", "DxpMsg"])
def test_unknown_root_is_rejected(root):
    exc = rejected(receipt_xml(root, "OrderReturn", fields(guid=ENTRY_GUID, **ORDER_KEYS) + tail()))
    assert exc.reason_code == ReasonCode.UNKNOWN_ROOT
    assert root in exc.message


def test_foreign_return_node_is_rejected():
    data = receipt_xml("CEB304Message", "InventoryReturn", fields(guid=ENTRY_GUID, **INVENTORY_KEYS) + tail())
    exc = rejected(data)
    assert exc.reason_code == ReasonCode.UNEXPECTED_ELEMENT
    assert "InventoryReturn" in exc.message


def test_message_without_entries_is_rejected():
    data = f'<ceb:CEB604Message guid="x" version="1.0" xmlns:ceb="{CEB}"/>'.encode()
    exc = rejected(data)
    assert exc.reason_code == ReasonCode.MISSING_FIELD
    assert "InventoryReturn" in exc.message


@pytest.mark.parametrize(
    ("message_type", "entry", "keys", "missing"),
    [
        ("CEB304", "OrderReturn", ORDER_KEYS, "orderNo"),
        ("CEB304", "OrderReturn", ORDER_KEYS, "ebpCode"),
        ("CEB506", "LogisticsReturn", LOGISTICS_KEYS, "logisticsNo"),
        ("CEB508", "ArrivalReturn", ARRIVAL_KEYS, "copNo"),
        ("CEB510", "DepartureReturn", DEPARTURE_KEYS, "logisticsCode"),
        ("CEB604", "InventoryReturn", INVENTORY_KEYS, "agentCode"),
        ("CEB606", "InvtCancelReturn", CANCEL_KEYS, "copNo"),
    ],
)
def test_missing_key_element_is_rejected(message_type, entry, keys, missing):
    data = build(message_type, entry, {k: v for k, v in keys.items() if k != missing})
    exc = rejected(data)
    assert exc.reason_code == ReasonCode.MISSING_FIELD
    assert missing in exc.message


def test_missing_guid_status_or_time_is_rejected():
    for name in ("guid", "returnStatus", "returnTime"):
        body = fields(guid=ENTRY_GUID, **ORDER_KEYS) + tail()
        body = body.split(f"<ceb:{name}>")[0] + body.split(f"</ceb:{name}>")[1]
        exc = rejected(receipt_xml("CEB304Message", "OrderReturn", body))
        assert exc.reason_code == ReasonCode.MISSING_FIELD
        assert name in exc.message


@pytest.mark.parametrize("name", ["agentCode", "copNo"])
def test_empty_primary_key_is_rejected(name):
    exc = rejected(build("CEB604", "InventoryReturn", {**INVENTORY_KEYS, name: "  "}))
    assert exc.reason_code == ReasonCode.MISSING_FIELD
    assert name in exc.message


def test_missing_return_info_is_tolerated():
    body = fields(guid=ENTRY_GUID, **ORDER_KEYS) + fields(returnStatus="120", returnTime="20240315103512345")
    [parsed] = parse_receipt(receipt_xml("CEB304Message", "OrderReturn", body))
    assert parsed.return_info == ""


@pytest.mark.parametrize(
    "when",
    [
        "2024031510351234",
        "202403151035123456",
        "20241315103512345",
        "2024-03-15T10:35",
        "",
        "２０２４０３１５１０３５１２３４５",
    ],
)
def test_malformed_return_time_is_rejected(when):
    exc = rejected(build("CEB304", "OrderReturn", ORDER_KEYS, when=when))
    assert exc.reason_code == ReasonCode.BAD_TIME
    assert "returnTime" in exc.message


@pytest.mark.parametrize("status", ["abc", "8 00", "1.5"])
def test_non_numeric_status_is_rejected(status):
    assert (
        rejected(build("CEB304", "OrderReturn", ORDER_KEYS, status=status)).reason_code
        == ReasonCode.BAD_STATUS
    )


def test_duplicate_key_element_is_rejected():
    body = fields(guid=ENTRY_GUID, **ORDER_KEYS) + fields(orderNo="OTHER") + tail()
    exc = rejected(receipt_xml("CEB304Message", "OrderReturn", body))
    assert exc.reason_code == ReasonCode.DUPLICATE_FIELD
    assert "orderNo" in exc.message


def test_markup_inside_a_field_is_rejected():
    body = fields(guid=ENTRY_GUID, **{**ORDER_KEYS, "orderNo": "<ceb:x>1</ceb:x>"}) + tail()
    assert rejected(receipt_xml("CEB304Message", "OrderReturn", body)).reason_code == ReasonCode.BAD_FIELD


def test_rejection_string_carries_the_code():
    exc = rejected(b"nope")
    assert str(exc).startswith("RECEIPT_NOT_XML: ")
