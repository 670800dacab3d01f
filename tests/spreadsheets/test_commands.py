import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from declarations.models import Declaration, ImportJob

from .conftest import fill_template, goods_row, head_row

pytestmark = pytest.mark.django_db


def test_export_template(codes, tmp_path):
    path = tmp_path / "template.xlsx"
    out = io.StringIO()
    call_command("export_template", str(path), stdout=out)
    assert load_workbook(path).sheetnames == [
        "说明 Instructions",
        "表头 Declarations",
        "表体 Goods",
        "总分单 Master bills",
        "代码 Codes",
    ]
    assert out.getvalue() == f"Template written to {path}\n"


def _file(tmp_path, exporter):
    path = tmp_path / "upload.xlsx"
    path.write_bytes(
        fill_template(
            [head_row(exporter, 1), head_row(exporter, 2, packNo="x")],
            [goods_row("COP-00001"), goods_row("COP-00002")],
        )
    )
    return path


def test_import_workbook_dry_run_prints_the_summary(registered, exporter_a, user_a, tmp_path):
    out = io.StringIO()
    call_command(
        "import_workbook",
        str(_file(tmp_path, exporter_a)),
        user="alice",
        dry_run=True,
        language="en",
        stdout=out,
    )
    lines = out.getvalue().splitlines()
    assert lines[0] == "Dry run: 1 to create, 0 to update, 1 rejected; 1 errors, 0 warnings."
    assert lines[2].startswith("Error report: ")
    assert Declaration.objects.count() == 0


def test_import_workbook_stores(registered, exporter_a, user_a, tmp_path):
    out = io.StringIO()
    call_command("import_workbook", str(_file(tmp_path, exporter_a)), user="alice", language="en", stdout=out)
    assert (
        out.getvalue().splitlines()[0]
        == "Import: 1 to create, 0 to update, 1 rejected; 1 errors, 0 warnings."
    )
    assert list(Declaration.objects.values_list("cop_no", flat=True)) == ["COP-00001"]


def test_import_workbook_refuses_unknown_user_and_bad_file(db, tmp_path, user_a):
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"not a workbook")
    with pytest.raises(CommandError, match="User nobody does not exist."):
        call_command("import_workbook", str(path), user="nobody", language="en")
    with pytest.raises(CommandError, match=r"This is not an Excel workbook \(.xlsx\)."):
        call_command("import_workbook", str(path), user="alice", language="en")
    assert ImportJob.objects.count() == 0


def test_import_workbook_submits(registered, exporter_a, user_a, tmp_path, settings):
    settings.OUTBOX_DIR = tmp_path / "outbox"
    out = io.StringIO()
    call_command(
        "import_workbook",
        str(_file(tmp_path, exporter_a)),
        user="alice",
        submit=True,
        language="en",
        stdout=out,
    )
    assert out.getvalue().splitlines()[1] == "Submitted 1: 1 sent to the outbox, 0 could not be rendered."
    assert list(Declaration.objects.values_list("cop_no", "status")) == [("COP-00001", "sent")]
    assert len(list(settings.OUTBOX_DIR.iterdir())) == 3
