"""The error workbook can always be written (issue 19 item 6) and can be corrected and uploaded again (issue 20
part 7): characters XML refuses are dropped, a submitting job is never failed by its report, the errors sheet
names copNo, cell, column and severity in the user's language, and the dropdowns and code sheet survive."""

import io

import pytest
from django.core.files.base import ContentFile
from openpyxl import load_workbook

from declarations.choices import ImportState
from declarations.messages.customs_declaration import render_declaration_xlsx
from declarations.models import Declaration, ImportJob
from declarations.services import imports
from declarations.services.imports import ImportRejected, import_job_create, import_job_run
from declarations.spreadsheets.report import safe_value, xml_text

from .conftest import fill_template, goods_row, head_row, report_book, run_import, upload
from .handmade import handmade_workbook

pytestmark = pytest.mark.django_db
HOSTILE = "A\ufffeB\uffffC\x01D\x1fE\ud800F"


def test_xml_text_drops_every_character_xml_refuses():
    assert xml_text(HOSTILE) == "ABCDEF"
    assert xml_text("tab\tLF\nCR\r 中文 \u00a0€") == "tab\tLF\nCR\r 中文 \u00a0€"  # clean twin: all kept
    assert safe_value("=\ufffe1") == "'=1"


def test_a_rejected_row_with_u_fffe_gets_its_report(registered, exporter_a, user_a, settings, tmp_path):
    """U+FFFE/U+FFFF as raw UTF-8 in the sheet (calamine reads them; the upload check now refuses such XML, so
    the job is made as one queued before it) and controls written as Excel's _x0001_ escapes."""
    settings.OUTBOX_DIR = tmp_path / "outbox"
    good = head_row(exporter_a, 1)
    bad = head_row(
        exporter_a, 2, grossWeight="heavy", note="A\ufffeB\uffffC_x0001_D_x001F_E", goodsInfo="\uffff"
    )
    goods = [goods_row("COP-00001"), goods_row("COP-00002", gmodel="x\ufffey")]
    job = ImportJob(user=user_a, file_name="u.xlsx", sha256="0" * 64, dry_run=False, submit=True)
    job.file.save("u.xlsx", ContentFile(handmade_workbook([good, bad], goods)), save=False)
    job.save()

    job = import_job_run(job_id=job.pk, language="en")

    assert job.state == ImportState.DONE, job.error_message
    assert (job.counts["create"], job.counts["reject"], job.counts["submitted"]) == (1, 1, 1)
    book = report_book(job)
    headers = [cell.value for cell in book["表头 Declarations"][1]]
    assert book["表头 Declarations"].cell(row=3, column=headers.index("备注 (note)") + 1).value == "ABCDE"


def test_u_fffe_in_the_sheet_xml_is_refused_at_upload(registered, exporter_a, user_a):
    """Not XML at all: a clean refusal before anything is stored (issue 19 item 14)."""
    content = handmade_workbook([head_row(exporter_a, 1, note="A\ufffeB")], [goods_row("COP-00001")])
    with pytest.raises(ImportRejected) as exc:
        import_job_create(user=user_a, uploaded_file=upload(content), dry_run=False, run_async=False)
    assert "is not well-formed XML" in str(exc.value)
    assert ImportJob.objects.count() == 0


def test_a_report_that_cannot_be_written_does_not_fail_a_submitting_job(
    registered, exporter_a, user_a, settings, tmp_path, monkeypatch
):
    settings.OUTBOX_DIR = tmp_path / "outbox"

    def broken(*args, **kwargs):
        raise ValueError("the writer broke")

    monkeypatch.setattr(imports, "build_report", broken)
    heads = [head_row(exporter_a, 1), head_row(exporter_a, 2, grossWeight="heavy")]
    job = run_import(
        user_a, fill_template(heads, [goods_row("COP-00001"), goods_row("COP-00002")]), submit=True
    )

    assert job.state == ImportState.DONE
    assert (job.counts["create"], job.counts["reject"], job.counts["submitted"]) == (1, 1, 1)
    assert job.counts["report_failed"] is True
    assert not job.report
    assert (
        job.error_message
        == "The error report could not be written; the first errors are listed on this page."
    )
    assert job.counts["first_errors"][0]["code"] == "INVALID_NUMBER"


def test_draft_xlsx_drops_control_characters():
    from declarations.choices import Channel, Mode
    from tests.messages.test_customs_declaration_draft import make_business_type

    declaration, lines = make_business_type(Mode.DIRECT, Channel.CUSTOMS_DECLARATION, note="bell\x07\ufffe")
    lines[0].gname = "杯\uffff"
    workbook = load_workbook(io.BytesIO(render_declaration_xlsx(declaration, lines)))
    values = [cell.value for sheet in workbook for row in sheet.iter_rows() for cell in row]
    assert "bell" in values and "杯" in values


def test_the_errors_sheet_names_copno_cell_column_and_severity(registered, exporter_a, user_a):
    heads = [head_row(exporter_a, 1), head_row(exporter_a, 2, grossWeight="heavy")]
    job = run_import(
        user_a, fill_template(heads, [goods_row("COP-00001"), goods_row("COP-00002")]), language="zh-hans"
    )

    ws = report_book(job)["错误 Errors"]
    rows = list(ws.values)
    assert rows[0] == (
        "工作表",
        "行",
        "单元格",
        "企业内部编号 (copNo)",
        "列",
        "代码",
        "信息",
        "严重程度",
        "值",
    )
    sheet, row, cell, cop_no, column, code, _message, severity, value = rows[1]
    assert (sheet, row, cell, cop_no, column, code, severity) == (
        "表头 Declarations",
        3,
        "AE3",
        "COP-00002",
        "毛重(千克) (grossWeight)",
        "INVALID_NUMBER",
        "错误",
    )
    assert value == "heavy"  # the value as typed, beside its cell


def test_the_report_keeps_the_dropdowns_and_codes_and_can_be_uploaded_again(registered, exporter_a, user_a):
    heads = [head_row(exporter_a, 1), head_row(exporter_a, 2, grossWeight="heavy")]
    job = run_import(user_a, fill_template(heads, [goods_row("COP-00001"), goods_row("COP-00002")]))
    assert Declaration.objects.count() == 1

    book = report_book(job)
    codes = book["代码 Codes"]
    assert codes.sheet_state == "hidden"
    head = book["表头 Declarations"]
    validations = {str(v.sqref): v.formula1 for v in head.data_validations.dataValidation}
    assert validations["X2:X1048576"].startswith("'代码 Codes'!$")  # country (运抵国) is column X
    country_list = validations["X2:X1048576"].split("!")[1].replace("$", "").split(":")[0][0]
    assert "502 美国" in [c.value for c in codes[country_list]]

    # the broker corrects the report itself and uploads it again: the status column is ignored
    headers = [cell.value for cell in head[1]]
    head.cell(row=3, column=headers.index("*毛重(千克) (grossWeight)") + 1, value="42.5")
    buffer = io.BytesIO()
    book.save(buffer)
    again = run_import(user_a, buffer.getvalue(), name="upload-report.xlsx")

    assert again.state == ImportState.DONE, again.error_message
    assert again.counts["errors"] == 0, again.counts["first_errors"]
    assert (again.counts["create"], again.counts["update"]) == (1, 1)
    assert Declaration.objects.count() == 2
