import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import load_workbook

from declarations.models import CustomsOffice
from declarations.services.codes import code_tables_load
from declarations.services.imports import import_job_create, import_job_run
from declarations.spreadsheets.columns import GOODS_COLUMNS, HEAD_COLUMNS, SHEET_GOODS, SHEET_HEAD
from declarations.spreadsheets.template import template_bytes
from tests import factories as f


@pytest.fixture(autouse=True)
def english(settings):
    """Assertions read English messages: the services, commands and pages all run in English here."""
    with translation.override("en"):
        yield


@pytest.fixture
def client(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def codes(db):
    code_tables_load()


@pytest.fixture
def registered(codes, exporter_a, exporter_b):
    """Both exporters registered at 5141, so the rules engine accepts their declarations."""
    office = CustomsOffice.objects.get(code="5141")
    for enterprise in (exporter_a, exporter_b):
        f.RegistrationFactory(enterprise=enterprise, customs_office=office)


@pytest.fixture
def user_a(exporter_a):
    return f.MembershipFactory(enterprise=exporter_a, user__username="alice").user


@pytest.fixture
def user_b(exporter_b):
    return f.MembershipFactory(enterprise=exporter_b, user__username="bob").user


@pytest.fixture
def user_c(broker_c):
    return f.MembershipFactory(enterprise=broker_c, user__username="carol").user


def head_row(enterprise, n: int = 1, **overrides) -> dict:
    row = {
        "copNo": f"COP-{n:05d}",
        "mode": "9710",
        "channel": "list",
        "ebcCode": enterprise.customs_code,
        "orderNo": f"XL-ORDER-{n:05d}",
        "customsCode": "5141",
        "portCode": "5141",
        "ebpCode": "无",
        "ebpName": "Example Global B2B Marketplace",
        "logisticsCode": "4401980ABC",
        "logisticsName": "示例国际物流有限公司",
        "logisticsNo": f"SF{n:010d}",
        "ieDate": datetime.date.today().isoformat(),
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
        "goodsInfo": "不锈钢保温杯",
    }
    row.update(overrides)
    return row


def goods_row(cop_no: str, gnum: int = 1, **overrides) -> dict:
    row = {
        "copNo": cop_no,
        "gnum": str(gnum),
        "itemNo": f"SKU-{gnum:04d}",
        "itemName": "不锈钢保温杯",
        "gcode": "9617001100",
        "gname": "保温杯",
        "gmodel": "不锈钢|500ml|无品牌",
        "barCode": "无",
        "country": "502",
        "currency": "142",
        "qty": "10",
        "unit": "007",
        "qty1": "10",
        "unit1": "007",
        "price": "32",
        "totalPrice": "320",
        "licence": "N",
        "inspection": "N",
        "tax": "N",
    }
    row.update(overrides)
    return row


def fill_template(
    heads: list[dict], goods: list[dict], *, template: bytes | None = None, formulas_as_text: bool = True
) -> bytes:
    """Fill the exported template as a user would: by the header cells, values typed as given."""
    book = load_workbook(io.BytesIO(template or template_bytes()))
    for sheet_name, columns, rows in ((SHEET_HEAD, HEAD_COLUMNS, heads), (SHEET_GOODS, GOODS_COLUMNS, goods)):
        ws = book[sheet_name]
        index = {cell.value: cell.column for cell in ws[1]}
        for r, row in enumerate(rows, start=2):
            for column in columns:
                if column.key in row:
                    cell = ws.cell(row=r, column=index[column.header], value=row[column.key])
                    if formulas_as_text and cell.data_type == "f":
                        cell.data_type = "s"  # typed as text ('=...), not a formula
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(content: bytes, name: str = "upload.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )


def run_import(
    user,
    content: bytes,
    *,
    dry_run: bool = False,
    submit: bool = False,
    name: str = "upload.xlsx",
    language: str = "en",
):
    job = import_job_create(
        user=user, uploaded_file=upload(content, name), dry_run=dry_run, submit=submit, run_async=False
    )
    return import_job_run(job_id=job.pk, language=language)


def report_book(job):
    with job.report.open("rb") as fh:
        return load_workbook(io.BytesIO(fh.read()))


def report_errors(book) -> list[tuple]:
    """(sheet, row, column key, code) of each row of the report's errors sheet (the key read from the
    column's header "label (key)"; a header-row problem keeps the header text)."""
    from declarations.spreadsheets.columns import SHEET_ERRORS
    from declarations.spreadsheets.reader import parse_header

    out = []
    # Sheet, Row, Cell, copNo, Column, Code, Message, Severity (titles in the job's language)
    for sheet, row, _cell, _cop, column, code, *_rest in book[SHEET_ERRORS].iter_rows(
        min_row=2, values_only=True
    ):
        key = parse_header(column or "")[1] if row > 1 else ""
        out.append((sheet, row, key or column or "", code))
    return out
