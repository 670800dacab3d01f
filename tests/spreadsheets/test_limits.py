"""Hostile or oversize files are refused before parsing, with the reason, and nothing is stored."""

import io
import random
import string
import zipfile

import pytest

from declarations.choices import ImportState
from declarations.models import Declaration, ImportJob
from declarations.services.imports import ImportRejected, import_job_create

from .conftest import fill_template, goods_row, head_row, report_book, report_errors, run_import, upload

pytestmark = pytest.mark.django_db


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _reject(user, content: bytes) -> str:
    with pytest.raises(ImportRejected) as exc:
        import_job_create(user=user, uploaded_file=upload(content), dry_run=False, run_async=False)
    assert ImportJob.objects.count() == 0
    assert Declaration.objects.count() == 0
    return str(exc.value)


def test_too_large(user_a, settings):
    settings.UPLOAD_MAX_BYTES = 1024
    assert _reject(user_a, b"PK" + b"x" * 2048) == "The file is 0.0 MB; at most 0.0 MB are accepted."


def test_not_a_zip(user_a):
    assert _reject(user_a, b"orderNo,copNo\n1,2\n") == "This is not an Excel workbook (.xlsx)."


def test_zip_that_is_not_a_workbook(user_a):
    assert _reject(user_a, _zip({"hello.txt": b"hi"})) == "This is not an Excel workbook (.xlsx)."


def test_truncated_zip(user_a, codes):
    content = fill_template([], [])
    assert _reject(user_a, content[: len(content) // 2]) == "This is not an Excel workbook (.xlsx)."


def test_zip_bomb_by_total_size(user_a, settings):
    settings.IMPORT_MAX_UNCOMPRESSED_BYTES = 1024 * 1024
    content = _zip(
        {
            "[Content_Types].xml": b"<x/>",
            "xl/workbook.xml": b"<x/>",
            "xl/worksheets/sheet1.xml": b"0" * (2 * 1024 * 1024),
        }
    )
    assert _reject(user_a, content) == "The workbook unpacks to 2 MB; at most 1 MB are accepted."


def test_zip_bomb_by_compression_ratio(user_a):
    content = _zip(
        {
            "[Content_Types].xml": b"<x/>",
            "xl/workbook.xml": b"<x/>",
            "xl/worksheets/sheet1.xml": b"0" * (8 * 1024 * 1024),
        }
    )
    assert _reject(user_a, content) == "The workbook is compressed suspiciously well (a zip bomb?)."


def with_big_cell(content: bytes, text: str) -> bytes:
    """openpyxl truncates long strings, so write the oversize cell into the XML by hand."""
    source = zipfile.ZipFile(io.BytesIO(content))
    members = {info.filename: source.read(info.filename) for info in source.infolist()}
    for name, data in members.items():
        if name.startswith("xl/") and b"BIG-CELL" in data:
            members[name] = data.replace(b"BIG-CELL", text.encode())
    return _zip(members)


def test_ten_megabytes_of_one_letter_in_one_cell(user_a, exporter_a, codes):
    content = with_big_cell(
        fill_template([head_row(exporter_a, 1, note="BIG-CELL")], []), "A" * (10 * 1024 * 1024)
    )
    assert _reject(user_a, content) == "The workbook is compressed suspiciously well (a zip bomb?)."


def test_ten_megabytes_of_random_text_in_one_cell_is_a_row_error(registered, user_a, exporter_a):
    text = "".join(random.Random(5).choices(string.ascii_letters, k=10 * 1024 * 1024))
    content = with_big_cell(
        fill_template([head_row(exporter_a, 1, note="BIG-CELL")], [goods_row("COP-00001")]), text
    )
    job = run_import(user_a, content)
    assert job.state == ImportState.DONE
    assert job.counts["reject"] == 1
    assert Declaration.objects.count() == 0
    errors = report_errors(report_book(job))
    assert ("表头 Declarations", 2, "note", "CELL_TOO_LONG") in errors


def test_too_many_rows(user_a, exporter_a, codes, settings):
    settings.IMPORT_MAX_ROWS = 5
    content = fill_template([head_row(exporter_a, 1)], [goods_row("COP-00001", n) for n in range(1, 11)])
    assert _reject(user_a, content) == "The workbook has 11 rows; at most 5 are accepted."
