"""A returned declaration's later life: declared again as a change (appType 2) or withdrawn (appType 3).

Both check the verdict of ``rules.amendments`` under the row lock, so a refused action changes nothing. The
change is a submission (``services.submission.declaration_submit``: findings, a new version, rendering on the
worker) whose messages carry appType 2, the same copNo and new guids. The withdrawal renders the list once more
as CEB603 appType 3 in a new version, stores it beside the earlier versions (never over them) and writes it to
the outbox; customs answers with CEB604 (``services.receipts``).
"""

from django.db import transaction
from django.utils.translation import gettext as _

from declarations.choices import DeclarationStatus, EventSource, MessageType
from declarations.messages.render import render_one
from declarations.messages.schema import SchemaInvalid
from declarations.messages.signing import get_signer
from declarations.models import Declaration, RenderedMessage
from declarations.rules.amendments import (
    APP_TYPE_DELETE,
    AmendmentState,
    Verdict,
    change_verdict,
    withdraw_verdict,
)
from declarations.services.status import declaration_set_status
from declarations.services.submission import SubmissionBlocked, declaration_submit, message_write_outbox


class AmendmentRefused(SubmissionBlocked):
    """Customs would not accept this action in the declaration's state; ``code`` is the rule's stable code."""

    def __init__(self, verdict: Verdict):
        self.code = verdict.code
        super().__init__(verdict.message)


def _locked(declaration: Declaration) -> Declaration:
    return (
        Declaration.objects.select_related("enterprise", "agent", "warehouse")
        .select_for_update(of=("self",))
        .get(pk=declaration.pk)
    )


def declaration_declare_change(*, declaration: Declaration, actor=None) -> Declaration:
    """Declare a returned declaration again as a change: its messages get appType 2 and version + 1."""
    with transaction.atomic():
        locked = _locked(declaration)
        verdict = change_verdict(AmendmentState.of(locked))
        if not verdict.allowed:
            raise AmendmentRefused(verdict)
        declaration_submit(declaration=locked, actor=actor)  # sets appType 2 (rules.amendments.next_app_type)
    declaration.refresh_from_db()
    return declaration


def declaration_withdraw(*, declaration: Declaration, reason: str = "", actor=None) -> RenderedMessage:
    """Withdraw a returned list (CEB603 appType 3 删除) in a new version; earlier versions' messages stay."""
    reason = (reason or "").strip()[:1000]
    with transaction.atomic():
        locked = _locked(declaration)
        verdict = withdraw_verdict(AmendmentState.of(locked))
        if not verdict.allowed:
            raise AmendmentRefused(verdict)
        version = locked.version + 1
        try:
            rendered = render_one(
                MessageType.CEB603,
                locked,
                list(locked.lines.all()),
                app_type=APP_TYPE_DELETE,
                signer=get_signer(),
            )
        except (SchemaInvalid, ValueError) as exc:
            raise SubmissionBlocked(
                _("The withdrawal could not be rendered: %(reason)s") % {"reason": exc}
            ) from exc
        message = RenderedMessage.from_rendered(declaration=locked, version=version, rendered=rendered)
        message.save()
        Declaration.objects.filter(pk=locked.pk).update(version=version, app_type=APP_TYPE_DELETE)
        declaration_set_status(
            declaration=locked,
            to_status=DeclarationStatus.WITHDRAWAL_REQUESTED,
            source=EventSource.USER,
            actor=actor,
            note=reason or message.file_name,
        )
    message_write_outbox(message=message)
    declaration.refresh_from_db()
    return message
