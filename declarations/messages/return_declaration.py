"""The return 报关单 (退运货物) draft: the import declaration that brings released 9710 / 9810 goods back.

Built like the export 报关单 draft (``customs_declaration``): plain values, a printable page and a workbook with a
header sheet and a goods sheet. Supervision mode ``settings.RETURN_SUPERVISION_MODE`` (4561 退运货物 by default:
regulatory notes Q7 and "Returns of 9710/9810 goods"; customs has not confirmed the mode for the tax-free return
of 2026 No. 16, which the page says). The header names the original declaration's numbers (its 报关单 number or
list number, order number), the goods sheet the returned lines with their original item numbers and values.
"""

from __future__ import annotations

import io
from decimal import ROUND_HALF_UP, Decimal

from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font

from declarations.models import Country, Currency, CustomsOffice, Unit

from .customs_declaration import _names, _plain, safe_cell

TEMPLATE = "declarations/returns/return_declaration_draft.html"
SUPERVISION_MODE_NAMES = {"4561": "退运货物", "4600": "退运货物(进口)"}
QUANTUM = Decimal("0.00001")

HEADER_FIELDS: tuple[tuple[str, object, str], ...] = (
    ("supervision_mode", gettext_lazy("Supervision mode"), "监管方式"),
    ("supervision_mode_name", gettext_lazy("Supervision mode name"), "监管方式名称"),
    ("entry_customs", gettext_lazy("Entry customs (port of return)"), "进境关别"),
    ("entry_customs_name", gettext_lazy("Entry customs name"), "进境关别名称"),
    ("consignee_uscc", gettext_lazy("Domestic consignee USCC"), "境内收货人(统一社会信用代码)"),
    ("consignee_customs_code", gettext_lazy("Domestic consignee customs code"), "境内收货人(海关编码)"),
    ("consignee_name", gettext_lazy("Domestic consignee name"), "境内收货人名称"),
    ("declarant_name", gettext_lazy("Declarant name"), "申报单位名称"),
    ("return_date", gettext_lazy("Return date"), "进口日期"),
    ("origin_country", gettext_lazy("Country of dispatch (ISO)"), "启运国(地区)"),
    ("origin_country_name", gettext_lazy("Country of dispatch name"), "启运国(地区)名称"),
    ("currency", gettext_lazy("Currency (ISO)"), "币制"),
    ("total_value", gettext_lazy("Total value returned"), "总价"),
    ("original_mode", gettext_lazy("Original supervision mode"), "原监管方式"),
    ("original_entry_no", gettext_lazy("Original customs declaration number"), "原报关单号"),
    ("original_list_no", gettext_lazy("Original list number"), "原清单编号"),
    ("original_order_no", gettext_lazy("Original order / booking number"), "原订单号/订仓单号"),
    ("original_export_date", gettext_lazy("Original export date"), "原出口日期"),
    ("reason", gettext_lazy("Reason for the return"), "退运原因"),
    ("tax_free", gettext_lazy("Tax-free under 2026 No. 16"), "2026年第16号公告免税"),
    ("note", gettext_lazy("Note"), "备注"),
)

LINE_FIELDS: tuple[tuple[str, object, str], ...] = (
    ("gnum", gettext_lazy("Item"), "项号"),
    ("original_gnum", gettext_lazy("Original item"), "原报关单项号"),
    ("item_no", gettext_lazy("Item number"), "商品货号"),
    ("hs_code", gettext_lazy("HS code"), "商品编号"),
    ("goods_name", gettext_lazy("Goods name"), "商品名称"),
    ("model", gettext_lazy("Model / specification"), "规格型号"),
    ("qty", gettext_lazy("Returned quantity"), "成交数量"),
    ("unit", gettext_lazy("Unit"), "成交计量单位"),
    ("unit_name", gettext_lazy("Unit name"), "成交计量单位名称"),
    ("qty1", gettext_lazy("First legal quantity"), "法定第一数量"),
    ("unit1", gettext_lazy("First legal unit"), "法定第一计量单位"),
    ("exported_qty", gettext_lazy("Exported quantity"), "原出口数量"),
    ("price", gettext_lazy("Unit price"), "单价"),
    ("total_price", gettext_lazy("Total price"), "总价"),
    ("currency", gettext_lazy("Currency (ISO)"), "币制"),
)


def _share(value: Decimal | None, qty: Decimal, exported: Decimal) -> Decimal | None:
    """A legal quantity in proportion to the returned share of the line."""
    if value is None or not exported:
        return None
    return (value * qty / exported).quantize(QUANTUM, rounding=ROUND_HALF_UP)


def return_draft_data(goods_return, *, entry_no: str = "") -> dict:
    """Header, goods lines and warnings of the return 报关单 draft, as plain values."""
    declaration = goods_return.declaration
    exporter = declaration.enterprise
    rows = sorted(goods_return.lines.all(), key=lambda row: row.line.gnum)
    warnings: list[str] = []
    currency_iso = _names(Currency, {declaration.currency, *(row.line.currency for row in rows)}, "iso_code")
    country_iso = _names(Country, {declaration.country}, "iso_alpha3")
    country_names = _names(Country, {declaration.country})
    offices = _names(CustomsOffice, {goods_return.port_code})
    units = _names(Unit, {row.line.unit for row in rows})
    if not entry_no and not declaration.invt_no:
        warnings.append(
            _("Neither the original customs declaration number nor the list number is on record.")
        )
    if any(row.qty != row.line.qty for row in rows):
        warnings.append(_("Part of a line comes back: check the legal quantities, taken in proportion."))
    total = sum((row.total_price for row in rows), Decimal("0"))
    header = {
        "supervision_mode": goods_return.supervision_mode,
        "supervision_mode_name": SUPERVISION_MODE_NAMES.get(goods_return.supervision_mode, ""),
        "entry_customs": goods_return.port_code,
        "entry_customs_name": offices.get(goods_return.port_code, ""),
        "consignee_uscc": exporter.uscc,
        "consignee_customs_code": exporter.customs_code,
        "consignee_name": exporter.name,
        "declarant_name": declaration.agent.name,
        "return_date": goods_return.return_date.isoformat(),
        "origin_country": country_iso.get(declaration.country, ""),
        "origin_country_name": country_names.get(declaration.country, ""),
        "currency": currency_iso.get(declaration.currency, ""),
        "total_value": _plain(total),
        "original_mode": declaration.mode,
        "original_entry_no": entry_no,
        "original_list_no": declaration.invt_no,
        "original_order_no": declaration.order_no,
        "original_export_date": goods_return.export_date.isoformat() if goods_return.export_date else "",
        "reason": goods_return.get_reason_display()
        + (f": {goods_return.reason_note}" if goods_return.reason_note else ""),
        "tax_free": _("Yes") if goods_return.tax_free else _("No"),
        "note": _("Return R%(number)s of %(order_no)s")
        % {"number": goods_return.number, "order_no": declaration.order_no},
    }
    lines = [
        {
            "gnum": item,
            "original_gnum": row.line.gnum,
            "item_no": row.line.item_no,
            "hs_code": row.line.gcode,
            "goods_name": row.line.gname,
            "model": row.line.gmodel,
            "qty": _plain(row.qty),
            "unit": row.line.unit,
            "unit_name": units.get(row.line.unit, ""),
            "qty1": _plain(_share(row.line.qty1, row.qty, row.line.qty)),
            "unit1": row.line.unit1,
            "exported_qty": _plain(row.line.qty),
            "price": _plain(row.line.price),
            "total_price": _plain(row.total_price),
            "currency": currency_iso.get(row.line.currency, ""),
        }
        for item, row in enumerate(rows, start=1)
    ]
    return {"header": header, "lines": lines, "warnings": warnings}


def render_return_xlsx(goods_return, *, entry_no: str = "") -> bytes:
    data = return_draft_data(goods_return, entry_no=entry_no)
    bold = Font(bold=True)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Header"
    sheet.append([_("Field"), _("Customs declaration field"), _("Value")])
    for key, label, zh in HEADER_FIELDS:
        sheet.append([str(label), zh, safe_cell(data["header"][key])])
    for warning in data["warnings"]:
        sheet.append([_("Warning"), "", safe_cell(warning)])
    for cell in sheet[1]:
        cell.font = bold
    for column, width in (("A", 36), ("B", 30), ("C", 50)):
        sheet.column_dimensions[column].width = width
    goods = workbook.create_sheet("Goods")
    goods.append([str(label) for _key, label, _zh in LINE_FIELDS])
    goods.append([zh for _key, _label, zh in LINE_FIELDS])
    for line in data["lines"]:
        goods.append([safe_cell(line[key]) for key, _label, _zh in LINE_FIELDS])
    for row in (goods[1], goods[2]):
        for cell in row:
            cell.font = bold
    goods.freeze_panes = "A3"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def render_return_html(goods_return, *, entry_no: str = "", checks=(), vat_note: str = "") -> str:
    context = {
        "draft": return_draft_data(goods_return, entry_no=entry_no),
        "goods_return": goods_return,
        "declaration": goods_return.declaration,
        "checks": checks,
        "vat_note": vat_note,
    }
    return render_to_string(TEMPLATE, context)
