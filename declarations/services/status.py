"""The one place a declaration's status changes; every change writes exactly one StatusEvent."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from declarations.choices import ALLOWED_TRANSITIONS, EventSource
from declarations.models import Declaration, StatusEvent


class TransitionNotAllowed(Exception):
    def __init__(self, from_status: str, to_status: str):
        self.from_status = from_status
        self.to_status = to_status
        super().__init__(
            _("A declaration cannot go from %(from)s to %(to)s.") % {"from": from_status, "to": to_status}
        )


def transition_allowed(from_status: str, to_status: str) -> bool:
    return to_status in ALLOWED_TRANSITIONS.get(from_status, frozenset())


@transaction.atomic
def declaration_set_status(
    *,
    declaration: Declaration,
    to_status: str,
    source: str = EventSource.SYSTEM,
    actor=None,
    receipt=None,
    return_status: str = "",
    note: str = "",
) -> StatusEvent:
    """Move the declaration to ``to_status`` under a row lock, or raise TransitionNotAllowed and write nothing."""
    locked = Declaration.objects.select_for_update().get(pk=declaration.pk)
    from_status = locked.status
    if not transition_allowed(from_status, to_status):
        raise TransitionNotAllowed(from_status, to_status)
    Declaration.objects.filter(pk=locked.pk).update(status=to_status)
    declaration.status = to_status
    return StatusEvent.objects.create(
        declaration=locked,
        from_status=from_status,
        to_status=to_status,
        source=source,
        actor=actor,
        receipt=receipt,
        return_status=return_status,
        note=note[:1000],
    )


def declaration_record_event(
    *,
    declaration: Declaration,
    source: str,
    note: str = "",
    receipt=None,
    return_status: str = "",
    actor=None,
) -> StatusEvent:
    """A timeline entry that does not change the status (e.g. a receipt that confirms the current state)."""
    return StatusEvent.objects.create(
        declaration=declaration,
        from_status=declaration.status,
        to_status=declaration.status,
        source=source,
        actor=actor,
        receipt=receipt,
        return_status=return_status,
        note=note[:1000],
    )
