"""The 报关单 (customs declaration) draft of the customs-declaration channel, for a broker to key into H2018.

No XML goes to customs from here: the broker files the declaration in the Single Window, with supervision mode
9710 / 9810 and attached document 10000004 whose number is the order / booking number sent as CEB303 (domain
notes §1.3 (a), §6.6). The 报关单 uses other code sets than CEB (ISO currency and country, 2-digit packing), so
codes are translated through the code tables and anything untranslatable becomes a warning, never a guess.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font

from declarations.models import Country, Currency, CustomsOffice, PackingType, TransportMode, Unit

from .common import format_decimal, goods_value, sorted_lines

TEMPLATE = "declarations/customs_declaration_draft.html"
ATTACHED_DOCUMENT_TYPE = "10000004"
ATTACHED_DOCUMENT_NAME = "跨境B2B出口单证"
TRADE_TERMS_CODE = "3"  # 成交方式 3 = FOB (domain notes §4.8); goodsValue is an FOB price
TRADE_TERMS = "FOB"
# [RECALL] H2018 takes at most 50 goods items per declaration: a longer order becomes several numbered
# declarations of at most 50 items, each with 10000004 = the same order / booking number (customs pairs them).
DECLARATION_MAX_ITEMS = 50
SUPERVISION_MODE_NAMES = {"9710": "跨境电商B2B直接出口", "9810": "跨境电商出口海外仓"}

# (key, label, 报关单 field name); the order is the order of the sheet.
HEADER_FIELDS: tuple[tuple[str, object, str], ...] = (
    ("supervision_mode", gettext_lazy("Supervision mode"), "监管方式"),
    ("supervision_mode_name", gettext_lazy("Supervision mode name"), "监管方式名称"),
    ("declaring_customs", gettext_lazy("Declaring customs office"), "申报地海关"),
    ("declaring_customs_name", gettext_lazy("Declaring customs office name"), "申报地海关名称"),
    ("exit_customs", gettext_lazy("Exit customs"), "出境关别"),
    ("exit_customs_name", gettext_lazy("Exit customs name"), "出境关别名称"),
    ("consignor_uscc", gettext_lazy("Domestic consignor USCC"), "境内发货人(统一社会信用代码)"),
    ("consignor_customs_code", gettext_lazy("Domestic consignor customs code"), "境内发货人(海关编码)"),
    ("consignor_name", gettext_lazy("Domestic consignor name"), "境内发货人名称"),
    ("producer_code", gettext_lazy("Producer / seller code"), "生产销售单位代码"),
    ("producer_name", gettext_lazy("Producer / seller name"), "生产销售单位名称"),
    ("declarant_uscc", gettext_lazy("Declarant USCC"), "申报单位(统一社会信用代码)"),
    ("declarant_customs_code", gettext_lazy("Declarant customs code"), "申报单位(海关编码)"),
    ("declarant_name", gettext_lazy("Declarant name"), "申报单位名称"),
    ("transport_mode", gettext_lazy("Transport mode"), "运输方式"),
    ("transport_mode_name", gettext_lazy("Transport mode name"), "运输方式名称"),
    ("means_of_transport", gettext_lazy("Means of transport"), "运输工具名称"),
    ("voyage_no", gettext_lazy("Voyage / flight number"), "航次号"),
    ("bill_no", gettext_lazy("Bill of lading"), "提运单号"),
    ("licence_no", gettext_lazy("Licence number"), "许可证号"),
    ("trade_terms_code", gettext_lazy("Trade terms code"), "成交方式"),
    ("trade_terms", gettext_lazy("Trade terms"), "成交方式名称"),
    ("destination_country", gettext_lazy("Destination country (ISO)"), "运抵国(地区)"),
    ("destination_country_name", gettext_lazy("Destination country name"), "运抵国(地区)名称"),
    ("destination_country_ceb", gettext_lazy("Destination country (CEB code)"), "运抵国(CEB代码)"),
    ("destination_port_ceb", gettext_lazy("Port of destination (CEB code)"), "指运港(CEB代码)"),
    ("packages", gettext_lazy("Packages"), "件数"),
    ("packing_type", gettext_lazy("Packing type"), "包装种类"),
    ("packing_type_ceb", gettext_lazy("Packing type (CEB code)"), "包装种类(CEB代码)"),
    ("gross_weight", gettext_lazy("Gross weight (kg)"), "毛重(千克)"),
    ("net_weight", gettext_lazy("Net weight (kg)"), "净重(千克)"),
    ("currency", gettext_lazy("Currency (ISO)"), "币制"),
    ("currency_ceb", gettext_lazy("Currency (CEB code)"), "币制(CEB代码)"),
    ("total_value", gettext_lazy("Total value"), "总价"),
    ("order_no", gettext_lazy("Order / booking number"), "订单号/订仓单号"),
    ("warehouse_name", gettext_lazy("Overseas warehouse"), "海外仓名称"),
    ("warehouse_address", gettext_lazy("Overseas warehouse address"), "海外仓地址"),
    ("note", gettext_lazy("Note"), "备注"),
)

LINE_FIELDS: tuple[tuple[str, object, str], ...] = (
    ("gnum", gettext_lazy("Item"), "项号"),
    ("item_no", gettext_lazy("Item number"), "商品货号"),
    ("hs_code", gettext_lazy("HS code"), "商品编号"),
    ("goods_name", gettext_lazy("Goods name"), "商品名称"),
    ("model", gettext_lazy("Model / specification"), "规格型号"),
    ("qty", gettext_lazy("Quantity"), "成交数量"),
    ("unit", gettext_lazy("Unit"), "成交计量单位"),
    ("unit_name", gettext_lazy("Unit name"), "成交计量单位名称"),
    ("qty1", gettext_lazy("First legal quantity"), "法定第一数量"),
    ("unit1", gettext_lazy("First legal unit"), "法定第一计量单位"),
    ("qty2", gettext_lazy("Second legal quantity"), "法定第二数量"),
    ("unit2", gettext_lazy("Second legal unit"), "法定第二计量单位"),
    ("price", gettext_lazy("Unit price"), "单价"),
    ("total_price", gettext_lazy("Total price"), "总价"),
    ("currency", gettext_lazy("Currency (ISO)"), "币制"),
    ("destination_country", gettext_lazy("Final destination country (ISO)"), "最终目的国(地区)"),
    ("order_gnum", gettext_lazy("Order line"), "订单商品序号"),
)

_FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def _plain(value: Decimal | None) -> Decimal | None:
    """Normalised without exponent (3200.00000 -> 3200), so it prints as written."""
    return None if value is None else Decimal(format_decimal(value))


def _names(model, codes, field: str = "name_zh") -> dict[str, str]:
    codes = {code for code in codes if code}
    return dict(model.objects.filter(code__in=codes).values_list("code", field)) if codes else {}


def _packing_type(wrap_type: str) -> str:
    """The 2-digit 报关单 packing type, only when exactly one maps to the 1-digit CEB code."""
    codes = list(
        PackingType.objects.filter(kind=PackingType.Kind.DECLARATION, ceb_code=wrap_type).values_list(
            "code", flat=True
        )[:2]
    )
    return codes[0] if len(codes) == 1 else ""


def draft_split_note(count: int, order_no: str) -> str:
    """What the page and the draft say when the items do not fit one 报关单; "" when they do."""
    if count <= DECLARATION_MAX_ITEMS:
        return ""
    parts = -(-count // DECLARATION_MAX_ITEMS)
    return _(
        "%(count)s goods items: a customs declaration holds at most %(max)s, so the draft is split into "
        "%(parts)s numbered declarations. Declare each one; each carries attached document 10000004 with the "
        "order / booking number %(order_no)s."
    ) % {"count": count, "max": DECLARATION_MAX_ITEMS, "parts": parts, "order_no": order_no}


def _parts(lines: Sequence, draft_lines: list[dict], attached: list[dict]) -> list[dict]:
    """Consecutive runs of at most DECLARATION_MAX_ITEMS items; items are numbered from 1 in each."""
    size = DECLARATION_MAX_ITEMS
    count = max(1, -(-len(draft_lines) // size))
    parts = []
    for index in range(count):
        chunk = draft_lines[index * size : (index + 1) * size]
        parts.append(
            {
                "number": index + 1,
                "count": count,
                "first": chunk[0]["order_gnum"] if chunk else None,
                "last": chunk[-1]["order_gnum"] if chunk else None,
                "total_value": _plain(goods_value(lines[index * size : (index + 1) * size])),
                "attached_documents": attached,
                "lines": [dict(line, gnum=item) for item, line in enumerate(chunk, start=1)],
            }
        )
    return parts


def declaration_draft_data(declaration, lines: Sequence) -> dict:
    """Header, attached documents, goods lines and warnings of the 报关单 draft, as plain values."""
    lines = sorted_lines(lines)
    warnings: list[str] = []
    exporter, agent, warehouse = declaration.enterprise, declaration.agent, declaration.warehouse

    currency_codes = {declaration.currency, *(line.currency for line in lines)}
    country_codes = {declaration.country, *(line.country for line in lines)}
    currency_iso = _names(Currency, currency_codes, "iso_code")
    country_iso = _names(Country, country_codes, "iso_alpha3")
    country_names = _names(Country, country_codes)
    offices = _names(CustomsOffice, {declaration.customs_code, declaration.port_code})
    units = _names(Unit, {code for line in lines for code in (line.unit, line.unit1, line.unit2)})

    def iso_currency(code: str) -> str:
        if currency_iso.get(code):
            return currency_iso[code]
        warnings.append(_("Currency %(code)s has no ISO 4217 code in the currency table.") % {"code": code})
        return ""

    def iso_country(code: str) -> str:
        if country_iso.get(code):
            return country_iso[code]
        warnings.append(_("Country %(code)s has no ISO alpha-3 code in the country table.") % {"code": code})
        return ""

    packing_type = _packing_type(declaration.wrap_type)
    if not packing_type:
        warnings.append(
            _("Packing type %(code)s has no single 2-digit customs declaration code; choose one.")
            % {"code": declaration.wrap_type}
        )
    if declaration.mode == "9810" and warehouse is None:
        warnings.append(_("A 9810 declaration needs an overseas warehouse."))

    header = {
        "supervision_mode": declaration.mode,
        "supervision_mode_name": SUPERVISION_MODE_NAMES.get(declaration.mode, ""),
        "declaring_customs": declaration.customs_code,
        "declaring_customs_name": offices.get(declaration.customs_code, ""),
        "exit_customs": declaration.port_code,
        "exit_customs_name": offices.get(declaration.port_code, ""),
        "consignor_uscc": exporter.uscc,
        "consignor_customs_code": exporter.customs_code,
        "consignor_name": exporter.name,
        "producer_code": declaration.owner_code or exporter.ceb_code,
        "producer_name": declaration.owner_name or (exporter.name if not declaration.owner_code else ""),
        "declarant_uscc": agent.uscc,
        "declarant_customs_code": agent.customs_code,
        "declarant_name": agent.name,
        "transport_mode": declaration.traf_mode,
        "transport_mode_name": _names(TransportMode, {declaration.traf_mode}).get(declaration.traf_mode, ""),
        "means_of_transport": declaration.traf_name,
        "voyage_no": declaration.voyage_no,
        "bill_no": declaration.bill_no,
        "licence_no": declaration.license_no,
        "trade_terms_code": TRADE_TERMS_CODE,
        "trade_terms": TRADE_TERMS,
        "destination_country": iso_country(declaration.country),
        "destination_country_name": country_names.get(declaration.country, ""),
        "destination_country_ceb": declaration.country,
        "destination_port_ceb": declaration.pod,
        "packages": declaration.pack_no,
        "packing_type": packing_type,
        "packing_type_ceb": declaration.wrap_type,
        "gross_weight": _plain(declaration.gross_weight),
        "net_weight": _plain(declaration.net_weight),
        "currency": iso_currency(declaration.currency),
        "currency_ceb": declaration.currency,
        "total_value": _plain(goods_value(lines)),
        "order_no": declaration.order_no,
        "warehouse_name": warehouse.name if warehouse else "",
        "warehouse_address": warehouse.address if warehouse else "",
        "note": declaration.note,
    }

    draft_lines = []
    for line in lines:
        if not (len(line.gcode) == 10 and line.gcode.isdigit()):
            warnings.append(
                _("Item %(gnum)s: HS code %(code)s is not a 10-digit code; the declaration needs one.")
                % {"gnum": line.gnum, "code": line.gcode}
            )
        draft_lines.append(
            {
                "gnum": line.gnum,
                "item_no": line.item_no,
                "hs_code": line.gcode,
                "goods_name": line.gname,
                "model": line.gmodel,
                "qty": _plain(line.qty),
                "unit": line.unit,
                "unit_name": units.get(line.unit, ""),
                "qty1": _plain(line.qty1),
                "unit1": line.unit1,
                "qty2": _plain(line.qty2),
                "unit2": line.unit2,
                "price": _plain(line.price),
                "total_price": _plain(line.total_price),
                "currency": iso_currency(line.currency),
                "destination_country": iso_country(line.country),
                "order_gnum": line.gnum,
            }
        )
    attached = [
        {
            "type": ATTACHED_DOCUMENT_TYPE,
            "type_name": ATTACHED_DOCUMENT_NAME,
            "number": declaration.order_no,
        }
    ]
    parts = _parts(lines, draft_lines, attached)
    if len(parts) > 1:
        warnings.append(
            _(
                "Packages, gross weight and net weight are the whole shipment's: divide them among the "
                "%(parts)s declarations."
            )
            % {"parts": len(parts)}
        )

    return {
        "mode": declaration.mode,
        "header": header,
        "attached_documents": attached,
        "lines": draft_lines,
        "parts": parts,
        "split_note": draft_split_note(len(draft_lines), declaration.order_no),
        "warnings": list(dict.fromkeys(warnings)),
    }


def safe_cell(value):
    """A value for a spreadsheet cell: text that a spreadsheet would run as a formula gets a leading '."""
    if isinstance(value, str) and value.startswith(_FORMULA_TRIGGERS):
        return "'" + value
    return value


def render_declaration_xlsx(declaration, lines: Sequence) -> bytes:
    """A workbook with a header sheet (field, 报关单 field, value) and a goods sheet (one row per item)."""
    data = declaration_draft_data(declaration, lines)
    bold = Font(bold=True)
    workbook = Workbook()
    workbook.remove(workbook.active)
    split = len(data["parts"]) > 1
    for part in data["parts"]:
        # one Header/Goods pair per declaration: "Header 1", "Goods 1", … when the order is split
        suffix = f" {part['number']}" if split else ""
        header = dict(data["header"], total_value=part["total_value"])

        sheet = workbook.create_sheet("Header" + suffix)
        sheet.append([_("Field"), _("Customs declaration field"), _("Value")])
        if split:
            sheet.append([_("Declaration"), "报关单", f"{part['number']} / {part['count']}"])
        for key, label, zh in HEADER_FIELDS:
            sheet.append([str(label), zh, safe_cell(header[key])])
        for document in part["attached_documents"]:
            sheet.append([_("Attached document type"), "随附单证代码", document["type"]])
            sheet.append([_("Attached document name"), "随附单证名称", document["type_name"]])
            sheet.append([_("Attached document number"), "随附单证编号", safe_cell(document["number"])])
        if split:
            sheet.append([_("Note"), "", safe_cell(data["split_note"])])
        for warning in data["warnings"]:
            sheet.append([_("Warning"), "", safe_cell(warning)])
        for cell in sheet[1]:
            cell.font = bold
        sheet.column_dimensions["A"].width = 36
        sheet.column_dimensions["B"].width = 30
        sheet.column_dimensions["C"].width = 50

        goods = workbook.create_sheet("Goods" + suffix)
        goods.append([str(label) for _key, label, _zh in LINE_FIELDS])
        goods.append([zh for _key, _label, zh in LINE_FIELDS])
        for line in part["lines"]:
            goods.append([safe_cell(line[key]) for key, _label, _zh in LINE_FIELDS])
        for row in (goods[1], goods[2]):
            for cell in row:
                cell.font = bold
        goods.freeze_panes = "A3"

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def render_declaration_html(declaration, lines: Sequence) -> str:
    """The printable draft page."""
    context = {"draft": declaration_draft_data(declaration, lines), "declaration": declaration}
    return render_to_string(TEMPLATE, context)
