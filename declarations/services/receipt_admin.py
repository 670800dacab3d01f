"""Admin handling of unmatched receipts: attach one to the declaration it belongs to and apply it."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from declarations.choices import EventSource, ReceiptState
from declarations.messages.receipts import ReceiptEntry
from declarations.models import Declaration, Receipt
from declarations.services import receipts as receipt_services


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
    note = _("Attached by %(actor)s: %(type)s %(code)s %(info)s") % {
        "actor": actor or "-",
        "type": receipt.receipt_type,
        "code": receipt.return_status,
        "info": receipt.return_info,
    }
    return receipt_services.receipt_apply_to_declaration(
        receipt=receipt,
        entry=_entry(receipt),
        declaration=declaration,
        source=EventSource.ADMIN,
        note=note,
        actor=actor,
    )
