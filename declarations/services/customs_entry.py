"""The customs-declaration (报关单) channel's outcome, recorded by the user: it moves the status as a receipt would.

A 9710 / 9810 declaration above the list channel's limits goes to customs as a 报关单 through the Single
Window's goods declaration (H2018), outside our CEB messages, so no receipt reports it: after the CEB304 "120"
(海关入库) the declaration would stay "accepted" for ever. The user enters the 18-digit entry number (报关单号)
and what customs decided; the status moves through services.status with one event per change.
"""

import datetime
import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from declarations.choices import STATUS_RANK, Channel, DeclarationStatus, EventSource
from declarations.models import CustomsEntryResult, Declaration
from declarations.models.customs_entry import EntryResult
from declarations.services.status import declaration_set_status, transition_allowed

ENTRY_NO = re.compile(r"[0-9]{18}")
# What each result means for the declaration's status (报关单 退单 is a customs rejection, like CEB 100).
RESULT_STATUS = {
    EntryResult.RELEASED: DeclarationStatus.RELEASED,
    EntryResult.INSPECTION: DeclarationStatus.INSPECTION,
    EntryResult.RETURNED: DeclarationStatus.REJECTED,
}


def customs_entry_allowed_now(declaration: Declaration) -> bool:
    """Whether a result may be recorded now: a sent 报关单-channel declaration still before a final status."""
    if declaration.effective_channel != Channel.CUSTOMS_DECLARATION:
        return False
    return any(transition_allowed(declaration.status, target) for target in RESULT_STATUS.values()) and (
        STATUS_RANK.get(declaration.status, 0) >= STATUS_RANK[DeclarationStatus.SENT]
    )


def _check(*, entry_no: str, result: str, result_date, reason: str) -> dict:
    errors = {}
    if not ENTRY_NO.fullmatch(entry_no):
        errors["entry_no"] = _("The customs declaration number has 18 digits.")
    if result not in EntryResult.values:
        errors["result"] = _("Choose released, inspection or returned.")
    if not isinstance(result_date, datetime.date):
        errors["result_date"] = _("Enter a date as YYYY-MM-DD.")
    elif result_date > timezone.localdate():
        errors["result_date"] = _("The date of the result cannot be in the future.")
    if result == EntryResult.RETURNED and not reason.strip():
        errors["reason"] = _("Give the reason customs returned the declaration.")
    return errors


@transaction.atomic
def customs_entry_record(
    *, declaration: Declaration, entry_no: str, result: str, result_date, reason: str = "", actor=None
) -> CustomsEntryResult:
    """Record the 报关单 result and move the status forward; ValidationError (per field) and nothing stored
    when the input is wrong or the declaration cannot take this result now."""
    entry_no, reason = (entry_no or "").strip(), (reason or "").strip()
    errors = _check(entry_no=entry_no, result=result, result_date=result_date, reason=reason)
    if errors:
        raise ValidationError(errors)
    locked = Declaration.objects.select_for_update().get(pk=declaration.pk)
    target = RESULT_STATUS[result]
    if not customs_entry_allowed_now(locked):
        raise ValidationError(
            _(
                "A customs declaration result can be recorded only for a sent declaration in the customs declaration channel that customs has not finished with (status: %(status)s)."
            )
            % {"status": locked.get_status_display()},
            code="not_allowed",
        )
    if not (STATUS_RANK[target] > STATUS_RANK[locked.status] and transition_allowed(locked.status, target)):
        raise ValidationError(
            {
                "result": _("A declaration in status “%(from)s” cannot become “%(to)s”.")
                % {"from": locked.get_status_display(), "to": DeclarationStatus(target).label}
            }
        )
    note = f"{entry_no} {result} {result_date:%Y-%m-%d} {reason}".strip()
    event = declaration_set_status(
        declaration=locked, to_status=target, source=EventSource.USER, actor=actor, note=note
    )
    declaration.status = locked.status
    return CustomsEntryResult.objects.create(
        declaration=locked,
        entry_no=entry_no,
        result=result,
        result_date=result_date,
        reason=reason[:1000],
        event=event,
        actor=actor,
    )
