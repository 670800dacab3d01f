"""Spreadsheet upload pages: upload, job progress (htmx polling), confirm a dry run, downloads."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import get_language
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from declarations.choices import ImportState
from declarations.selectors import get_object_for_user, import_jobs_for_user
from declarations.services.imports import ImportRejected, import_job_confirm, import_job_create
from declarations.spreadsheets.template import template_bytes

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RUNNING_STATES = (ImportState.PENDING, ImportState.RUNNING)


@login_required
@require_http_methods(["GET", "POST"])
def upload(request):
    error = ""
    if request.method == "POST":
        uploaded = request.FILES.get("file")
        if uploaded is None:
            error = "missing"
        else:
            try:
                job = import_job_create(
                    user=request.user,
                    uploaded_file=uploaded,
                    dry_run=request.POST.get("dry_run") == "on",
                    submit=request.POST.get("submit") == "on",
                    language=get_language(),
                )
            except ImportRejected as exc:
                error = str(exc)
            else:
                return redirect("imports:job", pk=job.pk)
    return render(
        request,
        "declarations/imports/upload.html",
        {"error": error, "jobs": import_jobs_for_user(user=request.user)[:20]},
        status=400 if error else 200,
    )


def _job_context(job):
    percent = int(100 * job.rows_done / job.rows_total) if job.rows_total else 0
    return {"job": job, "percent": min(percent, 100), "running": job.state in RUNNING_STATES}


@login_required
@require_GET
def job_detail(request, pk: int):
    job = get_object_for_user(import_jobs_for_user(user=request.user), pk=pk)
    return render(request, "declarations/imports/job.html", _job_context(job))


@login_required
@require_GET
def job_progress(request, pk: int):
    """The progress fragment htmx polls; it stops polling once the job has finished."""
    job = get_object_for_user(import_jobs_for_user(user=request.user), pk=pk)
    return render(request, "declarations/imports/_progress.html", _job_context(job))


@login_required
@require_POST
def job_confirm(request, pk: int):
    job = get_object_for_user(import_jobs_for_user(user=request.user), pk=pk)
    try:
        import_job_confirm(
            user=request.user, job=job, submit=request.POST.get("submit") == "on", language=get_language()
        )
    except ImportRejected:
        pass  # the job page shows the job's actual state
    return redirect("imports:job", pk=job.pk)


@login_required
@require_GET
def job_report(request, pk: int):
    job = get_object_for_user(import_jobs_for_user(user=request.user), pk=pk)
    if not job.report:
        raise Http404
    name = f"{job.file_name.rsplit('.', 1)[0]}-report.xlsx"
    return FileResponse(job.report.open("rb"), as_attachment=True, filename=name, content_type=XLSX)


@login_required
@require_GET
def template_download(request):
    response = HttpResponse(template_bytes(), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename="declarations-template.xlsx"
    )
    return response
