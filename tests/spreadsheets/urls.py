"""The project's routes plus the import routes (the lead wires urls_imports into the real URLconf)."""

from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path

from exporter_portal.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    *project_urlpatterns,
    *i18n_patterns(path("imports/", include("declarations.urls_imports")), prefix_default_language=False),
]
