"""CEB603 export inventory list: tradeMode, simplified HS padding, parties, flags, optionals, limits."""

import datetime
from decimal import Decimal

import pytest

from declarations.choices import Channel, Mode
from declarations.messages.ceb603 import INVENTORY_HEAD, INVENTORY_LIST, ceb_gcode, render_inventory
from declarations.messages.common import MAX_LINES, MissingField, TooManyLines
from tests import factories as f
from tests.messages.test_render_business_types import (
    WAREHOUSE_NAME,
    assert_common_envelope,
    assert_valid_both,
    child_names,
    find_text,
    make_business_type,
    make_line,
    parse,
)

pytestmark = pytest.mark.django_db

HEAD_OMITTED = {
    "preNo", "invtNo", "iacCode", "iacName", "emsNo", "trafName", "voyageNo", "billNo", "totalPackageNo",
    "loctNo", "licenseNo", "note",
}  # fmt: skip


def head(root):
    return root.find("{*}Inventory/{*}InventoryHead")


@pytest.mark.parametrize(
    ("mode", "ebp_name"), [(Mode.DIRECT, "Example Global B2B Marketplace"), (Mode.WAREHOUSE, WAREHOUSE_NAME)]
)
def test_inventory_head_values_in_xsd_order(mode, ebp_name):
    declaration, lines = make_business_type(mode, Channel.LIST, ie_date=datetime.date(2024, 3, 16))

    rendered = render_inventory(declaration, lines)

    root = assert_common_envelope(rendered.content, "CEB603")
    inventory_head = head(root)
    assert child_names(inventory_head) == [
        field.name for field in INVENTORY_HEAD if field.name not in HEAD_OMITTED
    ]
    expected = {
        "customsCode": "5141",
        "ebpCode": "无",
        "ebpName": ebp_name,
        "orderNo": declaration.order_no,
        "logisticsCode": "4401980ABC",
        "logisticsNo": declaration.logistics_no,
        "copNo": declaration.cop_no,
        "ieFlag": "E",
        "portCode": "5141",
        "ieDate": "20240316",
        "statisticsFlag": "A",
        "agentCode": declaration.agent.ceb_code,
        "agentName": "丙报关行",
        "ebcCode": declaration.enterprise.ceb_code,
        "ebcName": declaration.enterprise.name,
        "ownerCode": declaration.enterprise.ceb_code,  # defaults to the exporter
        "ownerName": declaration.enterprise.name,
        "tradeMode": mode,
        "trafMode": "4",
        "country": "502",
        "POD": "502",
        "freight": "150",
        "fCurrency": "142",
        "fFlag": "3",
        "insuredFee": "0",
        "iCurrency": "142",
        "iFlag": "3",
        "wrapType": "2",
        "packNo": "4",
        "grossWeight": "42.5",
        "netWeight": "40",
    }
    assert {name: find_text(inventory_head, f"ceb:{name}") for name in expected} == expected
    # The agent declares the list, so the agent transmits it.
    assert find_text(root, "ceb:BaseTransfer/ceb:copCode") == declaration.agent.ceb_code
    assert_valid_both(rendered.content)


def test_six_digit_hs_is_padded_and_flagged_simplified(settings):
    declaration, lines = make_business_type()

    root = parse(render_inventory(declaration, lines).content)

    assert find_text(root, "//ceb:InventoryList[ceb:gnum='1']/ceb:gcode") == "9617001100"
    assert find_text(root, "//ceb:InventoryList[ceb:gnum='2']/ceb:gcode") == "9617000000"
    assert find_text(root, "//ceb:statisticsFlag") == "A"
    assert lines[1].gcode == "961700"  # the declared 6 digits stay on the record

    settings.SIMPLIFIED_HS_PADDING = "9999"
    assert ceb_gcode("961700") == "9617009999"
    assert ceb_gcode("9617001100") == "9617001100"


def test_full_codes_only_are_flagged_b():
    declaration, lines = make_business_type()
    lines[1].gcode = "9617009000"

    rendered = render_inventory(declaration, lines)

    assert find_text(parse(rendered.content), "//ceb:statisticsFlag") == "B"
    assert_valid_both(rendered.content)


def test_inventory_lines_in_xsd_order_with_second_quantity():
    declaration, lines = make_business_type()
    lines[0].qty2 = Decimal("12.5")
    lines[0].unit2 = "035"

    rendered = render_inventory(declaration, lines)

    first, second = parse(rendered.content).findall("{*}Inventory/{*}InventoryList")
    assert child_names(first) == [
        field.name for field in INVENTORY_LIST if field.name not in {"itemRecordNo", "note"}
    ]
    assert find_text(first, "ceb:qty2") == "12.5"
    assert find_text(first, "ceb:unit2") == "035"
    assert "qty2" not in child_names(second) and "unit2" not in child_names(second)
    assert find_text(second, "ceb:barCode") == "无"
    assert find_text(second, "ceb:totalPrice") == "15.5"
    assert_valid_both(rendered.content)


def test_optional_head_fields_are_written_when_known():
    declaration, lines = make_business_type(
        bill_no="BL20240316001", voyage_no="CA1234", traf_name="AIR CHINA", license_no="", pod=""
    )

    inventory_head = head(parse(render_inventory(declaration, lines).content))

    names = child_names(inventory_head)
    assert names.index("trafName") < names.index("voyageNo") < names.index("billNo") < names.index("country")
    assert find_text(inventory_head, "ceb:billNo") == "BL20240316001"
    assert "licenseNo" not in names
    assert find_text(inventory_head, "ceb:POD") == "502"  # falls back to the destination country


def test_producer_defaults_and_unregistered_producer():
    declaration, lines = make_business_type(owner_code="NO", owner_name="")
    assert find_text(parse(render_inventory(declaration, lines).content), "//ceb:ownerName") == "NO"

    declaration.owner_code, declaration.owner_name = "4401960XYZ", "示例生产厂"
    root = parse(render_inventory(declaration, lines).content)
    assert find_text(root, "//ceb:ownerCode") == "4401960XYZ"
    assert find_text(root, "//ceb:ownerName") == "示例生产厂"

    declaration.owner_name = ""
    with pytest.raises(MissingField, match="ownerName"):
        render_inventory(declaration, lines)


def test_export_date_is_required():
    declaration, lines = make_business_type(ie_date=None)

    with pytest.raises(MissingField, match="ieDate"):
        render_inventory(declaration, lines)


def test_numbers_assigned_by_customs_are_echoed():
    declaration, lines = make_business_type(pre_no="B20240315000000001", invt_no="51412024E000000001")

    rendered = render_inventory(declaration, lines, app_type="2")

    inventory_head = head(parse(rendered.content))
    assert find_text(inventory_head, "ceb:preNo") == "B20240315000000001"
    assert find_text(inventory_head, "ceb:invtNo") == "51412024E000000001"
    assert_valid_both(rendered.content)


def test_more_than_100_lines_is_an_error():
    declaration = f.DeclarationFactory.build()
    lines = [make_line(declaration, gnum, build=True) for gnum in range(1, MAX_LINES + 2)]

    with pytest.raises(TooManyLines, match="101 goods lines"):
        render_inventory(declaration, lines)
