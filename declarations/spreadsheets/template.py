"""The downloadable bulk-upload template (openpyxl): instructions, two data sheets, hidden code lists."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from declarations.choices import Channel, Mode
from declarations.spreadsheets.master_bill_sheet import add_master_bill_sheet

from .columns import (
    GOODS_COLUMNS,
    HEAD_COLUMNS,
    LIST_CHANNEL,
    LIST_COUNTRY,
    LIST_CURRENCY,
    LIST_FLAG,
    LIST_MODE,
    LIST_OFFICE,
    LIST_PACKING,
    LIST_TRANSPORT,
    LIST_UNIT,
    SHEET_CODES,
    SHEET_GOODS,
    SHEET_HEAD,
    SHEET_INSTRUCTIONS,
    Column,
)

MAX_DATA_ROW = 1048576
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
REQUIRED_FONT = Font(bold=True, color="C00000")

# One example declaration (also used by the round-trip test); codes exist in the shipped code tables.
EXAMPLE_HEAD = {
    "copNo": "EXAMPLE-0001",
    "mode": "9710",
    "channel": "list",
    "ebcCode": "4401900001",
    "orderNo": "B2B-ORDER-000001",
    "customsCode": "5141",
    "portCode": "5141",
    "ebpCode": "无",
    "ebpName": "Example Global B2B Marketplace",
    "logisticsCode": "4401980ABC",
    "logisticsName": "示例国际物流有限公司",
    "logisticsNo": "SF0000000001",
    "ieDate": "2025-03-01",
    "trafMode": "4",
    "country": "502",
    "POD": "502",
    "currency": "142",
    "freight": "150",
    "insuredFee": "0",
    "wrapType": "2",
    "packNo": "4",
    "grossWeight": "42.5",
    "netWeight": "40",
}
EXAMPLE_GOODS = {
    "copNo": "EXAMPLE-0001",
    "gnum": "1",
    "itemNo": "SKU-0001",
    "itemName": "不锈钢保温杯",
    "gcode": "9617001100",
    "gname": "保温杯",
    "gmodel": "不锈钢|500ml|无品牌",
    "barCode": "无",
    "country": "502",
    "currency": "142",
    "qty": "100",
    "unit": "007",
    "qty1": "100",
    "unit1": "007",
    "price": "32",
    "totalPrice": "3200",
    "licence": "N",
    "inspection": "N",
    "tax": "N",
}


def code_lists() -> dict[str, list[str]]:
    """Dropdown entries "code name" per list; the reader keeps only the code."""
    from declarations.models import Country, Currency, CustomsOffice, PackingType, TransportMode, Unit

    def named(qs):
        return [f"{code} {name}" for code, name in qs.values_list("code", "name_zh")]

    return {
        LIST_MODE: [str(v) for v in Mode.values],
        LIST_CHANNEL: [str(v) for v in Channel.values],
        LIST_FLAG: ["Y", "N"],
        LIST_OFFICE: named(CustomsOffice.objects.order_by("code")),
        LIST_COUNTRY: named(Country.objects.filter(declarable=True).order_by("code")),
        LIST_CURRENCY: named(Currency.objects.order_by("code")),
        LIST_UNIT: named(Unit.objects.order_by("code")),
        LIST_TRANSPORT: named(TransportMode.objects.order_by("code")),
        LIST_PACKING: named(PackingType.objects.filter(kind=PackingType.Kind.CEB).order_by("code")),
    }


def _instructions() -> list[str]:
    return [
        _("How to fill this template"),
        _("1. One row per declaration on the sheet “%(head)s”, one row per goods line on “%(goods)s”.")
        % {"head": SHEET_HEAD, "goods": SHEET_GOODS},
        _("2. Goods rows belong to the declaration with the same enterprise document number (copNo)."),
        _(
            "3. Columns marked * are required. Columns may be in any order; a header needs only its key or label."
        ),
        _("4. Code columns are text: keep leading zeros (unit 007). Dropdowns list the valid codes."),
        _("5. ebcCode is the exporter's customs code or unified social credit code."),
        _("6. Leave the channel empty to use the recommended one; 9810 needs the overseas warehouse name."),
        _("7. licence / inspection / tax: Y or N. Dates: YYYY-MM-DD."),
        _(
            "8. Uploading the same file again updates the same drafts (matched by copNo); nothing is duplicated."
        ),
        "",
        _("Example"),
    ]


def _write_sheet(ws, columns: tuple[Column, ...], lists: dict[str, str]) -> None:
    for index, column in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=index, value=column.header)
        cell.fill = HEADER_FILL
        if column.required:
            cell.font = REQUIRED_FONT
        letter = get_column_letter(index)
        dimension = ws.column_dimensions[letter]
        dimension.width = max(14, len(column.header) + 6)
        if column.text_format:
            dimension.number_format = "@"
        if column.codes and column.codes in lists:
            validation = DataValidation(type="list", formula1=lists[column.codes], allow_blank=True)
            validation.add(f"{letter}2:{letter}{MAX_DATA_ROW}")
            ws.add_data_validation(validation)
    ws.freeze_panes = "A2"


def build_template(*, lists: dict[str, list[str]] | None = None) -> Workbook:
    lists = code_lists() if lists is None else lists
    book = Workbook()
    intro = book.active
    intro.title = SHEET_INSTRUCTIONS
    for row, text in enumerate(_instructions(), start=1):
        intro.cell(row=row, column=1, value=text)
    intro.column_dimensions["A"].width = 100
    start = len(_instructions()) + 1
    for offset, (columns, example) in enumerate(
        ((HEAD_COLUMNS, EXAMPLE_HEAD), (GOODS_COLUMNS, EXAMPLE_GOODS))
    ):
        row = start + offset * 3
        for index, column in enumerate(columns, start=1):
            intro.cell(row=row, column=index + 1, value=column.header).fill = HEADER_FILL
            cell = intro.cell(row=row + 1, column=index + 1, value=example.get(column.key, ""))
            cell.number_format = "@"
        intro.cell(row=row, column=1, value=SHEET_HEAD if offset == 0 else SHEET_GOODS)

    codes = book.create_sheet(SHEET_CODES)
    ranges: dict[str, str] = {}
    for index, (name, values) in enumerate(lists.items(), start=1):
        letter = get_column_letter(index)
        codes.cell(row=1, column=index, value=name)
        for row, value in enumerate(values, start=2):
            codes.cell(row=row, column=index, value=value).number_format = "@"
        last = max(2, len(values) + 1)
        ranges[name] = f"{quote_sheetname(SHEET_CODES)}!${letter}$2:${letter}${last}"
    codes.sheet_state = "hidden"

    head = book.create_sheet(SHEET_HEAD, 1)
    _write_sheet(head, HEAD_COLUMNS, ranges)
    goods = book.create_sheet(SHEET_GOODS, 2)
    _write_sheet(goods, GOODS_COLUMNS, ranges)
    add_master_bill_sheet(book, ranges, _write_sheet)  # master bills filed in bulk (master_bill_sheet.py)
    return book


def template_bytes(**kwargs) -> bytes:
    buffer = io.BytesIO()
    build_template(**kwargs).save(buffer)
    return buffer.getvalue()
