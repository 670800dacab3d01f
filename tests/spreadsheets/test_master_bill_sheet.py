"""The template's master bill sheet (总分单): a broker files master bills in bulk through the master bill
services and rules; each problem lands on its sheet, row and cell in the report; nothing of another tenant is
found or changed; a dry run stores nothing."""

import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from declarations.choices import DeclarationStatus
from declarations.models import MasterBill
from declarations.spreadsheets.master_bill_sheet import MASTER_BILL_COLUMNS, SHEET_MASTER_BILLS
from declarations.spreadsheets.template import template_bytes
from tests import factories as f
from tests.spreadsheets.conftest import report_book, report_errors, run_import

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def exchange_dirs(settings, tmp_path):
    settings.OUTBOX_DIR = tmp_path / "outbox"
    settings.OUTBOX_DIR.mkdir()


def _released(agent, n: int, **overrides):
    values = dict(
        agent=agent,
        status=DeclarationStatus.RELEASED,
        invt_no=f"51412026E{n:09d}",
        logistics_no=f"SF{n:010d}",
        gross_weight=Decimal("42.5"),
        submitted_at=datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC),
    )
    values.update(overrides)
    return f.DeclarationFactory(**values)


def _bill_row(declaration, **overrides) -> dict:
    row = {
        "billNo": "MBL-XL-1",
        "trafName": "粤A12345",
        "voyageNo": "20261205",
        "grossWeight": "85",
        "packNo": "8",
        "invtNo": declaration.invt_no,
        "logisticsNo": declaration.logistics_no,
    }
    row.update(overrides)
    return row


def _workbook(rows: list[dict]) -> bytes:
    book = load_workbook(io.BytesIO(template_bytes()))
    ws = book[SHEET_MASTER_BILLS]
    index = {cell.value: cell.column for cell in ws[1]}
    for r, row in enumerate(rows, start=2):
        for column in MASTER_BILL_COLUMNS:
            if column.key in row:
                ws.cell(row=r, column=index[column.header], value=row[column.key])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_the_template_has_the_sheet_with_its_columns():
    book = load_workbook(io.BytesIO(template_bytes()))
    headers = [cell.value for cell in book[SHEET_MASTER_BILLS][1]]
    assert headers == [c.header for c in MASTER_BILL_COLUMNS]
    assert headers[:7] == [
        "*提运单号 (billNo)",
        "*运输工具名称 (trafName)",
        "*航班航次号 (voyageNo)",
        "*毛重（千克） (grossWeight)",
        "*件数 (packNo)",
        "*清单编号 (invtNo)",
        "*物流运单编号 (logisticsNo)",
    ]
    assert book[SHEET_MASTER_BILLS].max_row == 1  # no example rows: every row is imported


def test_rows_with_one_billNo_become_one_draft_master_bill(codes, broker_c, user_c):
    lists = [_released(broker_c, 1), _released(broker_c, 2)]
    job = run_import(
        user_c, _workbook([_bill_row(lists[0]), _bill_row(lists[1], trafName="", grossWeight="")])
    )

    assert job.counts["master_bills"] == 1 and job.counts["errors"] == 0
    bill = MasterBill.objects.get()
    assert (bill.agent, bill.status, bill.bill_no, bill.traf_name, bill.voyage_no) == (
        broker_c,
        MasterBill.Status.DRAFT,
        "MBL-XL-1",
        "粤A12345",
        "20261205",
    )
    assert (bill.gross_weight, bill.pack_no, bill.customs_code, bill.traf_mode) == (
        Decimal("85"),
        8,
        "5141",
        "4",
    )
    assert [(i.gnum, i.invt_no, i.logistics_no) for i in bill.items.order_by("gnum")] == [
        (1, lists[0].invt_no, lists[0].logistics_no),
        (2, lists[1].invt_no, lists[1].logistics_no),
    ]


def test_a_submitting_upload_sends_the_master_bill(codes, broker_c, user_c):
    lists = [_released(broker_c, 1)]
    job = run_import(user_c, _workbook([_bill_row(lists[0], grossWeight="50")]), submit=True)
    assert job.counts["master_bills"] == 1
    assert MasterBill.objects.get().status == MasterBill.Status.SENT


def test_each_problem_names_its_sheet_row_and_cell_and_nothing_is_stored(codes, broker_c, user_c, exporter_b):
    mine = [_released(broker_c, 1), _released(broker_c, 2)]
    theirs = _released(f.EnterpriseFactory(), 9, enterprise=exporter_b)
    rows = [
        _bill_row(mine[0], billNo="MBL-A", grossWeight="10"),  # below the lists' 42.5 kg
        _bill_row(mine[1], billNo="MBL-B", trafName="", logisticsNo="SF-WRONG"),
        _bill_row(theirs, billNo="MBL-C"),  # another tenant's list: not found
        _bill_row(mine[1], billNo="MBL-A", voyageNo="OTHER", grossWeight=""),  # the head differs within MBL-A
    ]
    job = run_import(user_c, _workbook(rows))

    assert job.counts["master_bills"] == 0
    assert not MasterBill.objects.exists()
    errors = report_errors(report_book(job))
    assert errors == [
        (SHEET_MASTER_BILLS, 3, "logisticsNo", "MBI_WAYBILL_MISMATCH"),
        (SHEET_MASTER_BILLS, 3, "trafName", "MBI_REQUIRED"),
        (SHEET_MASTER_BILLS, 4, "invtNo", "MBI_LIST_UNKNOWN"),
        (SHEET_MASTER_BILLS, 5, "voyageNo", "MBI_HEAD_DIFFERS"),
    ]
    first = {(e["row"], e["key"]): e for e in job.counts["first_errors"]}
    assert first[(4, "invtNo")]["cell"] == "F4"
    assert first[(4, "invtNo")]["message"] == f"No inventory list {theirs.invt_no} of yours was found."


def test_the_rules_of_the_web_form_apply(codes, broker_c, user_c):
    lists = [_released(broker_c, 1), _released(broker_c, 2)]
    job = run_import(
        user_c, _workbook([_bill_row(lists[0], grossWeight="80"), _bill_row(lists[1], grossWeight="")])
    )
    errors = report_errors(report_book(job))
    assert errors == [(SHEET_MASTER_BILLS, 2, "grossWeight", "MB_GROSS_WEIGHT_BELOW_LISTS")]
    assert not MasterBill.objects.exists()


def test_a_dry_run_checks_and_stores_nothing(codes, broker_c, user_c):
    lists = [_released(broker_c, 1)]
    job = run_import(user_c, _workbook([_bill_row(lists[0], grossWeight="50")]), dry_run=True)
    assert (job.counts["master_bills"], job.counts["errors"]) == (0, 0)
    assert not MasterBill.objects.exists()
