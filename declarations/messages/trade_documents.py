"""The commercial invoice (商业发票) and packing list (装箱单) of a declaration, as bilingual PDF documents.

Chinese export documents are read by customs (Chinese) and by the foreign buyer (English), so each document
carries both: every label is the same msgid rendered in zh-hans and in English (the locale catalogues), and the
code names (units, countries, packing, transport) come from the code tables in both languages. What the user
typed (goods names, models, the buyer) is shown as entered.

``trade_document_data`` is pure (it reads the objects it is given and the cached code tables); the PDF comes
from the Django templates under ``declarations/documents/`` through WeasyPrint, which fetches nothing (no
network, no file): the documents have no external resources.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from declarations.code_labels import code_entry

from .common import goods_value, sorted_lines
from .customs_declaration import TRADE_TERMS

INVOICE = "invoice"
PACKING_LIST = "packing_list"
TEMPLATES = {
    INVOICE: "declarations/documents/invoice_pdf.html",
    PACKING_LIST: "declarations/documents/packing_list_pdf.html",
}

# Label key -> msgid; rendered in both languages on every document.
LABELS = {
    "invoice": _("Commercial invoice"),
    "packing_list": _("Packing list"),
    "exporter": _("Exporter (seller)"),
    "buyer": _("Buyer (consignee)"),
    "uscc": _("Unified social credit code"),
    "customs_code": _("Customs registration code"),
    "address": _("Address"),
    "phone": _("Telephone"),
    "invoice_no": _("Invoice number"),
    "date": _("Date"),
    "order_no": _("Order / booking number"),
    "mode": _("Supervision mode"),
    "trade_terms": _("Trade terms"),
    "currency": _("Currency"),
    "loading_port": _("Port of loading"),
    "destination": _("Destination country"),
    "transport": _("Transport"),
    "bill_no": _("Bill of lading / waybill"),
    "no": _("No."),
    "item_no": _("Item number"),
    "description": _("Description of goods"),
    "hs_code": _("HS code"),
    "quantity": _("Quantity"),
    "unit": _("Unit"),
    "unit_price": _("Unit price"),
    "amount": _("Amount"),
    "total": _("Total"),
    "total_quantity": _("Total quantity"),
    "total_amount": _("Total amount"),
    "packages": _("Packages"),
    "gross_weight": _("Gross weight (kg)"),
    "net_weight": _("Net weight (kg)"),
    "marks": _("Shipping marks"),
    "no_marks": _("N/M"),
    "signature": _("Signature and stamp of the exporter"),
    "weights_note": _("Packages and weights are those of the whole consignment as declared."),
    "page": _("Page"),
    "made_from": _("Made by the portal from declaration %(cop_no)s, version %(version)s."),
}
SUPERVISION_MODE_NAMES = {
    "9710": ("跨境电商B2B直接出口", "Cross-border e-commerce B2B direct export"),
    "9810": ("跨境电商出口海外仓", "Cross-border e-commerce export to overseas warehouse"),
}

# Declaration fields a generated document shows: their digest tells whether the declaration changed since.
SOURCE_HEAD_FIELDS = (
    "mode",
    "cop_no",
    "order_no",
    "port_code",
    "country",
    "currency",
    "traf_mode",
    "traf_name",
    "voyage_no",
    "bill_no",
    "logistics_no",
    "ie_date",
    "wrap_type",
    "pack_no",
    "gross_weight",
    "net_weight",
    "enterprise_id",
)
SOURCE_LINE_FIELDS = ("gnum", "item_no", "item_name", "gname", "gmodel", "gcode", "qty", "unit", "price")
SOURCE_LINE_FIELDS += ("total_price",)


def both(label) -> dict[str, str]:
    """A msgid in Chinese and in English."""
    with translation.override("zh-hans"):
        zh = str(label)
    with translation.override("en"):
        en = str(label)
    return {"zh": zh, "en": en}


def _names(table: str, code) -> dict[str, str]:
    entry = code_entry(table, code)
    if entry is None:
        return {"zh": str(code or ""), "en": ""}
    return {"zh": entry.name_zh, "en": entry.name_en if entry.name_en != entry.name_zh else ""}


def _number(value, places: int | None = None) -> str:
    """1234.5 -> "1,234.50" (``places``) or "1,234.5" (as stored, without padding zeros)."""
    if value is None or value == "":
        return ""
    number = Decimal(str(value))
    if places is not None:
        return f"{number:,.{places}f}"
    normal = number.normalize()
    exponent = -normal.as_tuple().exponent if normal.as_tuple().exponent < 0 else 0
    return f"{number:,.{exponent}f}"


_NUMBERS = frozenset({"pack_no", "gross_weight", "net_weight", "qty", "price", "total_price"})


def _canonical(name: str, value) -> str:
    """One text per value: 42.5 and 42.50000 (as read back from the database) are the same number."""
    if name in _NUMBERS and value not in (None, ""):
        return f"{Decimal(str(value)).normalize():f}"
    return "" if value is None else str(value)


def source_digest(declaration, lines: Sequence) -> str:
    """SHA-256 of what a generated document shows of the declaration (head fields and lines)."""
    head = {name: _canonical(name, getattr(declaration, name)) for name in SOURCE_HEAD_FIELDS}
    rows = [
        {name: _canonical(name, getattr(line, name)) for name in SOURCE_LINE_FIELDS}
        for line in sorted_lines(lines)
    ]
    payload = json.dumps({"head": head, "lines": rows}, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


def trade_document_data(declaration, lines: Sequence, *, buyer_name: str, buyer_address: str) -> dict:
    """Everything the two documents show, as plain values (no query beyond the cached code tables)."""
    lines = sorted_lines(lines)
    enterprise = declaration.enterprise
    currency = code_entry("currency", declaration.currency)
    currency_iso = (currency.iso if currency else "") or str(declaration.currency)
    quantities: dict[str, Decimal] = {}
    rows = []
    for line in lines:
        quantities[line.unit] = quantities.get(line.unit, Decimal("0")) + (line.qty or Decimal("0"))
        rows.append(
            {
                "gnum": line.gnum,
                "item_no": line.item_no,
                "gname": line.gname,
                "item_name": line.item_name if line.item_name and line.item_name != line.gname else "",
                "gmodel": line.gmodel,
                "gcode": line.gcode,
                "qty": _number(line.qty),
                "unit": _names("unit", line.unit),
                "price": _number(line.price, 2) if line.price is not None else "",
                "total_price": _number(line.total_price, 2) if line.total_price is not None else "",
            }
        )
    mode_zh, mode_en = SUPERVISION_MODE_NAMES.get(declaration.mode, (declaration.mode, declaration.mode))
    return {
        "labels": {key: both(label) for key, label in LABELS.items()},
        "made_from": {
            lang: text % {"cop_no": declaration.cop_no, "version": declaration.version}
            for lang, text in both(LABELS["made_from"]).items()
        },
        "exporter": {
            "name": enterprise.name,
            "name_en": enterprise.name_en,
            "uscc": enterprise.uscc,
            "customs_code": enterprise.customs_code,
            "address": enterprise.address,
            "phone": enterprise.phone,
        },
        "buyer": {"name": buyer_name, "address": buyer_address},
        "invoice_no": declaration.cop_no,
        "date": (declaration.ie_date or timezone.localdate()).isoformat(),
        "order_no": declaration.order_no,
        "mode": {"code": declaration.mode, "zh": mode_zh, "en": mode_en},
        "trade_terms": TRADE_TERMS,
        "currency": {"iso": currency_iso, **_names("currency", declaration.currency)},
        "loading_port": _names("office", declaration.port_code),
        "destination": _names("country", declaration.country),
        "transport": {
            **_names("transport", declaration.traf_mode),
            "name": " ".join(part for part in (declaration.traf_name, declaration.voyage_no) if part),
        },
        "bill_no": " / ".join(part for part in (declaration.bill_no, declaration.logistics_no) if part),
        "lines": rows,
        "total_amount": _number(goods_value(lines), 2),
        "total_quantities": [
            {"qty": _number(qty), "unit": _names("unit", unit)} for unit, qty in quantities.items()
        ],
        "packages": _number(declaration.pack_no),
        "packing": _names("packing", declaration.wrap_type),
        "gross_weight": _number(declaration.gross_weight),
        "net_weight": _number(declaration.net_weight),
    }


def _refuse_fetch(url, *args, **kwargs):
    raise ValueError(f"trade documents load no external resource ({url[:60]})")


def render_trade_document_html(kind: str, data: dict) -> str:
    return render_to_string(TEMPLATES[kind], {"doc": data, "kind": kind})


def render_trade_document_pdf(kind: str, data: dict) -> bytes:
    """The document as PDF (WeasyPrint; CJK text needs a CJK font such as fonts-wqy-microhei or fonts-noto-cjk)."""
    import weasyprint

    html = render_trade_document_html(kind, data)
    return weasyprint.HTML(string=html, url_fetcher=_refuse_fetch).write_pdf()
