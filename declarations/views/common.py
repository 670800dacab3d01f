"""Helpers shared by the portal views: who may change an enterprise's master data, htmx detection."""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

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
