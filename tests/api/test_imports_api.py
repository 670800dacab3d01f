"""Spreadsheet imports over the API: upload (dry run by default), job status, confirm, error report; private jobs."""

import io

import pytest
from django.test import override_settings
from django.utils import translation
from openpyxl import load_workbook

from declarations.choices import ImportState
from declarations.models import CustomsOffice, Declaration, ImportJob
from declarations.spreadsheets.columns import SHEET_ERRORS, SHEET_HEAD
from tests import factories as f
from tests.spreadsheets.conftest import fill_template, goods_row, head_row, upload

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def zh(message: str, **params) -> str:
    """The message as the API answers it: in the default language (unprefixed URLs ignore Accept-Language)."""
    with translation.override("zh-hans"):
        return translation.gettext(message) % params if params else translation.gettext(message)


@pytest.fixture
def registered(codes, exporter_a, exporter_b):
    """Both exporters registered at 5141, so the rules engine accepts their declarations."""
    office = CustomsOffice.objects.get(code="5141")
    for enterprise in (exporter_a, exporter_b):
        f.RegistrationFactory(enterprise=enterprise, customs_office=office)


def _workbook(exporter) -> bytes:
    """Two good declarations and one with a wrong package count."""
    heads = [head_row(exporter, 1), head_row(exporter, 2), head_row(exporter, 3, packNo="x")]
    return fill_template(heads, [goods_row("COP-00001"), goods_row("COP-00002"), goods_row("COP-00003")])


def _post(client, content: bytes, capture, **data):
    with capture(execute=True):  # the job runs eagerly once the upload's transaction commits
        return client.post("/api/imports/", {"file": upload(content), **data}, format="multipart")


def _finished_dry_run(client, exporter, capture) -> int:
    response = _post(client, _workbook(exporter), capture)
    assert response.status_code == 201
    return response.json()["id"]


def _snapshot():
    return (
        list(ImportJob.objects.order_by("pk").values_list("pk", "state", "dry_run", "rows_done")),
        list(Declaration.objects.order_by("pk").values_list("pk", "cop_no", "updated_at")),
    )


def test_upload_is_a_dry_run_by_default(
    api_a, registered, exporter_a, user_a, django_capture_on_commit_callbacks
):
    response = _post(api_a, _workbook(exporter_a), django_capture_on_commit_callbacks)

    assert response.status_code == 201
    body = response.json()
    job = ImportJob.objects.get()
    assert body["id"] == job.pk
    assert body["file_name"] == "upload.xlsx"
    assert body["dry_run"] is True
    assert job.user == user_a
    assert Declaration.objects.count() == 0

    body = api_a.get(f"/api/imports/{job.pk}/").json()
    assert body["state"] == ImportState.DRY_RUN_DONE
    assert (body["rows_done"], body["rows_total"]) == (6, 6)
    counts = body["counts"]
    assert (counts["create"], counts["update"], counts["reject"]) == (2, 0, 1)
    assert (counts["declarations"], counts["lines"], counts["unknown_columns"]) == (3, 3, [])
    assert (counts["errors"], counts["warnings"]) == (1, 0)
    assert set(body["timings"]) == {"read", "check", "store", "report", "total"}
    assert body["report_url"] == f"http://testserver/api/imports/{job.pk}/report/"
    assert body["error_message"] == ""
    assert body["finished_at"] is not None


def test_confirm_stores_exactly_the_good_declarations(
    api_a, registered, exporter_a, django_capture_on_commit_callbacks
):
    pk = _finished_dry_run(api_a, exporter_a, django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=True):
        response = api_a.post(f"/api/imports/{pk}/confirm/")

    assert response.status_code == 202
    assert (response.json()["id"], response.json()["dry_run"]) == (pk, False)
    body = api_a.get(f"/api/imports/{pk}/").json()
    assert body["state"] == ImportState.DONE
    assert (body["counts"]["create"], body["counts"]["update"], body["counts"]["reject"]) == (2, 0, 1)
    assert sorted(Declaration.objects.values_list("cop_no", flat=True)) == ["COP-00001", "COP-00002"]
    assert ImportJob.objects.count() == 1  # the same job ran for real


def test_confirming_a_job_that_is_not_a_finished_dry_run_is_409(
    api_a, registered, exporter_a, user_a, django_capture_on_commit_callbacks
):
    pk = _finished_dry_run(api_a, exporter_a, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        assert api_a.post(f"/api/imports/{pk}/confirm/").status_code == 202
    pending = f.ImportJobFactory(user=user_a, state=ImportState.PENDING)
    before = _snapshot()

    for job_id in (pk, pending.pk):
        response = api_a.post(f"/api/imports/{job_id}/confirm/")
        assert response.status_code == 409
        assert response.json() == {
            "errors": [
                {
                    "code": "NOT_CONFIRMABLE",
                    "message": zh("Only a finished dry run can be confirmed."),
                    "field": None,
                    "gnum": None,
                }
            ]
        }
    assert _snapshot() == before


def test_upload_without_dry_run_stores_at_once(
    api_a, registered, exporter_a, django_capture_on_commit_callbacks
):
    response = _post(api_a, _workbook(exporter_a), django_capture_on_commit_callbacks, dry_run="false")

    assert response.status_code == 201
    assert response.json()["dry_run"] is False
    assert ImportJob.objects.get().state == ImportState.DONE
    assert sorted(Declaration.objects.values_list("cop_no", flat=True)) == ["COP-00001", "COP-00002"]


def test_report_download(api_a, registered, exporter_a, django_capture_on_commit_callbacks):
    pk = _finished_dry_run(api_a, exporter_a, django_capture_on_commit_callbacks)

    response = api_a.get(f"/api/imports/{pk}/report/")

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"] == 'attachment; filename="upload-report.xlsx"'
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    errors = [row[:4] for row in book[SHEET_ERRORS].iter_rows(min_row=2, values_only=True)]
    assert [e for e in errors if e[3] != "INVALID_NUMBER"] == []  # only the package count is wrong
    assert {e[:3] for e in errors} == {(SHEET_HEAD, 4, "packNo")}


def test_report_of_a_job_without_errors_is_404(
    api_a, registered, exporter_a, django_capture_on_commit_callbacks
):
    content = fill_template([head_row(exporter_a, 1)], [goods_row("COP-00001")])
    pk = _post(api_a, content, django_capture_on_commit_callbacks).json()["id"]
    assert api_a.get(f"/api/imports/{pk}/").json()["report_url"] is None

    response = api_a.get(f"/api/imports/{pk}/report/")

    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == "NOT_FOUND"
    assert response.json()["errors"][0]["message"] == zh("This import has no error report.")


def test_list_shows_only_own_jobs_newest_first(api_a, user_a, user_b):
    older = f.ImportJobFactory(user=user_a, state=ImportState.DONE)
    newer = f.ImportJobFactory(user=user_a, state=ImportState.PENDING)
    f.ImportJobFactory(user=user_b)

    body = api_a.get("/api/imports/").json()
    assert body["count"] == 2
    assert [j["id"] for j in body["results"]] == [newer.pk, older.pk]
    assert body["results"][1]["counts"] == {
        "create": 0,
        "update": 0,
        "reject": 0,
        "kept": 0,
        "declarations": 0,
        "lines": 0,
        "errors": 0,
        "warnings": 0,
        "submitted": 0,
        "sent": 0,
        "render_failed": 0,
        "unknown_columns": [],
    }
    done = api_a.get("/api/imports/", {"state": "done"}).json()
    assert [j["id"] for j in done["results"]] == [older.pk]


# --- validation errors: the reason, and nothing stored ---------------------------------------------------------


def _rejected(client, content: bytes, capture, **data) -> list[dict]:
    response = _post(client, content, capture, **data)
    assert response.status_code == 400
    assert ImportJob.objects.count() == 0
    assert Declaration.objects.count() == 0
    return response.json()["errors"]


def test_not_a_zip_is_400(api_a, django_capture_on_commit_callbacks):
    errors = _rejected(api_a, b"orderNo,copNo\n1,2\n", django_capture_on_commit_callbacks)
    assert errors == [
        {
            "code": "IMPORT_REJECTED",
            "message": zh("This is not an Excel workbook (.xlsx)."),
            "field": "file",
            "gnum": None,
        }
    ]


@override_settings(UPLOAD_MAX_BYTES=1024 * 1024)
def test_oversize_file_is_400(api_a, django_capture_on_commit_callbacks):
    errors = _rejected(api_a, b"PK" + b"x" * (3 * 1024 * 1024 // 2), django_capture_on_commit_callbacks)
    assert [(e["code"], e["field"], e["message"]) for e in errors] == [
        (
            "IMPORT_REJECTED",
            "file",
            zh("The file is %(size)s MB; at most %(max)s MB are accepted.", size=1.5, max=1.0),
        )
    ]


def test_missing_file_is_400(api_a):
    response = api_a.post("/api/imports/", {"dry_run": "true"}, format="multipart")
    assert response.status_code == 400
    assert [(e["code"], e["field"]) for e in response.json()["errors"]] == [("REQUIRED", "file")]
    assert ImportJob.objects.count() == 0


def test_json_body_is_415(api_a):
    response = api_a.post("/api/imports/", {"file": "x"}, format="json")
    assert response.status_code == 415
    assert response.json()["errors"][0]["code"] == "UNSUPPORTED_MEDIA_TYPE"
    assert ImportJob.objects.count() == 0


# --- tenancy and authentication --------------------------------------------------------------------------------


def test_another_users_job_is_404_everywhere_and_nothing_changes(
    api_a, api_b, registered, exporter_a, django_capture_on_commit_callbacks
):
    pk = _finished_dry_run(api_a, exporter_a, django_capture_on_commit_callbacks)
    before = _snapshot()

    assert api_b.get("/api/imports/").json()["count"] == 0
    assert api_b.get(f"/api/imports/{pk}/").status_code == 404
    assert api_b.get(f"/api/imports/{pk}/report/").status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        response = api_b.post(f"/api/imports/{pk}/confirm/")
    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == "NOT_FOUND"
    assert _snapshot() == before
    assert ImportJob.objects.get().state == ImportState.DRY_RUN_DONE


def test_a_broker_does_not_see_the_exporters_jobs(api_c, user_a):
    job = f.ImportJobFactory(user=user_a, state=ImportState.DRY_RUN_DONE)
    assert api_c.get("/api/imports/").json()["count"] == 0
    assert api_c.get(f"/api/imports/{job.pk}/").status_code == 404
    assert api_c.post(f"/api/imports/{job.pk}/confirm/").status_code == 404
    job.refresh_from_db()
    assert job.state == ImportState.DRY_RUN_DONE


def test_anonymous_is_401_and_nothing_changes(anon, user_a, codes, exporter_a):
    job = f.ImportJobFactory(user=user_a, state=ImportState.DRY_RUN_DONE)
    content = fill_template([head_row(exporter_a, 1)], [goods_row("COP-00001")])
    responses = [
        anon.get("/api/imports/"),
        anon.post("/api/imports/", {"file": upload(content)}, format="multipart"),
        anon.get(f"/api/imports/{job.pk}/"),
        anon.post(f"/api/imports/{job.pk}/confirm/"),
        anon.get(f"/api/imports/{job.pk}/report/"),
    ]
    assert [r.status_code for r in responses] == [401] * 5
    assert {r.json()["errors"][0]["code"] for r in responses} == {"NOT_AUTHENTICATED"}
    assert list(ImportJob.objects.values_list("pk", "state")) == [(job.pk, ImportState.DRY_RUN_DONE)]
    assert Declaration.objects.count() == 0


def test_upload_with_submit_sends_and_counts(
    api_a, registered, exporter_a, django_capture_on_commit_callbacks, settings, tmp_path
):
    settings.OUTBOX_DIR = tmp_path
    response = _post(
        api_a, _workbook(exporter_a), django_capture_on_commit_callbacks, dry_run=False, submit=True
    )

    assert response.status_code == 201
    body = api_a.get(f"/api/imports/{response.json()['id']}/").json()
    assert (body["dry_run"], body["submit"], body["state"]) == (False, True, ImportState.DONE)
    counts = body["counts"]
    assert (counts["create"], counts["submitted"], counts["sent"], counts["render_failed"]) == (2, 2, 2, 0)
    assert set(body["timings"]) == {
        "read",
        "check",
        "store",
        "submit",
        "render_peak_rss_mb",
        "report",
        "total",
    }
    assert sorted(Declaration.objects.values_list("status", flat=True)) == ["sent", "sent"]
    assert len(list(tmp_path.iterdir())) == 6


def test_confirm_can_ask_to_submit(
    api_a, registered, exporter_a, django_capture_on_commit_callbacks, settings, tmp_path
):
    settings.OUTBOX_DIR = tmp_path
    pk = _finished_dry_run(api_a, exporter_a, django_capture_on_commit_callbacks)
    assert api_a.get(f"/api/imports/{pk}/").json()["counts"]["submitted"] == 0

    with django_capture_on_commit_callbacks(execute=True):
        response = api_a.post(f"/api/imports/{pk}/confirm/", {"submit": True}, format="json")

    assert response.status_code == 202 and response.json()["submit"] is True
    assert api_a.get(f"/api/imports/{pk}/").json()["counts"]["sent"] == 2
    assert sorted(Declaration.objects.values_list("status", flat=True)) == ["sent", "sent"]


def test_confirm_refuses_a_bad_submit_value_and_changes_nothing(
    api_a, registered, exporter_a, django_capture_on_commit_callbacks
):
    pk = _finished_dry_run(api_a, exporter_a, django_capture_on_commit_callbacks)
    before = _snapshot()

    response = api_a.post(f"/api/imports/{pk}/confirm/", {"submit": "perhaps"}, format="json")

    assert response.status_code == 400
    assert _snapshot() == before
