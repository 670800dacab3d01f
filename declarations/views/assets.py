"""Files a browser asks for at fixed addresses: ``/favicon.ico`` (shipped in static/, served by the app so it
works wherever static files are not served in front of it)."""

from django.contrib.staticfiles import finders
from django.http import FileResponse, Http404
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe


@require_safe
@cache_control(public=True, max_age=7 * 24 * 3600)
def favicon(request):
    path = finders.find("favicon.ico")
    if path is None:
        raise Http404
    return FileResponse(open(path, "rb"), content_type="image/x-icon")  # noqa: SIM115 (FileResponse closes it)
