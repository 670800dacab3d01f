"""Admin handling of unmatched receipts: attach one to the declaration it belongs to and apply it."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from declarations.choices import STATUS_RANK, DeclarationStatus, EventSource, ReceiptState
from declarations.messages.receipts import ReceiptEntry
from declarations.models import Declaration, Receipt
from declarations.services import receipts as receipt_services
from declarations.services.notifications import enterprise_notify
from declarations.services.status import declaration_record_event, declaration_set_status, transition_allowed


def _entry(receipt: Receipt) -> ReceiptEntry:
    return ReceiptEntry(
        message_type=receipt.receipt_type,
        guid=receipt.guid,
        keys=dict(receipt.keys or {}),
        return_status=receipt.return_status,
        return_time=receipt.return_time,
        return_info=receipt.return_info,
    )


@transaction.atomic
def receipt_attach(*, receipt: Receipt, declaration: Declaration, actor=None) -> Receipt:
    """Attach an unmatched receipt and apply it as ingestion would have: forward-only, duplicates ignored."""
    receipt = Receipt.objects.select_for_update().get(pk=receipt.pk)
    if receipt.state != ReceiptState.UNMATCHED or receipt.declaration_id is not None:
        raise ValidationError(_("Only an unmatched receipt can be attached."), code="not_unmatched")
    declaration = Declaration.objects.select_for_update().get(pk=declaration.pk)
    entry = _entry(receipt)
    receipt.declaration = declaration
    duplicate = (
        Receipt.objects.filter(
            declaration=declaration,
            receipt_type=entry.message_type,
            return_status=entry.return_status,
            return_time=entry.return_time,
        )
        .exclude(pk=receipt.pk)
        .exists()
    )
    if duplicate:
        receipt.state = ReceiptState.DUPLICATE
        receipt.save(update_fields=["declaration", "state"])
        return receipt
    receipt.state = ReceiptState.APPLIED
    receipt.save(update_fields=["declaration", "state"])
    updates = {"last_return_status": entry.return_status, "last_return_info": entry.return_info[:1000]}
    for key, attr in (("preNo", "pre_no"), ("invtNo", "invt_no")):
        if entry.message_type == "CEB604" and entry.keys.get(key):
            updates[attr] = entry.keys[key]
    Declaration.objects.filter(pk=declaration.pk).update(**updates)
    note = _("Attached by %(actor)s: %(type)s %(code)s %(info)s") % {
        "actor": actor or "-",
        "type": entry.message_type,
        "code": entry.return_status,
        "info": entry.return_info,
    }
    target = receipt_services._target_status(entry, declaration)
    moves_forward = (
        target is not None
        and target != declaration.status
        and STATUS_RANK[target] > STATUS_RANK[declaration.status]
        and transition_allowed(declaration.status, target)
    )
    if moves_forward:
        declaration_set_status(
            declaration=declaration,
            to_status=target,
            source=EventSource.ADMIN,
            actor=actor,
            receipt=receipt,
            return_status=entry.return_status,
            note=note,
        )
        if target in receipt_services.NOTIFY_STATUSES:
            text = _("Declaration %(order)s: %(status)s (%(code)s %(info)s)") % {
                "order": declaration.order_no,
                "status": DeclarationStatus(target).label,
                "code": entry.return_status,
                "info": entry.return_info,
            }
            transaction.on_commit(
                lambda: enterprise_notify(
                    enterprise=declaration.enterprise, kind=str(target), text=text, declaration=declaration
                )
            )
    else:
        if target is not None and target != declaration.status:
            receipt.state = ReceiptState.STALE
            receipt.save(update_fields=["state"])
        declaration_record_event(
            declaration=declaration,
            source=EventSource.ADMIN,
            actor=actor,
            receipt=receipt,
            return_status=entry.return_status,
            note=note,
        )
    return receipt
