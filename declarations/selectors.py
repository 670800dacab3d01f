"""Tenant-scoped reads. Tenancy lives here: every view and API endpoint reads through these functions."""

from django.db.models import Q, QuerySet
from django.http import Http404

from declarations.models import Declaration, Enterprise, OverseasWarehouse, Registration, WarehouseFiling


def enterprises_for_user(*, user) -> QuerySet[Enterprise]:
    """Enterprises the user belongs to, plus the exporters that delegated to a broker the user belongs to."""
    if not user or not user.is_authenticated:
        return Enterprise.objects.none()
    if user.is_superuser:
        return Enterprise.objects.all()
    return Enterprise.objects.filter(
        Q(memberships__user=user)
        | Q(delegations_given__broker__memberships__user=user, delegations_given__active=True)
    ).distinct()


def enterprise_ids_for_user(*, user) -> list[int]:
    return list(enterprises_for_user(user=user).values_list("pk", flat=True))


def declarations_for_user(*, user, filters: dict | None = None) -> QuerySet[Declaration]:
    ids = enterprise_ids_for_user(user=user)
    qs = Declaration.objects.filter(Q(enterprise_id__in=ids) | Q(agent_id__in=ids))
    if filters:
        qs = qs.filter(**filters)
    return qs.select_related("enterprise", "agent", "warehouse")


def registrations_for_user(*, user) -> QuerySet[Registration]:
    return Registration.objects.filter(enterprise_id__in=enterprise_ids_for_user(user=user))


def warehouses_for_user(*, user) -> QuerySet[OverseasWarehouse]:
    return OverseasWarehouse.objects.filter(enterprise_id__in=enterprise_ids_for_user(user=user))


def warehouse_filings_for_user(*, user) -> QuerySet[WarehouseFiling]:
    return WarehouseFiling.objects.filter(warehouse__enterprise_id__in=enterprise_ids_for_user(user=user))


def get_object_for_user(queryset: QuerySet, **lookup):
    """Fetch from an already tenant-scoped queryset; another tenant's object is a 404, never a 403."""
    try:
        return queryset.get(**lookup)
    except queryset.model.DoesNotExist as exc:
        raise Http404 from exc
