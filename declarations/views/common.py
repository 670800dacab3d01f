"""Helpers shared by the portal views: who may change an enterprise's master data, htmx detection."""

import os

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import FileResponse, Http404

from declarations.models import Enterprise, Membership
from declarations.selectors import enterprises_for_user


def member_enterprises(*, user) -> QuerySet[Enterprise]:
    """Enterprises whose master data the user may change: its own, never a delegating exporter's."""
    if user.is_superuser:
        return Enterprise.objects.all()
    return enterprises_for_user(user=user).filter(memberships__user=user).distinct()


def require_member(*, user, enterprise: Enterprise) -> None:
    """A visible enterprise the user is not a member of (a broker looking at its client): 403, nothing changes."""
    if not member_enterprises(user=user).filter(pk=enterprise.pk).exists():
        raise PermissionDenied


def require_admin(*, user, enterprise: Enterprise) -> None:
    if user.is_superuser:
        return
    if not Membership.objects.filter(user=user, enterprise=enterprise, role=Membership.Role.ADMIN).exists():
        raise PermissionDenied


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
