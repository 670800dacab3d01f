"""Broker delegations managed by the parties: request, entrust, accept, refuse, end, and the daily expiry.

Portal views, API views and Django admin call these; each checks who may act (an administrator of the side that
acts, or a superuser), asks rules/delegations.py, changes the delegation and records a ``DelegationEvent`` both
sides see, and tells the other side's members (a portal notification). A refused action changes nothing.
"""

import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from declarations.models import (
    CustomsOffice,
    Delegation,
    DelegationEvent,
    Enterprise,
    Membership,
    Notification,
)
from declarations.models.delegations import DelegationEventKind, DelegationSide, DelegationStatus
from declarations.rules import delegations as rules
from declarations.selectors_delegations import counterparty_by_code, open_delegation_exists


class DelegationRefused(Exception):
    """The action breaks a rule: ``problems`` (rules.DelegationProblem) say which, and on which field."""

    def __init__(self, problems: list[rules.DelegationProblem]):
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


def _is_admin(user, enterprise_id: int) -> bool:
    return Membership.objects.filter(
        user=user, enterprise_id=enterprise_id, role=Membership.Role.ADMIN
    ).exists()


def _side(*, actor, delegation: Delegation, allowed: tuple[str, ...]) -> str:
    """The side the actor acts for (an administrator of it), among ``allowed``; else PermissionDenied."""
    if DelegationSide.EXPORTER in allowed and _is_admin(actor, delegation.exporter_id):
        return DelegationSide.EXPORTER
    if DelegationSide.BROKER in allowed and _is_admin(actor, delegation.broker_id):
        return DelegationSide.BROKER
    if actor.is_superuser:
        return DelegationSide.ADMIN
    raise PermissionDenied


def _notify(*, delegation: Delegation, side: str, text: str) -> None:
    """Tell the members of the other side(s) than the one that acted."""
    others = [
        e for s, e in (("broker", delegation.broker_id), ("exporter", delegation.exporter_id)) if s != side
    ]
    users = get_user_model().objects.filter(memberships__enterprise_id__in=others, is_active=True).distinct()
    Notification.objects.bulk_create(Notification(user=u, kind="delegation", text=text[:1000]) for u in users)


def _event(delegation: Delegation, kind: str, *, side: str, actor=None, note: str = "") -> DelegationEvent:
    return DelegationEvent.objects.create(delegation=delegation, kind=kind, side=side, actor=actor, note=note)


def _create(
    *,
    actor,
    broker: Enterprise | None,
    exporter: Enterprise | None,
    side: str,
    modes=(),
    offices=(),
    valid_from: datetime.date | None = None,
    valid_until: datetime.date | None = None,
    agreement_no: str = "",
    note: str = "",
) -> Delegation:
    modes = sorted(set(modes or ()))
    problems = rules.check_parties(
        broker_id=broker.pk if broker else None,
        exporter_id=exporter.pk if exporter else None,
        open_exists=bool(
            broker and exporter and open_delegation_exists(broker_id=broker.pk, exporter_id=exporter.pk)
        ),
    )
    problems += rules.check_terms(
        modes=modes, valid_from=valid_from, valid_until=valid_until, today=timezone.localdate()
    )
    office_codes = sorted({o.pk if isinstance(o, CustomsOffice) else str(o) for o in offices or ()})
    known = set(CustomsOffice.objects.filter(pk__in=office_codes).values_list("pk", flat=True))
    if set(office_codes) - known:
        message = _("Unknown customs office: %(codes)s.") % {
            "codes": ", ".join(sorted(set(office_codes) - known))
        }
        problems.append(rules.DelegationProblem("DLG_UNKNOWN_OFFICE", "offices", message))
    if problems:
        raise DelegationRefused(problems)
    entrusted = side == DelegationSide.EXPORTER
    now = timezone.now()
    try:
        with transaction.atomic():
            delegation = Delegation.objects.create(
                broker=broker,
                exporter=exporter,
                status=DelegationStatus.ACCEPTED if entrusted else DelegationStatus.PENDING,
                initiated_by=side,
                modes=modes,
                offices=office_codes,
                valid_from=valid_from,
                valid_until=valid_until,
                agreement_no=agreement_no or "",
                note=note or "",
                decided_at=now if entrusted else None,
            )
            kind = DelegationEventKind.ENTRUSTED if entrusted else DelegationEventKind.REQUESTED
            _event(delegation, kind, side=side, actor=actor, note=note or "")
    except IntegrityError:  # a concurrent request for the same pair won the race
        raise DelegationRefused(rules.check_parties(broker_id=1, exporter_id=2, open_exists=True)) from None
    if entrusted:
        text = _("%(exporter)s entrusted %(broker)s to declare on its behalf.")
    else:
        text = _("%(broker)s asks to declare on behalf of %(exporter)s.")
    _notify(delegation=delegation, side=side, text=text % {"broker": broker.name, "exporter": exporter.name})
    return delegation


def delegation_request(*, actor, broker: Enterprise, code: str, **terms) -> Delegation:
    """A broker asks to act for the exporter with this USCC or customs code; pending until the exporter decides.
    ``terms``: modes, offices, valid_from, valid_until, agreement_no, note."""
    if not broker.is_broker or not (actor.is_superuser or _is_admin(actor, broker.pk)):
        raise PermissionDenied
    exporter = counterparty_by_code(code=code, role="exporter")
    return _create(actor=actor, broker=broker, exporter=exporter, side=DelegationSide.BROKER, **terms)


def delegation_entrust(*, actor, exporter: Enterprise, code: str, **terms) -> Delegation:
    """An exporter entrusts the broker with this USCC or customs code directly: in force at once (the broker may
    end it)."""
    if not exporter.is_exporter or not (actor.is_superuser or _is_admin(actor, exporter.pk)):
        raise PermissionDenied
    broker = counterparty_by_code(code=code, role="broker")
    return _create(actor=actor, broker=broker, exporter=exporter, side=DelegationSide.EXPORTER, **terms)


def _change(*, actor, delegation: Delegation, action: str, allowed: tuple[str, ...], note: str) -> Delegation:
    side = _side(actor=actor, delegation=delegation, allowed=allowed)
    with transaction.atomic():
        locked = Delegation.objects.select_for_update().get(pk=delegation.pk)
        problems = rules.check_transition(
            action=action, status=locked.status, status_label=locked.get_status_display()
        )
        if problems:
            raise DelegationRefused(problems)
        now = timezone.now()
        if action == "end":
            locked.status, locked.ended_at = DelegationStatus.ENDED, now
            kind = DelegationEventKind.ENDED
        else:
            accepted = action == "accept"
            locked.status = DelegationStatus.ACCEPTED if accepted else DelegationStatus.REFUSED
            locked.decided_at = now
            kind = DelegationEventKind.ACCEPTED if accepted else DelegationEventKind.REFUSED
        locked.save(update_fields=["status", "ended_at", "decided_at"])
        _event(locked, kind, side=side, actor=actor, note=(note or "")[:500])
    texts = {
        "accept": _("%(exporter)s accepted %(broker)s as its customs broker."),
        "refuse": _("%(exporter)s refused the delegation request of %(broker)s."),
        "end": _("The delegation from %(exporter)s to %(broker)s has ended."),
    }
    names = {"broker": locked.broker.name, "exporter": locked.exporter.name}
    _notify(delegation=locked, side=side, text=texts[action] % names)
    return locked


def delegation_accept(*, actor, delegation: Delegation, note: str = "") -> Delegation:
    """The exporter's administrator accepts a broker's request: the delegation is in force from now."""
    return _change(actor=actor, delegation=delegation, action="accept", allowed=("exporter",), note=note)


def delegation_refuse(*, actor, delegation: Delegation, note: str = "") -> Delegation:
    return _change(actor=actor, delegation=delegation, action="refuse", allowed=("exporter",), note=note)


def delegation_end(*, actor, delegation: Delegation, note: str = "") -> Delegation:
    """Either side ends a pending or accepted delegation; the broker sees nothing more of the exporter at once."""
    return _change(
        actor=actor, delegation=delegation, action="end", allowed=("exporter", "broker"), note=note
    )


def delegation_recorded(*, actor, delegation: Delegation) -> DelegationEvent:
    """A delegation an administrator added in Django admin (in force at once, as before): its event."""
    return _event(delegation, DelegationEventKind.RECORDED, side=DelegationSide.ADMIN, actor=actor)


def delegations_expire(*, today: datetime.date | None = None) -> int:
    """Beat (daily): accepted delegations past their validity become ``expired``, with an event each. They stopped
    counting as live when the period ended (``live_q``); this records it for both sides."""
    today = today or timezone.localdate()
    count = 0
    lapsed = Delegation.objects.filter(status=DelegationStatus.ACCEPTED, valid_until__lt=today)
    for delegation in lapsed.select_related("broker", "exporter"):
        with transaction.atomic():
            updated = Delegation.objects.filter(pk=delegation.pk, status=DelegationStatus.ACCEPTED).update(
                status=DelegationStatus.EXPIRED, ended_at=timezone.now()
            )
            if updated:
                _event(delegation, DelegationEventKind.EXPIRED, side="")
                text = _("The delegation from %(exporter)s to %(broker)s expired after %(date)s.") % {
                    "exporter": delegation.exporter.name,
                    "broker": delegation.broker.name,
                    "date": delegation.valid_until.isoformat(),
                }
                _notify(delegation=delegation, side="", text=text)
                count += 1
    return count
