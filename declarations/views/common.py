"""Helpers shared by the portal views: who may change an enterprise's master data, htmx detection."""

import os

from django.http import FileResponse, Http404

# The permission checks live in declarations.permissions (shared with the API); re-exported for the views.
from declarations.permissions import member_enterprises, require_admin, require_member  # noqa: F401


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def private_file_response(field_file) -> FileResponse:
    """An uploaded document as a download; the caller has already checked the tenant (MEDIA_ROOT is never served)."""
    try:
        handle = field_file.open("rb")
    except (FileNotFoundError, ValueError) as exc:  # ValueError: no file attached
        raise Http404 from exc
    response = FileResponse(handle, as_attachment=True, filename=os.path.basename(field_file.name))
    # Never let a browser render an uploaded file inline as something else (HTML in a "PDF", say).
    response["X-Content-Type-Options"] = "nosniff"
    return response
