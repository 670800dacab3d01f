"""Upload page, job page with htmx progress, confirm, report and template downloads; jobs are private."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from declarations.choices import ImportState
from declarations.models import Declaration, ImportJob
from tests import factories as f

from .conftest import fill_template, goods_row, head_row, upload

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.spreadsheets.urls")]


def _post(client, content, *, dry_run: bool, capture):
    data = {"file": upload(content)}
    if dry_run:
        data["dry_run"] = "on"
    with capture(execute=True):
        return client.post(reverse("imports:upload"), data, HTTP_ACCEPT_LANGUAGE="en")


def _content(exporter):
    return fill_template(
        [head_row(exporter, 1), head_row(exporter, 2, packNo="x")],
        [goods_row("COP-00001"), goods_row("COP-00002")],
    )


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("imports:upload"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_upload_dry_run_then_confirm(
    client, registered, exporter_a, user_a, django_capture_on_commit_callbacks
):
    client.force_login(user_a)
    response = _post(client, _content(exporter_a), dry_run=True, capture=django_capture_on_commit_callbacks)

    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("imports:job", args=[job.pk])
    assert job.state == ImportState.DRY_RUN_DONE
    assert Declaration.objects.count() == 0
    page = client.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert 'data-count="create">1<' in page
    assert 'data-count="reject">1<' in page
    assert reverse("imports:confirm", args=[job.pk]) in page
    assert '<div id="import-progress">' in page  # finished: no more polling

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("imports:confirm", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.state == ImportState.DONE
    assert list(Declaration.objects.values_list("cop_no", flat=True)) == ["COP-00001"]


def test_rejected_upload_says_why_and_stores_nothing(client, user_a, django_capture_on_commit_callbacks):
    client.force_login(user_a)
    response = _post(client, b"not a workbook", dry_run=False, capture=django_capture_on_commit_callbacks)
    assert response.status_code == 400
    assert "This is not an Excel workbook (.xlsx)." in response.content.decode()
    assert ImportJob.objects.count() == 0


def test_progress_fragment_polls_while_running(client, user_a):
    job = f.ImportJobFactory(user=user_a, state=ImportState.RUNNING, rows_total=200, rows_done=50)
    client.force_login(user_a)
    response = client.get(reverse("imports:progress", args=[job.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert f'hx-get="{reverse("imports:progress", args=[job.pk])}"' in body
    assert 'hx-trigger="every 1s"' in body
    assert body.startswith('<div id="import-progress" hx-get=')
    assert 'value="25"' in body
    page = client.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert "js/htmx.min.js" in page


def test_report_download(client, registered, exporter_a, user_a, django_capture_on_commit_callbacks):
    client.force_login(user_a)
    _post(client, _content(exporter_a), dry_run=False, capture=django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()

    response = client.get(reverse("imports:report", args=[job.pk]))

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="upload-report.xlsx"'
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book.sheetnames == ["表头 Declarations", "表体 Goods", "错误 Errors", "代码 Codes"]
    assert book["代码 Codes"].sheet_state == "hidden"


def test_template_download(client, codes, user_a):
    client.force_login(user_a)
    response = client.get(reverse("imports:template"))
    assert response.status_code == 200
    assert load_workbook(io.BytesIO(response.content)).sheetnames[1] == "表头 Declarations"


@pytest.mark.parametrize("name", ["imports:job", "imports:progress", "imports:report"])
def test_another_users_job_is_404(client, user_a, user_b, name):
    job = f.ImportJobFactory(user=user_a, state=ImportState.DONE, report="import-reports/x.xlsx")
    client.force_login(user_b)
    assert client.get(reverse(name, args=[job.pk])).status_code == 404


def test_another_users_job_cannot_be_confirmed(client, user_a, user_b):
    job = f.ImportJobFactory(user=user_a, state=ImportState.DRY_RUN_DONE)
    client.force_login(user_b)
    assert client.post(reverse("imports:confirm", args=[job.pk])).status_code == 404
    job.refresh_from_db()
    assert (job.state, job.dry_run) == (ImportState.DRY_RUN_DONE, True)


def test_upload_page_lists_only_own_jobs(client, user_a, user_b):
    f.ImportJobFactory(user=user_a, file_name="mine.xlsx")
    f.ImportJobFactory(user=user_b, file_name="theirs.xlsx")
    client.force_login(user_a)
    body = client.get(reverse("imports:upload")).content.decode()
    assert "mine.xlsx" in body
    assert "theirs.xlsx" not in body


def test_upload_with_submit_sends_the_good_declarations(
    client, registered, exporter_a, user_a, django_capture_on_commit_callbacks, settings, tmp_path
):
    settings.OUTBOX_DIR = tmp_path
    client.force_login(user_a)
    assert 'name="submit"' in client.get(reverse("imports:upload")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("imports:upload"),
            {"file": upload(_content(exporter_a)), "submit": "on"},
            HTTP_ACCEPT_LANGUAGE="en",
        )

    job = ImportJob.objects.get()
    assert (job.submit, job.state) == (True, ImportState.DONE)
    assert list(Declaration.objects.values_list("cop_no", "status")) == [("COP-00001", "sent")]
    assert len(list(tmp_path.iterdir())) == 3
    page = client.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert 'data-count="submitted">1<' in page and 'data-count="sent">1<' in page
    assert 'data-count="render_failed">0<' in page


def test_confirm_with_submit_ticked_submits(
    client, registered, exporter_a, user_a, django_capture_on_commit_callbacks, settings, tmp_path
):
    settings.OUTBOX_DIR = tmp_path
    client.force_login(user_a)
    _post(client, _content(exporter_a), dry_run=True, capture=django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    assert 'name="submit"' in client.get(reverse("imports:job", args=[job.pk])).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:confirm", args=[job.pk]), {"submit": "on"})

    job.refresh_from_db()
    assert (job.submit, job.counts["sent"]) == (True, 1)
    assert Declaration.objects.get().status == "sent"


def test_the_job_page_lists_the_first_problems_without_a_download(
    client, registered, exporter_a, user_a, django_capture_on_commit_callbacks
):
    client.force_login(user_a)
    content = fill_template(
        [head_row(exporter_a, 1), head_row(exporter_a, 2, packNo="x")],
        [goods_row("COP-00001"), goods_row("COP-00002", price="12,50")],
    )
    _post(client, content, dry_run=True, capture=django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()

    page = client.get(reverse("imports:job", args=[job.pk])).content.decode()

    assert "Problems found (the first 2)" in page
    assert '<tr data-code="INVALID_NUMBER">' in page and '<tr data-code="AMBIGUOUS_NUMBER">' in page
    assert "<strong>AD3</strong> 件数 (packNo)" in page
    assert "<strong>Q3</strong> 单价 (price)" in page
    assert "“12,50” is not a clear number" in page
