"""A workbook whose cells reach far beyond its data is refused before any grid is built (issue 19 item 1),
at upload and again in the worker; XML the reader refuses is a clean rejection at upload (item 14); a job
that keeps killing its worker is set aside as poison."""

from decimal import Decimal

import pytest
from django.core.files.base import ContentFile

from declarations.choices import ImportState
from declarations.models import Declaration, ImportJob
from declarations.services import imports
from declarations.services.imports import ImportRejected, import_job_create, import_job_run
from declarations.spreadsheets import reader
from declarations.spreadsheets.columns import GOODS_COLUMNS, HEAD_COLUMNS

from .conftest import goods_row, head_row, upload
from .handmade import data_rows, handmade_workbook, sheet_xml

pytestmark = pytest.mark.django_db

FAR_CORNER = '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'


def _reject(user, content: bytes) -> str:
    with pytest.raises(ImportRejected) as exc:
        import_job_create(user=user, uploaded_file=upload(content), dry_run=False, run_async=False)
    assert ImportJob.objects.count() == 0
    assert Declaration.objects.count() == 0
    return str(exc.value)


def _stored_job(user, content: bytes) -> ImportJob:
    """A job whose file never went through the upload checks (queued before them, or written by a script)."""
    job = ImportJob(user=user, file_name="old.xlsx", sha256="0" * 64, dry_run=False)
    job.file.save("old.xlsx", ContentFile(content), save=False)
    job.save()
    return job


def _hostile(exporter_a):
    goods = sheet_xml(data_rows(GOODS_COLUMNS, [goods_row("COP-00001")]), extra_cells=FAR_CORNER)
    return handmade_workbook([head_row(exporter_a)], [], goods_xml=goods)


def test_one_cell_at_xfd1048576_without_dimension_is_refused_at_upload(user_a, exporter_a, codes):
    content = _hostile(exporter_a)
    assert len(content) < 20_000
    message = _reject(user_a, content)
    assert message == (
        "The sheet “表体 Goods” has cells up to XFD1048576 (1,048,576 rows × 16,384 columns); at most 200,001 "
        "rows, 200 columns and 8,000,000 cells are read. Delete the rows and columns beyond your data (select "
        "them, Delete), save and upload again."
    )


def test_a_cell_at_a1048576_under_a_lying_dimension_is_refused(user_a, exporter_a, codes):
    head = sheet_xml(
        data_rows(HEAD_COLUMNS, [head_row(exporter_a)]),
        dimension="A1:AH2",
        extra_cells='<row r="1048576"><c r="A1048576"><v>1</v></c></row>',
    )
    message = _reject(user_a, handmade_workbook([], [goods_row("COP-00001")], head_xml=head))
    assert message.startswith("The sheet “表头 Declarations” has cells up to AH1048576 (1,048,576 rows × 34")


def test_the_worker_refuses_the_grid_before_calamine_reads_it(user_a, exporter_a, codes, monkeypatch):
    asked = []
    real = reader.CalamineWorkbook

    class Recording:
        def __init__(self, book):
            self.book, self.sheet_names = book, book.sheet_names

        @classmethod
        def from_path(cls, path):
            return cls(real.from_path(path))

        def get_sheet_by_name(self, name):
            asked.append(name)
            return self.book.get_sheet_by_name(name)

    monkeypatch.setattr(reader, "CalamineWorkbook", Recording)
    job = _stored_job(user_a, _hostile(exporter_a))
    job = import_job_run(job_id=job.pk, language="en")
    assert job.state == ImportState.FAILED
    assert "has cells up to XFD1048576" in job.error_message
    assert "unexpectedly" not in job.error_message
    assert Declaration.objects.count() == 0
    assert "表体 Goods" not in asked  # refused before calamine built its grid


def test_cells_without_references_count_towards_the_width(user_a, exporter_a, codes):
    wide = "<row>" + "<c><v>1</v></c>" * 300 + "</row>"
    goods = sheet_xml(data_rows(GOODS_COLUMNS, [goods_row("COP-00001")]), extra_cells=wide)
    message = _reject(user_a, handmade_workbook([head_row(exporter_a)], [], goods_xml=goods))
    assert "has cells up to KN3 (3 rows × 300 columns)" in message


def test_a_handmade_workbook_of_normal_size_imports(user_a, registered, exporter_a):
    """Clean twin: the same hand-written zip without the far cell is read and stored."""
    content = handmade_workbook([head_row(exporter_a)], [goods_row("COP-00001")])
    job = import_job_create(user=user_a, uploaded_file=upload(content), dry_run=False, run_async=False)
    job = import_job_run(job_id=job.pk, language="en")
    assert job.state == ImportState.DONE, job.error_message
    assert job.counts["create"] == 1
    line = Declaration.objects.get().lines.get()
    assert (line.price, line.total_price) == (Decimal("32"), Decimal("320"))


def test_cells_without_references_read_as_calamine_places_them(user_a, registered, exporter_a):
    """Clean twin of the width check: a generator that writes no r attributes is read, not refused."""
    head = {c.key: "" for c in HEAD_COLUMNS} | head_row(exporter_a)  # every cell written: none is skipped
    goods = {c.key: "" for c in GOODS_COLUMNS} | goods_row("COP-00001")
    content = handmade_workbook([head], [goods])
    import io
    import re
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as out:
        for name in source.namelist():
            data = source.read(name)
            if name.startswith("xl/worksheets/"):
                data = re.sub(rb'<c r="[A-Z]+\d+"', b"<c", data)
            out.writestr(name, data)
    job = import_job_create(
        user=user_a, uploaded_file=upload(buffer.getvalue()), dry_run=False, run_async=False
    )
    job = import_job_run(job_id=job.pk, language="en")
    assert job.state == ImportState.DONE, job.error_message
    assert job.counts["create"] == 1


def test_broken_xml_is_refused_at_upload(user_a, exporter_a, codes):
    goods = sheet_xml(data_rows(GOODS_COLUMNS, [goods_row("COP-00001")])).replace("</sheetData>", "")
    message = _reject(user_a, handmade_workbook([head_row(exporter_a)], [], goods_xml=goods))
    assert message.startswith("The workbook cannot be read: its part “表体 Goods” is not well-formed XML (")
    assert message.endswith("Open it in Excel or WPS, save it as .xlsx and upload it again.")


def test_a_document_type_declaration_is_refused_at_upload(user_a, exporter_a, codes):
    head = sheet_xml(data_rows(HEAD_COLUMNS, [head_row(exporter_a)])).replace(
        "?>", '?><!DOCTYPE worksheet [<!ENTITY a "aaaa">]>', 1
    )
    message = _reject(user_a, handmade_workbook([], [goods_row("COP-00001")], head_xml=head))
    assert message.startswith(
        "The workbook cannot be read: its part “表头 Declarations” is not well-formed XML"
    )


def test_a_calamine_error_in_the_worker_is_a_clear_failure(user_a, exporter_a, codes):
    """A stored file calamine cannot parse ends with a message saying what to do, not 'failed unexpectedly'."""
    goods = sheet_xml(data_rows(GOODS_COLUMNS, [goods_row("COP-00001")])).replace("</sheetData>", "")
    job = _stored_job(user_a, handmade_workbook([head_row(exporter_a)], [], goods_xml=goods))
    job = import_job_run(job_id=job.pk, language="en")
    assert job.state == ImportState.FAILED
    assert job.error_message.startswith("The workbook cannot be read (")
    assert "unexpectedly" not in job.error_message


# --- poison ---


def test_a_job_that_killed_its_worker_three_times_is_set_aside(user_a, exporter_a, codes, monkeypatch):
    content = handmade_workbook([head_row(exporter_a)], [goods_row("COP-00001")])
    job = import_job_create(user=user_a, uploaded_file=upload(content), dry_run=False, run_async=False)
    ImportJob.objects.filter(pk=job.pk).update(state=ImportState.RUNNING, deliveries=3)
    monkeypatch.setattr(imports, "_run", lambda job: pytest.fail("a poisoned job must not run"))
    job = import_job_run(job_id=job.pk, language="en")
    assert job.state == ImportState.FAILED
    assert job.deliveries == 4
    assert job.error_message.startswith("The import was started 3 times and its worker stopped each time")
    assert Declaration.objects.count() == 0


def test_each_delivery_is_counted_before_the_work_starts(user_a, registered, exporter_a, monkeypatch):
    """Clean twin: a job started for the third time still runs, and the count is stored before it does."""
    content = handmade_workbook([head_row(exporter_a)], [goods_row("COP-00001")])
    job = import_job_create(user=user_a, uploaded_file=upload(content), dry_run=False, run_async=False)
    ImportJob.objects.filter(pk=job.pk).update(state=ImportState.RUNNING, deliveries=2)
    seen = []
    real = imports._run

    def run(job):
        seen.append(ImportJob.objects.get(pk=job.pk).deliveries)
        return real(job)

    monkeypatch.setattr(imports, "_run", run)
    job = import_job_run(job_id=job.pk, language="en")
    assert seen == [3]
    assert job.state == ImportState.DONE
    assert job.counts["create"] == 1


def test_the_worker_reuses_the_upload_scan_of_the_same_file(user_a, registered, exporter_a, monkeypatch):
    """The upload streamed the sheets once; the worker does not pay for it again (a job from before has none)."""
    head = head_row(exporter_a, freight=("formula", "80+20"))
    content = handmade_workbook([head], [goods_row("COP-00001")])
    job = import_job_create(user=user_a, uploaded_file=upload(content), dry_run=False, run_async=False)
    assert set(job.sheet_scans) == {"表头 Declarations", "表体 Goods"}
    monkeypatch.setattr(reader, "scan_sheet", lambda *a, **k: pytest.fail("streamed again"))

    job = import_job_run(job_id=job.pk, language="en")

    assert job.state == ImportState.DONE
    assert [e["code"] for e in job.counts["first_errors"]] == ["FORMULA_WITHOUT_VALUE"]


def test_broken_xml_in_a_sheet_above_the_parse_bound_fails_with_a_clear_message(
    user_a, exporter_a, codes, settings
):
    """Above IMPORT_XML_CHECK_BYTES the upload does not parse a data sheet fully; calamine's refusal in the
    worker is still a clear failure, never 'failed unexpectedly'."""
    settings.IMPORT_XML_CHECK_BYTES = 100
    goods = sheet_xml(data_rows(GOODS_COLUMNS, [goods_row("COP-00001")])).replace("</sheetData>", "")
    content = handmade_workbook([head_row(exporter_a)], [], goods_xml=goods)
    job = import_job_create(user=user_a, uploaded_file=upload(content), dry_run=False, run_async=False)
    job = import_job_run(job_id=job.pk, language="en")
    assert job.state == ImportState.FAILED
    assert job.error_message.startswith("The workbook cannot be read (")
    assert Declaration.objects.count() == 0
