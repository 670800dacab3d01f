"""The one place a declaration's status changes; every change writes exactly one StatusEvent."""

import functools
from collections.abc import Collection, Mapping, Sequence

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from declarations.choices import ALLOWED_TRANSITIONS, EventSource
from declarations.models import Declaration, StatusEvent
from declarations.services.bulk_store import (
    RowMaker,
    blank_factory,
    id_batches,
    insert_rows,
    insertable_fields,
)


class TransitionNotAllowed(Exception):
    def __init__(self, from_status: str, to_status: str):
        self.from_status = from_status
        self.to_status = to_status
        super().__init__(
            _("A declaration cannot go from %(from)s to %(to)s.") % {"from": from_status, "to": to_status}
        )


def transition_allowed(from_status: str, to_status: str) -> bool:
    return to_status in ALLOWED_TRANSITIONS.get(from_status, frozenset())


def _locked(pk: int) -> Declaration:
    return Declaration.objects.select_for_update().only("status", "version").get(pk=pk)


def _transition_write(*, locked: Declaration, to_status: str, **event) -> StatusEvent:
    from_status = locked.status
    Declaration.objects.filter(pk=locked.pk).update(status=to_status)
    event["note"] = event.get("note", "")[:1000]
    return StatusEvent.objects.create(
        declaration=locked, from_status=from_status, to_status=to_status, **event
    )


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
    # No savepoint of its own (two statements fewer on the worker's hot path): a failing write fails the caller's
    # transaction anyway, and a refused transition is raised after the block, having written nothing.
    with transaction.atomic(savepoint=False):
        locked = _locked(declaration.pk)
        from_status = locked.status
        if transition_allowed(from_status, to_status):
            declaration.status = to_status
            return _transition_write(
                locked=locked,
                to_status=to_status,
                source=source,
                actor=actor,
                receipt=receipt,
                return_status=return_status,
                note=note,
            )
    raise TransitionNotAllowed(from_status, to_status)


def declaration_transition_locked(
    *, locked: Declaration, to_status: str, source: str = EventSource.SYSTEM, note: str = ""
) -> StatusEvent:
    """Move a declaration whose row the caller has locked (select_for_update, in its transaction) and whose
    status it has just read; one statement fewer than declaration_set_status, which locks again."""
    if not transition_allowed(locked.status, to_status):
        raise TransitionNotAllowed(locked.status, to_status)
    event = _transition_write(locked=locked, to_status=to_status, source=source, note=note)
    locked.status = to_status
    return event


def declaration_advance(
    *, declaration_id: int, version: int, from_status: str, to_status: str, source: str, note: str = ""
) -> StatusEvent | None:
    """Compare and set: move to ``to_status`` only if the declaration is still at ``from_status`` in ``version``
    (the worker's step after its own work, which a newer submission or a user may have overtaken); None, and
    nothing written, otherwise."""
    if not transition_allowed(from_status, to_status):
        raise TransitionNotAllowed(from_status, to_status)
    with transaction.atomic(savepoint=False):
        locked = _locked(declaration_id)
        if locked.status != from_status or locked.version != version:
            return None
        return _transition_write(locked=locked, to_status=to_status, source=source, note=note)


def declarations_advance_bulk(
    *,
    versions: Mapping[int, int],
    from_statuses: Collection[str],
    to_status: str,
    source: str,
    actor=None,
    notes: Mapping[int, str] | None = None,
    note: str = "",
    also: Sequence[tuple[Collection[int], Mapping[str, object]]] = (),
) -> dict[int, str]:
    """declaration_advance for many declarations (id -> expected version) in the caller's transaction.

    Under row locks, those still in their version and at one of ``from_statuses`` move to ``to_status`` with
    one StatusEvent each (note from ``notes`` by id, else ``note``); the others are left untouched. ``also``
    gives further fields (values or expressions) to set on groups of ids, in the same UPDATE as the status:
    on PostgreSQL every UPDATE of a row writes a new version of it with an entry in each index. Returns the
    moved ids with the status each came from.
    """
    for from_status in from_statuses:
        if not transition_allowed(from_status, to_status):
            raise TransitionNotAllowed(from_status, to_status)
    ids = sorted(versions)
    moved: dict[int, str] = {}
    with transaction.atomic(savepoint=False):
        for batch in id_batches(ids):
            rows = (
                Declaration.objects.select_for_update()
                .filter(pk__in=batch)
                .order_by("pk")  # rows locked in one order by everyone: no deadlock between two bulk moves
                .values_list("pk", "status", "version")
            )
            for pk, status, version in rows:
                if status in from_statuses and version == versions[pk]:
                    moved[pk] = status
        if not moved:
            return moved
        rest = set(moved)
        updates = []
        for pks, fields in also:
            group = rest.intersection(pks)
            rest -= group
            updates.append((group, {"status": to_status, **fields}))
        updates.append((rest, {"status": to_status}))
        for pks, fields in updates:
            for batch in id_batches(sorted(pks)):
                Declaration.objects.filter(pk__in=batch).update(**fields)
        notes = notes or {}
        # Plain strings: the choices' enum members would each go through the field's conversion.
        to_status, source = str(to_status), str(source)
        events = _event_rows()
        blank = _blank_event()
        rows = []
        for pk, from_status in moved.items():
            event = blank()
            event.__dict__.update(
                declaration_id=pk,
                from_status=str(from_status),
                to_status=to_status,
                source=source,
                actor_id=getattr(actor, "pk", None),
                note=notes.get(pk, note)[:1000],
            )
            rows.append(events(event))
        # The same rows as StatusEvent.objects.bulk_create, in a fraction of its time (see bulk_store).
        insert_rows(StatusEvent, events.columns, rows)
    return moved


@functools.cache
def _event_rows() -> RowMaker:
    return RowMaker(insertable_fields(StatusEvent), add=True)


@functools.cache
def _blank_event():
    return blank_factory(StatusEvent)


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
