"""CEB303 order / booking order: values, XSD order, omitted optionals, guids, times, line limit."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from declarations.choices import Channel, Mode
from declarations.messages.ceb303 import ORDER_HEAD, ORDER_LIST, render_order
from declarations.messages.common import (
    DEFAULT_DXP_ID_PLACEHOLDER,
    MAX_LINES,
    MissingField,
    RenderError,
    TooManyLines,
    app_time,
    format_decimal,
)
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


def test_9710_order_head_values_in_xsd_order():
    declaration, lines = make_business_type(Mode.DIRECT, Channel.LIST)

    rendered = render_order(declaration, lines)

    root = assert_common_envelope(rendered.content, "CEB303")
    head = root.find("ceb:Order/ceb:OrderHead", namespaces={"ceb": root.nsmap["ceb"]})
    assert child_names(head) == [field.name for field in ORDER_HEAD if field.name != "note"]
    assert find_text(head, "ceb:appType") == "1"
    assert find_text(head, "ceb:appStatus") == "1"
    assert find_text(head, "ceb:orderType") == "B"
    assert find_text(head, "ceb:orderNo") == declaration.order_no
    assert find_text(head, "ceb:ebpCode") == "无"
    assert find_text(head, "ceb:ebpName") == "Example Global B2B Marketplace"
    assert find_text(head, "ceb:ebcCode") == declaration.enterprise.customs_code
    assert find_text(head, "ceb:ebcName") == declaration.enterprise.name
    assert find_text(head, "ceb:goodsValue") == "3215.5"  # 3200 + 15.5
    assert find_text(head, "ceb:freight") == "150"
    assert find_text(head, "ceb:currency") == "142"
    assert rendered.message_type == "CEB303"
    assert_valid_both(rendered.content)


def test_order_lines_in_xsd_order_without_empty_optionals():
    declaration, lines = make_business_type(line_count=2)

    root = parse(render_order(declaration, list(reversed(lines))).content)

    order_lines = root.xpath("//ceb:OrderList", namespaces={"ceb": root.nsmap["ceb"]})
    assert [find_text(line, "ceb:gnum") for line in order_lines] == ["1", "2"]  # sorted by gnum
    optional_absent = {"itemDescribe", "note"}
    assert child_names(order_lines[0]) == [
        field.name for field in ORDER_LIST if field.name not in optional_absent
    ]
    assert find_text(order_lines[1], "ceb:itemNo") == "SKU-0002"
    assert find_text(order_lines[1], "ceb:unit") == "007"
    assert find_text(order_lines[1], "ceb:qty") == "10"
    assert find_text(order_lines[1], "ceb:price") == "1.55"
    assert find_text(order_lines[1], "ceb:totalPrice") == "15.5"
    assert b"itemDescribe" not in render_order(declaration, lines).content


def test_9810_booking_order_is_type_w_named_after_the_warehouse():
    declaration, lines = make_business_type(Mode.WAREHOUSE, Channel.CUSTOMS_DECLARATION, ebp_name="Amazon")

    rendered = render_order(declaration, lines)

    root = parse(rendered.content)
    assert find_text(root, "//ceb:orderType") == "W"
    assert find_text(root, "//ceb:ebpName") == WAREHOUSE_NAME
    assert find_text(root, "//ceb:orderNo").startswith("OW-")
    assert_valid_both(rendered.content)


def test_9810_without_a_warehouse_is_refused():
    declaration, lines = make_business_type(Mode.WAREHOUSE, warehouse=None)

    with pytest.raises(MissingField, match="warehouse"):
        render_order(declaration, lines)


def test_unknown_mode_is_refused():
    declaration, lines = make_business_type()
    declaration.mode = "9610"

    with pytest.raises(RenderError, match="9710 or 9810"):
        render_order(declaration, lines)


def test_notes_and_item_name_fallback():
    declaration, lines = make_business_type(note="示例备注")
    lines[0].item_name = ""
    lines[0].note = "line note"

    root = parse(render_order(declaration, lines).content)

    assert find_text(root, "//ceb:OrderHead/ceb:note") == "示例备注"
    assert find_text(root, "//ceb:OrderList[1]/ceb:itemName") == lines[0].gname
    assert find_text(root, "//ceb:OrderList[1]/ceb:note") == "line note"


def test_platform_code_defaults_to_wu_for_a_foreign_platform():
    declaration, lines = make_business_type(ebp_code="")

    assert find_text(parse(render_order(declaration, lines).content), "//ceb:ebpCode") == "无"


def test_given_guids_are_used_uppercased_and_invalid_ones_refused():
    declaration, lines = make_business_type()
    root_guid = "6f1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
    head_guid = "0A1B2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C4E"

    rendered = render_order(declaration, lines, guid=root_guid, head_guid=head_guid)

    root = parse(rendered.content)
    assert rendered.guid == root_guid.upper() == root.get("guid")
    assert find_text(root, "//ceb:OrderHead/ceb:guid") == head_guid
    with pytest.raises(RenderError, match="guid"):
        render_order(declaration, lines, guid="not-a-guid")


def test_app_time_is_china_time_and_options_are_checked():
    declaration, lines = make_business_type()
    at = datetime(2024, 3, 15, 2, 30, tzinfo=UTC)  # 10:30 in Shanghai

    root = parse(render_order(declaration, lines, at=at, app_type="2", app_status="2").content)

    assert find_text(root, "//ceb:appTime") == "20240315103000"
    assert find_text(root, "//ceb:appType") == "2"
    assert find_text(root, "//ceb:appStatus") == "2"
    assert app_time(datetime(2024, 12, 31, 16, 0, 1, tzinfo=UTC)) == "20250101000001"
    with pytest.raises(RenderError, match="appType"):
        render_order(declaration, lines, app_type="4")
    with pytest.raises(RenderError, match="appStatus"):
        render_order(declaration, lines, app_status="3")


def test_base_transfer_is_the_exporter_with_its_dxp_id_or_a_placeholder(settings):
    enterprise = f.EnterpriseFactory(customs_code="", dxp_id="")
    declaration, lines = make_business_type(enterprise=enterprise)

    root = parse(render_order(declaration, lines).content)
    assert find_text(root, "//ceb:BaseTransfer/ceb:copCode") == enterprise.uscc  # no customs code yet
    assert find_text(root, "//ceb:BaseTransfer/ceb:copName") == enterprise.name
    assert find_text(root, "//ceb:BaseTransfer/ceb:dxpMode") == "DXP"
    assert find_text(root, "//ceb:BaseTransfer/ceb:dxpId") == DEFAULT_DXP_ID_PLACEHOLDER
    assert find_text(root, "//ceb:BaseTransfer/ceb:note") is None

    settings.DXP_ID_PLACEHOLDER = "DXPENT0000000000"
    root = parse(render_order(declaration, lines).content)
    assert find_text(root, "//ceb:BaseTransfer/ceb:dxpId") == "DXPENT0000000000"

    enterprise.dxp_id = "DXPENT0000019448"
    root = parse(render_order(declaration, lines).content)
    assert find_text(root, "//ceb:BaseTransfer/ceb:dxpId") == "DXPENT0000019448"


def test_more_than_100_lines_is_an_error_never_a_split():
    declaration = f.DeclarationFactory.build()
    lines = [make_line(declaration, gnum, build=True) for gnum in range(1, MAX_LINES + 2)]

    with pytest.raises(TooManyLines) as excinfo:
        render_order(declaration, lines)
    assert excinfo.value.count == 101
    assert excinfo.value.limit == 100

    rendered = render_order(declaration, lines[:MAX_LINES])
    assert len(parse(rendered.content).xpath("//*[local-name()='OrderList']")) == 100
    assert_valid_both(rendered.content)


def test_an_order_without_lines_is_refused():
    declaration = f.DeclarationFactory.build()

    with pytest.raises(RenderError, match="without goods lines"):
        render_order(declaration, [])


def test_a_required_value_missing_is_named():
    declaration, lines = make_business_type(order_no="")

    with pytest.raises(MissingField, match=r"OrderHead\.orderNo"):
        render_order(declaration, lines)


def test_control_characters_are_refused_with_the_field_named():
    declaration, lines = make_business_type(note="bad \x01 note")

    with pytest.raises(RenderError, match=r"OrderHead\.note"):
        render_order(declaration, lines)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("3200.00000"), "3200"),
        (Decimal("1E+3"), "1000"),
        (Decimal("0.00001"), "0.00001"),
        (Decimal("-0.000"), "0"),
        (Decimal("42.50"), "42.5"),
        (Decimal("12345678901234.12345"), "12345678901234.12345"),
        (7, "7"),
        ("1.10", "1.1"),
    ],
)
def test_decimal_format_is_plain_with_at_most_five_fraction_digits(value, text):
    assert format_decimal(value) == text


@pytest.mark.parametrize("value", [Decimal("0.000001"), Decimal("NaN"), Decimal("Infinity"), "abc"])
def test_decimal_format_refuses_what_cannot_be_written(value):
    with pytest.raises(RenderError):
        format_decimal(value)
