"""Reads for the parties who send arrival (运抵, CEB507) and departure (离境, CEB509) for declared lists.

A supervised-site operator sees the lists that name it as their site's operator; a logistics enterprise sees the
lists whose waybills it carries (the list's logisticsCode is its customs code or USCC). Nobody else's lists.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from declarations.choices import Channel, DeclarationStatus
from declarations.models import Declaration, Enterprise, Membership, RenderedMessage

S = DeclarationStatus
# Arrival follows the declaration and comes before release; departure follows release.
ARRIVAL_STATUSES = frozenset(
    {S.DECLARING, S.ACCEPTED, S.MANUAL_REVIEW, S.INSPECTION, S.CONCLUDED, S.RELEASED}
)
DEPARTURE_STATUSES = frozenset({S.RELEASED})


def _member_enterprises(user, **flags) -> QuerySet[Enterprise]:
    if not user or not user.is_authenticated:
        return Enterprise.objects.none()
    return Enterprise.objects.filter(
        pk__in=Membership.objects.filter(user_id=user.pk).values("enterprise_id"), **flags
    ).order_by("name")


def site_operators_for_user(*, user) -> QuerySet[Enterprise]:
    return _member_enterprises(user, is_site_operator=True)


def logistics_enterprises_for_user(*, user) -> QuerySet[Enterprise]:
    return _member_enterprises(user, is_logistics=True)


def _sent(message_type: str):
    return Exists(RenderedMessage.objects.filter(declaration=OuterRef("pk"), message_type=message_type))


def _lists() -> QuerySet[Declaration]:
    channel = Q(channel=Channel.LIST) | Q(channel="", recommended_channel=Channel.LIST)
    return Declaration.objects.filter(channel).select_related("enterprise", "site_operator")


def arrival_lists_for_user(*, user) -> QuerySet[Declaration]:
    """Declared lists at the user's sites, with ``arrival_sent`` (a CEB507 already exists)."""
    operators = site_operators_for_user(user=user).values("pk")
    return (
        _lists()
        .filter(site_operator__in=operators, status__in=ARRIVAL_STATUSES)
        .annotate(arrival_sent=_sent("CEB507"))
        .order_by("-id")
    )


def _logistics_codes(user) -> list[str]:
    codes = []
    for customs_code, uscc in logistics_enterprises_for_user(user=user).values_list("customs_code", "uscc"):
        codes += [c for c in (customs_code, uscc) if c]
    return codes


def departure_lists_for_user(*, user) -> QuerySet[Declaration]:
    """Released lists whose waybills the user's logistics enterprise carries, with ``departure_sent``."""
    return (
        _lists()
        .filter(logistics_code__in=_logistics_codes(user), status__in=DEPARTURE_STATUSES)
        .annotate(departure_sent=_sent("CEB509"))
        .order_by("-id")
    )
