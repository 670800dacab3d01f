"""Reads of broker delegations: the parties' own delegations, the counterparty found by its code, and the scopes
of the live ones (``models.delegations.live_q``) that permissions and imports check a declaration against."""

from collections import defaultdict

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from declarations.models import Delegation, DelegationEvent, Enterprise, Membership
from declarations.models.delegations import live_q
from declarations.precompiled import as_id
from declarations.rules.delegations import DelegationScope


def delegations_for_user(*, user) -> QuerySet[Delegation]:
    """Delegations the user's enterprises are a party to (as broker or as exporter); a superuser sees all.

    Not through ``enterprises_for_user``: a broker sees its own delegations, never those its client gave to
    other brokers."""
    if not user or not user.is_authenticated:
        return Delegation.objects.none()
    queryset = Delegation.objects.select_related("broker", "exporter")
    if user.is_superuser:
        return queryset
    member_of = Membership.objects.filter(user=user).values("enterprise_id")
    return queryset.filter(Q(broker_id__in=member_of) | Q(exporter_id__in=member_of))


def delegation_for_user(*, user, pk) -> Delegation:
    """One delegation the user's enterprise is a party to, with its events; 404 for anyone else's."""
    pk = as_id(pk)
    if pk is None:
        raise Http404
    events = Prefetch("events", queryset=DelegationEvent.objects.select_related("actor"))
    found = delegations_for_user(user=user).prefetch_related(events).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def admin_enterprises(*, user, role: str) -> QuerySet[Enterprise]:
    """Enterprises in ``role`` ("broker" or "exporter") the user administers: those it may request, entrust,
    accept, refuse and end delegations for."""
    if not user or not user.is_authenticated:
        return Enterprise.objects.none()
    flag = {"broker": "is_broker", "exporter": "is_exporter"}[role]
    queryset = Enterprise.objects.filter(**{flag: True})
    if user.is_superuser:
        return queryset
    return queryset.filter(memberships__user=user, memberships__role=Membership.Role.ADMIN).distinct()


def counterparty_by_code(*, code: str, role: str) -> Enterprise | None:
    """The enterprise with this USCC or customs code in ``role`` ("broker" or "exporter"), else None."""
    code = (code or "").strip().upper()
    if not code or len(code) > 18:
        return None
    flag = {"broker": "is_broker", "exporter": "is_exporter"}[role]
    return Enterprise.objects.filter(Q(uscc=code) | Q(customs_code=code), **{flag: True}).first()


def open_delegation_exists(*, broker_id: int, exporter_id: int) -> bool:
    return Delegation.objects.filter(
        broker_id=broker_id, exporter_id=exporter_id, status__in=["pending", "accepted"]
    ).exists()


def live_scopes_for_user(*, user, exporter_id: int | None = None) -> dict[int, list[DelegationScope]]:
    """Exporter id -> the scopes of its live delegations to the user's broker enterprises (one query; only
    ``exporter_id``'s when given)."""
    if not user or not user.is_authenticated:
        return {}
    live = Delegation.objects.filter(live_q(), broker__memberships__user=user)
    if exporter_id is not None:
        live = live.filter(exporter_id=exporter_id)
    scopes: dict[int, list[DelegationScope]] = defaultdict(list)
    for exporter, modes, offices in live.values_list("exporter_id", "modes", "offices"):
        scopes[exporter].append(
            DelegationScope(modes=frozenset(modes or ()), offices=frozenset(offices or ()))
        )
    return scopes


def scope_of(delegation: Delegation) -> DelegationScope:
    return DelegationScope(
        modes=frozenset(delegation.modes or ()), offices=frozenset(delegation.offices or ())
    )


def lapsed_delegation_codes(*, user) -> set[str]:
    """USCCs and customs codes (upper case) of exporters whose delegations to the user's broker enterprises are
    none of them live (pending, refused, ended or expired): an import names why it refuses their rows."""
    if not user or not user.is_authenticated:
        return set()
    mine = Delegation.objects.filter(broker__memberships__user=user)
    live = set(mine.filter(live_q()).values_list("exporter_id", flat=True))
    codes = set()
    for exporter_id, uscc, customs_code in mine.values_list(
        "exporter_id", "exporter__uscc", "exporter__customs_code"
    ):
        if exporter_id not in live:
            codes.update(code.upper() for code in (uscc, customs_code) if code)
    return codes
