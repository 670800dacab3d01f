"""Rules of broker delegations: pure, on plain values (no database).

Each refusal is a ``DelegationProblem`` with a stable code (docs/rules.md, "Delegations"), the form/API field at
fault and a message in the active language. The service (services/delegations.py) gathers the facts from the
database and asks these.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from declarations.choices import Mode

# Which status each action starts from (the service refuses any other with DLG_NOT_OPEN).
TRANSITIONS = {
    "accept": ("pending",),
    "refuse": ("pending",),
    "end": ("pending", "accepted"),
}


@dataclass(frozen=True)
class DelegationProblem:
    code: str
    field: str | None
    message: str


@dataclass(frozen=True)
class DelegationScope:
    """What a live delegation covers: supervision modes and declaring offices (empty: all of them)."""

    modes: frozenset[str] = frozenset()
    offices: frozenset[str] = frozenset()

    def covers(self, *, mode: str, office: str) -> bool:
        return (not self.modes or mode in self.modes) and (not self.offices or office in self.offices)


def scopes_cover(scopes: Iterable[DelegationScope], *, mode: str, office: str) -> bool:
    """Whether any of a broker's live delegations from one exporter covers a declaration's mode and office."""
    return any(scope.covers(mode=mode or "", office=office or "") for scope in scopes)


def check_terms(
    *,
    modes: Collection[str],
    valid_from: datetime.date | None,
    valid_until: datetime.date | None,
    today: datetime.date,
) -> list[DelegationProblem]:
    """The terms of a new delegation: known modes, a period that ends after it starts and not in the past."""
    problems = []
    unknown = sorted(set(modes) - set(Mode.values))
    if unknown:
        problems.append(
            DelegationProblem(
                "DLG_UNKNOWN_MODE",
                "modes",
                _("Unknown supervision mode: %(modes)s.") % {"modes": ", ".join(unknown)},
            )
        )
    if valid_until is not None and valid_until < today:
        problems.append(
            DelegationProblem("DLG_PERIOD_PAST", "valid_until", _("The validity period has already ended."))
        )
    elif valid_from is not None and valid_until is not None and valid_until < valid_from:
        problems.append(
            DelegationProblem(
                "DLG_PERIOD_ORDER", "valid_until", _("“Valid until” must not be before “valid from”.")
            )
        )
    return problems


def check_parties(
    *, broker_id: int | None, exporter_id: int | None, open_exists: bool
) -> list[DelegationProblem]:
    """The counterparty was found with the right role, is another enterprise, and no open delegation exists."""
    if broker_id is None or exporter_id is None:
        return [
            DelegationProblem(
                "DLG_NO_COUNTERPARTY",
                "code",
                _(
                    "No enterprise in the portal has this unified social credit code or customs code in the "
                    "needed role (exporter for a request, customs broker for an entrustment)."
                ),
            )
        ]
    if broker_id == exporter_id:
        return [DelegationProblem("DLG_SELF", "code", _("An enterprise cannot delegate to itself."))]
    if open_exists:
        return [
            DelegationProblem(
                "DLG_ALREADY_OPEN",
                "code",
                _("A delegation between these enterprises is already pending or in force."),
            )
        ]
    return []


def check_transition(*, action: str, status: str, status_label: str = "") -> list[DelegationProblem]:
    if status in TRANSITIONS[action]:
        return []
    message = _("This delegation is “%(status)s” and can no longer be changed this way.")
    return [DelegationProblem("DLG_NOT_OPEN", None, message % {"status": status_label or status})]


def expired(*, valid_until: datetime.date | None, today: datetime.date) -> bool:
    return valid_until is not None and valid_until < today


def is_live(
    *, status: str, valid_from: datetime.date | None, valid_until: datetime.date | None, today: datetime.date
) -> bool:
    """The Python twin of ``models.delegations.live_q`` for one delegation already read (pages, API)."""
    return (
        status == "accepted"
        and (valid_from is None or valid_from <= today)
        and (valid_until is None or valid_until >= today)
    )
