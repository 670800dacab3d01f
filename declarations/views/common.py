"""Helpers shared by the portal views: who may change an enterprise's master data, htmx detection."""

import os
import re

from django.http import FileResponse, Http404
from django.utils.http import content_disposition_header

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


_UNSAFE_IN_FILE_NAME = re.compile(r"[\x00-\x1f\x7f-\x9f\"'<>&\\`/:*?|\u2028\u2029]")


def attachment_header(file_name: str) -> str:
    """Content-Disposition for a download named after user data (a copNo stored before the identifier rule
    existed may hold CR, LF or a quote): unsafe characters become "_" and Django's helper quotes the rest, so the
    header can neither fail (a 500) nor gain a parameter."""
    safe = _UNSAFE_IN_FILE_NAME.sub("_", file_name)
    safe = "".join(char if char.isprintable() else "_" for char in safe)
    return content_disposition_header(as_attachment=True, filename=safe)
