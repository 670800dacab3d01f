"""Arrival (运抵单, CEB507) by the supervised-site operator and departure (离境单, CEB509) by the logistics
enterprise, for a batch of declared lists. Each list gets one message of each kind per version; the receipts
(CEB508, CEB510) land on the lists' timelines through the receipts service."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from declarations.choices import EventSource
from declarations.messages import exchange
from declarations.messages.common import RenderError
from declarations.messages.render import render_one
from declarations.models import Declaration, Enterprise, RenderedMessage
from declarations.services.status import declaration_record_event


class SiteMessageBlocked(Exception):
    """A list of the batch cannot get its message; nothing of the batch was sent."""


def _send_batch(
    *, message_type: str, declarations: list[Declaration], sender: Enterprise, actor, updates: dict, note: str
) -> list[RenderedMessage]:
    stored = []
    with transaction.atomic():
        for declaration in declarations:
            locked = Declaration.objects.select_for_update().get(pk=declaration.pk)
            if locked.messages.filter(message_type=message_type, version=locked.version).exists():
                raise SiteMessageBlocked(
                    _("List %(cop_no)s already has its %(type)s.")
                    % {"cop_no": locked.cop_no, "type": message_type}
                )
            for name, value in updates.items():
                setattr(locked, name, value)
            if updates:
                locked.save(update_fields=list(updates))
            try:
                rendered = render_one(message_type, locked, sender=sender)
            except RenderError as exc:
                raise SiteMessageBlocked(
                    _("List %(cop_no)s: %(error)s") % {"cop_no": locked.cop_no, "error": exc}
                ) from exc
            message = RenderedMessage.from_rendered(
                declaration=locked, version=locked.version, rendered=rendered
            )
            message.save()
            declaration_record_event(
                declaration=locked, source=EventSource.USER, actor=actor, note=f"{note} · {message.file_name}"
            )
            stored.append(message)
    exchange.outbox_write_many(
        directory=settings.OUTBOX_DIR, files=[(m.file_name, bytes(m.content)) for m in stored]
    )
    return stored


def declarations_send_arrival(
    *, declarations: list[Declaration], operator: Enterprise, domestic_traf_no: str, actor=None
) -> list[RenderedMessage]:
    """CEB507 for each list at the operator's site (the caller read them through ``arrival_lists_for_user``)."""
    for declaration in declarations:
        if declaration.site_operator_id != operator.pk:
            raise SiteMessageBlocked(
                _("List %(cop_no)s is not at your site.") % {"cop_no": declaration.cop_no}
            )
    return _send_batch(
        message_type="CEB507",
        declarations=declarations,
        sender=operator,
        actor=actor,
        updates={"domestic_traf_no": domestic_traf_no} if domestic_traf_no else {},
        note=_("Arrival sent by %(name)s") % {"name": operator.name},
    )


def declarations_send_departure(
    *,
    declarations: list[Declaration],
    carrier: Enterprise,
    leave_time: datetime,
    traf_name: str = "",
    voyage_no: str = "",
    bill_no: str = "",
    actor=None,
) -> list[RenderedMessage]:
    """CEB509 for each released list the carrier carries (read through ``departure_lists_for_user``)."""
    codes = {carrier.customs_code, carrier.uscc} - {""}
    for declaration in declarations:
        if declaration.logistics_code not in codes:
            raise SiteMessageBlocked(
                _("List %(cop_no)s is carried by another logistics enterprise.")
                % {"cop_no": declaration.cop_no}
            )
    updates = {"leave_time": leave_time}
    updates.update(
        {k: v for k, v in (("traf_name", traf_name), ("voyage_no", voyage_no), ("bill_no", bill_no)) if v}
    )
    return _send_batch(
        message_type="CEB509",
        declarations=declarations,
        sender=carrier,
        actor=actor,
        updates=updates,
        note=_("Departure sent by %(name)s") % {"name": carrier.name},
    )
