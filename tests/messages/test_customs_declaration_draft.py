"""The 报关单 draft of the customs-declaration channel: data, workbook (read back) and printable page."""

import io
from decimal import Decimal

import pytest
from django.utils import translation
from openpyxl import load_workbook

from declarations.choices import Channel, Mode
from declarations.messages.customs_declaration import (
    HEADER_FIELDS,
    LINE_FIELDS,
    declaration_draft_data,
    render_declaration_html,
    render_declaration_xlsx,
    safe_cell,
)
from declarations.models import PackingType
from tests import factories as f
from tests.messages.test_render_business_types import WAREHOUSE_NAME, make_business_type

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def code_tables():
    f.CurrencyFactory(code="142", name_zh="人民币", iso_code="CNY")
    f.CurrencyFactory(code="502", name_zh="美元", iso_code="USD")
    f.CountryFactory()  # 502 美国 USA
    f.TransportModeFactory()  # 4 公路运输
    f.UnitFactory()  # 007 个
    f.PackingTypeFactory(
        kind=PackingType.Kind.DECLARATION, code="22", name_zh="纸制或纤维板制盒/箱", ceb_code="2"
    )


def full_codes(lines):
    lines[1].gcode = "9617009000"
    return lines


def test_9710_draft_data():
    declaration, lines = make_business_type(Mode.DIRECT, Channel.CUSTOMS_DECLARATION)
    full_codes(lines)

    data = declaration_draft_data(declaration, lines)

    header = data["header"]
    assert data["mode"] == "9710"
    assert header["supervision_mode"] == "9710"
    assert header["supervision_mode_name"] == "跨境电商B2B直接出口"
    assert data["attached_documents"] == [
        {"type": "10000004", "type_name": "跨境B2B出口单证", "number": declaration.order_no}
    ]
    assert (header["trade_terms_code"], header["trade_terms"]) == ("3", "FOB")
    assert (header["currency"], header["currency_ceb"]) == ("CNY", "142")
    assert header["destination_country"] == "USA"
    assert header["destination_country_name"] == "美国"
    assert header["declaring_customs"] == "5141"
    assert header["declaring_customs_name"] == "广州机场"
    assert header["transport_mode_name"] == "公路运输"
    assert header["packing_type"] == "22"
    assert header["consignor_uscc"] == declaration.enterprise.uscc
    assert header["consignor_name"] == declaration.enterprise.name
    assert header["declarant_name"] == "丙报关行"
    assert header["total_value"] == Decimal("3215.5")
    assert str(header["gross_weight"]) == "42.5"
    assert header["warehouse_name"] == ""
    assert [line["hs_code"] for line in data["lines"]] == ["9617001100", "9617009000"]
    first = data["lines"][0]
    assert (first["currency"], first["destination_country"], first["unit_name"]) == ("CNY", "USA", "个")
    assert str(first["qty"]) == "100" and str(first["total_price"]) == "3200"
    assert data["warnings"] == []


def test_9810_draft_points_at_the_booking_order_and_the_warehouse():
    declaration, lines = make_business_type(Mode.WAREHOUSE, Channel.CUSTOMS_DECLARATION)
    full_codes(lines)

    data = declaration_draft_data(declaration, lines)

    assert data["header"]["supervision_mode"] == "9810"
    assert data["header"]["supervision_mode_name"] == "跨境电商出口海外仓"
    assert data["attached_documents"][0]["type"] == "10000004"
    assert data["attached_documents"][0]["number"] == declaration.order_no
    assert declaration.order_no.startswith("OW-")
    assert data["header"]["warehouse_name"] == WAREHOUSE_NAME
    assert data["header"]["warehouse_address"] == declaration.warehouse.address


def test_untranslatable_codes_and_short_hs_codes_become_warnings():
    declaration, lines = make_business_type(
        Mode.DIRECT, Channel.CUSTOMS_DECLARATION, currency="303", wrap_type="7"
    )

    with translation.override("en"):
        data = declaration_draft_data(declaration, lines)

    assert data["header"]["currency"] == ""
    assert data["header"]["packing_type"] == ""
    warnings = "\n".join(data["warnings"])
    assert "Currency 303 has no ISO 4217 code" in warnings
    assert "Packing type 7" in warnings
    assert "Item 2: HS code 961700 is not a 10-digit code" in warnings


def test_up_to_50_items_is_one_declaration():
    declaration, lines = make_business_type(Mode.DIRECT, Channel.CUSTOMS_DECLARATION, line_count=50)

    data = declaration_draft_data(declaration, lines)

    assert [len(part["lines"]) for part in data["parts"]] == [50]
    assert data["split_note"] == ""
    assert [line["gnum"] for line in data["parts"][0]["lines"]] == list(range(1, 51))
    workbook = load_workbook(io.BytesIO(render_declaration_xlsx(declaration, lines)))
    assert workbook.sheetnames == ["Header", "Goods"]


def test_more_than_50_items_split_into_numbered_declarations_of_at_most_50():
    declaration, lines = make_business_type(Mode.DIRECT, Channel.CUSTOMS_DECLARATION, line_count=101)

    with translation.override("en"):
        data = declaration_draft_data(declaration, lines)

    parts = data["parts"]
    assert [(p["number"], p["count"], len(p["lines"])) for p in parts] == [(1, 3, 50), (2, 3, 50), (3, 3, 1)]
    assert [(p["first"], p["last"]) for p in parts] == [(1, 50), (51, 100), (101, 101)]
    # items are numbered from 1 in each declaration; the order line each came from is kept
    assert [(line["gnum"], line["order_gnum"]) for line in parts[1]["lines"][:2]] == [(1, 51), (2, 52)]
    for part in parts:
        assert part["attached_documents"] == [
            {"type": "10000004", "type_name": "跨境B2B出口单证", "number": declaration.order_no}
        ]
    assert sum(p["total_value"] for p in parts) == data["header"]["total_value"]
    assert parts[2]["total_value"] == lines[100].total_price
    assert "split into 3 numbered declarations" in data["split_note"]
    assert declaration.order_no in data["split_note"]
    assert not any("split it" in warning for warning in data["warnings"])
    assert any("divide them among the 3 declarations" in warning for warning in data["warnings"])


def test_split_workbook_has_a_header_and_goods_sheet_per_declaration():
    declaration, lines = make_business_type(Mode.WAREHOUSE, Channel.CUSTOMS_DECLARATION, line_count=51)

    with translation.override("en"):
        workbook = load_workbook(io.BytesIO(render_declaration_xlsx(declaration, lines)))

    assert workbook.sheetnames == ["Header 1", "Goods 1", "Header 2", "Goods 2"]
    for number, items in ((1, 50), (2, 1)):
        header = rows_by_label(workbook[f"Header {number}"])
        assert header["Declaration"][2] == f"{number} / 2"
        assert header["Attached document type"][2] == "10000004"
        assert header["Attached document number"][2] == declaration.order_no
        goods = list(workbook[f"Goods {number}"].iter_rows(min_row=3, values_only=True))
        assert len(goods) == items
        assert goods[0][0] == 1  # 项号 restarts in each declaration
    assert header["Total value"][2] == pytest.approx(float(lines[50].total_price))


def test_split_printable_page_says_so():
    declaration, lines = make_business_type(Mode.DIRECT, Channel.CUSTOMS_DECLARATION, line_count=51)

    with translation.override("en"):
        html = render_declaration_html(declaration, lines)

    assert "split into 2 numbered declarations" in html
    assert "Declaration 1 of 2: order lines 1–50" in html
    assert "Declaration 2 of 2: order lines 51–51" in html
    assert html.count("<td>10000004</td><td>跨境B2B出口单证</td><td>" + declaration.order_no + "</td>") == 2


def rows_by_label(sheet):
    return {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}


def test_workbook_has_a_header_sheet_and_a_goods_sheet():
    declaration, lines = make_business_type(Mode.WAREHOUSE, Channel.CUSTOMS_DECLARATION)
    full_codes(lines)

    with translation.override("en"):
        content = render_declaration_xlsx(declaration, lines)

    workbook = load_workbook(io.BytesIO(content))
    assert workbook.sheetnames == ["Header", "Goods"]
    header = rows_by_label(workbook["Header"])
    assert len(header) == len(HEADER_FIELDS) + 3
    assert header["Supervision mode"][1:] == ("监管方式", "9810")
    assert header["Trade terms"][2] == "FOB"
    assert header["Currency (ISO)"][2] == "CNY"
    assert header["Overseas warehouse"][2] == WAREHOUSE_NAME
    assert header["Total value"][2] == pytest.approx(3215.5)
    assert header["Attached document type"][2] == "10000004"
    assert header["Attached document number"][2] == declaration.order_no

    goods = workbook["Goods"]
    rows = list(goods.iter_rows(values_only=True))
    assert rows[0] == tuple(str(label) for _key, label, _zh in LINE_FIELDS)
    assert rows[1][:3] == ("项号", "商品货号", "商品编号")
    assert len(rows) == 2 + len(lines)
    first = dict(zip((key for key, _label, _zh in LINE_FIELDS), rows[2], strict=True))
    assert first["gnum"] == 1
    assert first["hs_code"] == "9617001100"
    assert first["unit"] == "007"  # codes stay text, leading zeros kept
    assert first["qty"] == 100
    assert first["total_price"] == 3200
    assert first["currency"] == "CNY"
    assert first["destination_country"] == "USA"


@pytest.mark.parametrize("text", ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1"])
def test_workbook_cells_cannot_become_formulas(text):
    declaration, lines = make_business_type(Mode.DIRECT, Channel.CUSTOMS_DECLARATION, note=text)
    lines[0].gname = text
    lines[0].item_no = text

    workbook = load_workbook(io.BytesIO(render_declaration_xlsx(declaration, lines)))

    cells = [cell for row in workbook["Goods"].iter_rows(min_row=3) for cell in row]
    cells += [cell for row in workbook["Header"].iter_rows() for cell in row]
    written = [cell for cell in cells if isinstance(cell.value, str) and text in cell.value]
    assert len(written) == 3  # goods name, item number, note
    for cell in written:
        assert cell.data_type == "s"
        assert cell.value == "'" + text
    assert safe_cell("plain") == "plain" and safe_cell(-5) == -5


def test_printable_page():
    declaration, lines = make_business_type(
        Mode.WAREHOUSE, Channel.CUSTOMS_DECLARATION, note="<script>x</script>"
    )

    with translation.override("en"):
        html = render_declaration_html(declaration, lines)

    assert "<title>Customs declaration draft " + declaration.order_no + "</title>" in html
    assert "Supervision mode" in html and "9810 跨境电商出口海外仓" in html
    assert "<td>10000004</td><td>跨境B2B出口单证</td><td>" + declaration.order_no + "</td>" in html
    assert "3 FOB" in html
    assert WAREHOUSE_NAME in html
    assert "9617001100" in html and "保温杯" in html
    assert "Item 2: HS code 961700 is not a 10-digit code" in html  # warning shown to the broker
    assert "<script>x</script>" not in html and "&lt;script&gt;x&lt;/script&gt;" in html
