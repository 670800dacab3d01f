"""The template's master bill sheet (清单总分单, CEB607): one row per list, rows with the same billNo are one
master bill (its head taken from its first row). Written into the template and read from an upload here; the
import itself is services/master_bill_import.py."""

from __future__ import annotations

from dataclasses import dataclass, field

from declarations.spreadsheets.columns import (
    CODE,
    DECIMAL,
    INTEGER,
    LIST_OFFICE,
    LIST_TRANSPORT,
    TEXT,
    Column,
)
from declarations.spreadsheets.reader import Limits, Row, Sheet, _read_sheet

SHEET_MASTER_BILLS = "总分单 Master bills"

MASTER_BILL_COLUMNS: tuple[Column, ...] = (
    Column("billNo", "提运单号", CODE, True, attr="bill_no"),
    Column("trafName", "运输工具名称", TEXT, True, attr="traf_name"),
    Column("voyageNo", "航班航次号", CODE, True, attr="voyage_no"),
    Column("grossWeight", "毛重（千克）", DECIMAL, True, attr="gross_weight"),
    Column("packNo", "件数", INTEGER, True, attr="pack_no"),
    Column("invtNo", "清单编号", CODE, True),
    Column("logisticsNo", "物流运单编号", CODE, True),
    Column("trafMode", "运输方式", CODE, False, LIST_TRANSPORT, 1, attr="traf_mode"),
    Column("customsCode", "申报地海关代码", CODE, False, LIST_OFFICE, 4, attr="customs_code"),
    Column("agentCode", "申报企业代码", CODE),
    Column("note", "备注", TEXT, attr="note"),
)
# The head's columns: the same value on every row of one bill (its first row's counts).
HEAD_KEYS = (
    "billNo",
    "trafName",
    "voyageNo",
    "grossWeight",
    "packNo",
    "trafMode",
    "customsCode",
    "agentCode",
    "note",
)


@dataclass
class BillRows:
    """One master bill of the sheet: its rows in sheet order (the first carries the head)."""

    bill_no: str
    rows: list[Row] = field(default_factory=list)

    @property
    def head(self) -> Row:
        return self.rows[0]


def read_master_bill_sheet(path, limits: Limits | None = None, scans: dict | None = None) -> Sheet:
    """The master bill sheet as read (``present`` False when the workbook has none)."""
    return _read_sheet(path, SHEET_MASTER_BILLS, MASTER_BILL_COLUMNS, limits or Limits(), scans)


def bills_of(sheet: Sheet) -> list[BillRows]:
    """The sheet's rows grouped by billNo in order of first appearance; a row without billNo is its own group."""
    groups: dict[str, BillRows] = {}
    for row in sheet.rows:
        bill_no = str(row.values.get("billNo") or "")
        key = bill_no or f"#row{row.number}"
        groups.setdefault(key, BillRows(bill_no)).rows.append(row)
    return list(groups.values())


def add_master_bill_sheet(book, ranges: dict[str, str], write_sheet) -> None:
    """The template's master bill sheet, after the data sheets (empty: every row of it is imported)."""
    write_sheet(book.create_sheet(SHEET_MASTER_BILLS, 3), MASTER_BILL_COLUMNS, ranges)
