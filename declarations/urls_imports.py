"""Spreadsheet upload routes; include as path("imports/", include("declarations.urls_imports"))."""

from django.urls import path

from declarations.views import imports

app_name = "imports"

urlpatterns = [
    path("", imports.upload, name="upload"),
    path("template.xlsx", imports.template_download, name="template"),
    path("<int:pk>/", imports.job_detail, name="job"),
    path("<int:pk>/progress/", imports.job_progress, name="progress"),
    path("<int:pk>/confirm/", imports.job_confirm, name="confirm"),
    path("<int:pk>/report.xlsx", imports.job_report, name="report"),
]
