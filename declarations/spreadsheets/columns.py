"""The spreadsheet contract: sheets and columns of the bulk-upload template.

Keys are CEB element names where one exists (so findings, which name CEB elements, land on the right cell);
the template writer, the reader and the error report all use these tables and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass

from declarations.models import CEB_HEAD_FIELDS, CEB_LINE_FIELDS

SHEET_INSTRUCTIONS = "说明 Instructions"
SHEET_HEAD = "表头 Declarations"
SHEET_GOODS = "表体 Goods"
SHEET_CODES = "代码 Codes"
SHEET_ERRORS = "错误 Errors"

# Kinds decide how the reader normalises a cell (reader.normalise).
TEXT, CODE, DECIMAL, INTEGER, DATE, FLAG = "text", "code", "decimal", "integer", "date", "flag"

# Code lists the dropdowns reference (hidden codes sheet), by name.
LIST_MODE, LIST_CHANNEL, LIST_FLAG = "mode", "channel", "flag"
LIST_OFFICE, LIST_COUNTRY, LIST_CURRENCY, LIST_UNIT = "office", "country", "currency", "unit"
LIST_TRANSPORT, LIST_PACKING = "transport", "packing"


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # Chinese label; the header cell reads "label (key)"
    kind: str = TEXT
    required: bool = False
    codes: str = ""  # dropdown list name, "" for none
    width: int = 0  # zero-padding of a numeric code that lost its leading zeros (unit 7 -> 007)
    attr: str = ""  # model field; "" when the service resolves it (ebcCode, warehouse)

    @property
    def header(self) -> str:
        return f"{'*' if self.required else ''}{self.label} ({self.key})"

    @property
    def text_format(self) -> bool:
        """Cells Excel must keep as text so leading zeros survive."""
        return self.kind in (CODE, TEXT)


def _h(key, label, kind=TEXT, required=False, codes="", width=0, attr=None) -> Column:
    return Column(
        key, label, kind, required, codes, width, CEB_HEAD_FIELDS.get(key, "") if attr is None else attr
    )


def _g(key, label, kind=TEXT, required=False, codes="", width=0, attr=None) -> Column:
    return Column(
        key, label, kind, required, codes, width, CEB_LINE_FIELDS.get(key, "") if attr is None else attr
    )


HEAD_COLUMNS: tuple[Column, ...] = (
    _h("copNo", "企业内部编号", CODE, True),
    _h("mode", "监管方式", CODE, True, LIST_MODE, attr="mode"),
    _h("channel", "通关渠道", CODE, codes=LIST_CHANNEL, attr="channel"),
    _h("ebcCode", "电商企业代码", CODE, True),
    _h("warehouse", "海外仓名称", TEXT),
    _h("orderNo", "订单编号", CODE, True),
    _h("customsCode", "申报地海关代码", CODE, True, LIST_OFFICE, 4),
    _h("portCode", "出口口岸代码", CODE, True, LIST_OFFICE, 4),
    _h("ebpCode", "电商平台代码", CODE),
    _h("ebpName", "电商平台名称", TEXT),
    _h("logisticsCode", "物流企业代码", CODE),
    _h("logisticsName", "物流企业名称", TEXT),
    _h("logisticsNo", "物流运单编号", CODE),
    _h("ownerCode", "生产销售单位代码", CODE),
    _h("ownerName", "生产销售单位名称", TEXT),
    _h("ieDate", "出口日期", DATE),
    _h("trafMode", "运输方式", CODE, True, LIST_TRANSPORT, 1),
    _h("trafName", "运输工具名称", TEXT),
    _h("voyageNo", "航班航次号", CODE),
    _h("billNo", "提运单号", CODE),
    _h("totalPackageNo", "总包号", CODE),
    _h("loctNo", "监管场所代码", CODE),
    _h("licenseNo", "许可证号", CODE),
    _h("country", "运抵国", CODE, True, LIST_COUNTRY, 3),
    _h("POD", "指运港代码", CODE),
    _h("currency", "币制", CODE, True, LIST_CURRENCY, 3),
    _h("freight", "运费", DECIMAL),
    _h("insuredFee", "保费", DECIMAL),
    _h("wrapType", "包装种类", CODE, True, LIST_PACKING, 1),
    _h("packNo", "件数", INTEGER, True),
    _h("grossWeight", "毛重(千克)", DECIMAL, True),
    _h("netWeight", "净重(千克)", DECIMAL, True),
    _h("goodsInfo", "主要货物信息", TEXT),
    _h("note", "备注", TEXT),
)

GOODS_COLUMNS: tuple[Column, ...] = (
    _g("copNo", "企业内部编号", CODE, True, attr=""),
    _g("gnum", "商品序号", INTEGER),
    _g("itemNo", "企业商品货号", CODE, True),
    _g("itemName", "企业商品名称", TEXT),
    _g("gcode", "商品编码", CODE, True),
    _g("gname", "商品名称", TEXT, True),
    _g("gmodel", "规格型号", TEXT, True),
    _g("barCode", "条码", CODE),
    _g("country", "最终目的国", CODE, True, LIST_COUNTRY, 3),
    _g("currency", "币制", CODE, True, LIST_CURRENCY, 3),
    _g("qty", "申报数量", DECIMAL, True),
    _g("unit", "申报计量单位", CODE, True, LIST_UNIT, 3),
    _g("qty1", "法定数量", DECIMAL, True),
    _g("unit1", "法定计量单位", CODE, True, LIST_UNIT, 3),
    _g("qty2", "第二法定数量", DECIMAL),
    _g("unit2", "第二法定计量单位", CODE, codes=LIST_UNIT, width=3),
    _g("price", "单价", DECIMAL, True),
    _g("totalPrice", "总价", DECIMAL, True),
    _g("licence", "涉证", FLAG, codes=LIST_FLAG, attr="licence"),
    _g("inspection", "涉检", FLAG, codes=LIST_FLAG, attr="inspection"),
    _g("tax", "涉税", FLAG, codes=LIST_FLAG, attr="tax"),
    _g("note", "备注", TEXT),
)

SHEET_COLUMNS: dict[str, tuple[Column, ...]] = {SHEET_HEAD: HEAD_COLUMNS, SHEET_GOODS: GOODS_COLUMNS}

# The report appends this column; the reader ignores it, so a corrected report can be uploaded again.
STATUS_HEADER = "状态 Status"
