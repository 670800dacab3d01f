"""Submission: refuse blocking findings, record the intent to render, render on the worker, write the outbox."""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from declarations import task_names
from declarations.choices import EDITABLE_STATUSES, DeclarationStatus, EventSource
from declarations.messages import exchange
from declarations.messages.common import RenderError
from declarations.messages.render import render_all
from declarations.messages.schema import SchemaInvalid
from declarations.messages.signing import get_signer
from declarations.models import Declaration, RenderedMessage
from declarations.rules.amendments import AmendmentState, next_app_type
from declarations.rules.engine import has_errors
from declarations.rules.finding import Finding
from declarations.services.declarations import declaration_validate
from declarations.services.dispatch import task_dispatch, task_record_fallback
from declarations.services.status import (
    declaration_advance,
    declaration_set_status,
    declaration_transition_locked,
    declarations_advance_bulk,
)

logger = logging.getLogger(__name__)


class SubmissionBlocked(Exception):
    """Raised when a declaration cannot be submitted; carries the blocking findings or a reason."""

    def __init__(self, message: str, findings: list[Finding] | None = None):
        self.findings = findings or []
        super().__init__(message)


def declaration_submit(*, declaration: Declaration, actor=None) -> Declaration:
    """Validate, and if nothing blocks, move to SUBMITTED with a new version and dispatch rendering on commit."""
    with transaction.atomic():
        locked = Declaration.objects.select_for_update().get(pk=declaration.pk)
        if locked.status not in EDITABLE_STATUSES:
            raise SubmissionBlocked(
                _("A declaration in status “%(status)s” cannot be submitted.")
                % {"status": locked.get_status_display()}
            )
        findings = declaration_validate(declaration_id=locked.pk)
        if has_errors(findings):
            raise SubmissionBlocked(
                _("The declaration has errors; correct them before submitting."), findings
            )
        locked.refresh_from_db()
        if not locked.effective_channel:
            raise SubmissionBlocked(_("Choose a channel before submitting."))
        Declaration.objects.filter(pk=locked.pk).update(
            version=locked.version + 1,
            submitted_at=timezone.now(),
            channel=locked.effective_channel,
            app_type=next_app_type(AmendmentState.of(locked)),  # a returned declaration goes as a change
        )
        declaration_set_status(
            declaration=locked, to_status=DeclarationStatus.SUBMITTED, source=EventSource.USER, actor=actor
        )
        locked.refresh_from_db()
        declaration_dispatch_render(declaration=locked)
    declaration.refresh_from_db()
    return declaration


@dataclass
class SubmittedChunk:
    ids: list[int]  # the declarations moved to SUBMITTED
    intent_id: int | None  # their fallback render intent (None when none moved)


def declarations_submit_checked(
    *, declarations: list[Declaration], actor=None, note: str = ""
) -> SubmittedChunk:
    """declaration_submit for declarations the caller has just checked and stored (the import's "submit").

    The rules ran moments ago on exactly these values (a blocking finding kept the declaration out), so they
    are not run again. Under row locks, each one still editable and in the version the caller holds, with a
    channel, moves to SUBMITTED in a new version (one StatusEvent each); the objects are updated to match.
    Their rendering is recorded as one fallback intent: the caller renders them itself right after the commit,
    and should it never finish, the sweeper hands them to a worker (declarations_render_many_task).
    """
    with transaction.atomic():
        with_channel = {d.pk: d for d in declarations if d.effective_channel}
        now = timezone.now()
        by_channel: dict[str, list[int]] = {}
        for pk, declaration in with_channel.items():
            by_channel.setdefault(declaration.effective_channel, []).append(pk)
        moved = declarations_advance_bulk(
            versions={pk: d.version for pk, d in with_channel.items()},
            from_statuses=EDITABLE_STATUSES,
            to_status=DeclarationStatus.SUBMITTED,
            source=EventSource.USER,
            actor=actor,
            note=note,
            also=[
                (pks, {"version": F("version") + 1, "submitted_at": now, "channel": channel})
                for channel, pks in by_channel.items()
            ],
        )
        if not moved:
            return SubmittedChunk([], None)
        for pk in moved:
            declaration = with_channel[pk]
            declaration.version += 1
            declaration.submitted_at = now
            declaration.channel = declaration.effective_channel
            declaration.status = DeclarationStatus.SUBMITTED
        ids = list(moved)
        intent_id = task_record_fallback(
            task=task_names.DECLARATIONS_RENDER_MANY, args=[[[pk, with_channel[pk].version] for pk in ids]]
        )
        return SubmittedChunk(ids, intent_id)


def declaration_dispatch_render(*, declaration: Declaration) -> None:
    """Record the render intent in the caller's transaction (outbox); it is published after commit."""
    task_dispatch(task=task_names.DECLARATION_RENDER, args=[declaration.pk, declaration.version])


def declaration_render(*, declaration_id: int, version: int) -> list[RenderedMessage]:
    """Render, validate, store and write to the outbox. Idempotent: a second run reuses the stored messages.

    A first run does it in one transaction: the files are written under temp names and made durable, then the
    messages are stored marked written and the declaration moves to SENT; once that commits, the files get
    their *.xml names. Should the worker die before the renames, the redelivered task (acks_late) finds the
    stored messages and writes their files again from the database.
    """
    staged: list[exchange.Staged] = []
    try:
        with transaction.atomic():
            # The renderers read the enterprise, agent and warehouse: joined here, but only the declaration is
            # locked.
            declaration = (
                Declaration.objects.select_related("enterprise", "agent", "warehouse")
                .select_for_update(of=("self",))
                # Whether a first run stored the messages already, in the same read (one round trip less).
                .annotate(
                    rendered=Exists(
                        RenderedMessage.objects.filter(declaration=OuterRef("pk"), version=version)
                    )
                )
                .get(pk=declaration_id)
            )
            if declaration.version != version:
                return []  # superseded by a newer submission
            if declaration.rendered:
                stored = list(declaration.messages.filter(version=version))
            else:
                if declaration.status != DeclarationStatus.SUBMITTED:
                    return []
                stored, staged = _render_stage_store(declaration, version)
                if not stored:
                    return []
    except BaseException:
        exchange.outbox_discard(staged=staged)
        raise
    if staged:
        exchange.outbox_publish(staged=staged)
        return stored
    # A run before this one stored the messages: all of them in one batch (one directory sync), then marked
    # written together with the move to "sent" in one transaction (both no-ops if that run got so far).
    exchange.outbox_write_many(
        directory=settings.OUTBOX_DIR, files=[(m.file_name, bytes(m.content)) for m in stored]
    )
    with transaction.atomic():
        RenderedMessage.objects.filter(pk__in=[m.pk for m in stored], written_at__isnull=True).update(
            written_at=timezone.now(), outbox_file=RenderedMessage.file_name_expression()
        )
        declaration_advance(
            declaration_id=declaration_id,
            version=version,
            from_status=DeclarationStatus.SUBMITTED,
            to_status=DeclarationStatus.SENT,
            source=EventSource.SYSTEM,
            note=", ".join(m.file_name for m in stored),
        )
    return stored


def _render_stage_store(
    declaration: Declaration, version: int
) -> tuple[list[RenderedMessage], list[exchange.Staged]]:
    """In the caller's transaction, with the row locked: render, stage the files durably, store the messages
    marked written and move to SENT; or, when a message fails our XSD, move to RENDER_FAILED (nothing stored)."""
    lines = list(declaration.lines.all())
    try:
        rendered = render_all(declaration, lines, signer=get_signer())
    except (SchemaInvalid, ValueError) as exc:
        # A message that fails our XSD is never stored or sent.
        declaration_transition_locked(
            locked=declaration,
            to_status=DeclarationStatus.RENDER_FAILED,
            note=_("Rendering failed: %(reason)s") % {"reason": exc},
        )
        return [], []
    messages = [
        RenderedMessage.from_rendered(declaration=declaration, version=version, rendered=r) for r in rendered
    ]
    staged = exchange.outbox_stage_many(
        directory=settings.OUTBOX_DIR, files=[(m.file_name, m.content) for m in messages]
    )
    written_at = timezone.now()  # every file is durable (under its temp name) from here on
    for message in messages:
        message.written_at, message.outbox_file = written_at, message.file_name
    try:
        stored = RenderedMessage.objects.bulk_create(messages)
        declaration_transition_locked(
            locked=declaration,
            to_status=DeclarationStatus.SENT,
            note=", ".join(m.file_name for m in stored),
        )
    except BaseException:
        exchange.outbox_discard(staged=staged)
        raise
    return stored, staged


def message_write_outbox(*, message: RenderedMessage) -> None:
    path = exchange.outbox_write(
        directory=settings.OUTBOX_DIR, file_name=message.file_name, content=bytes(message.content)
    )
    if not message.written_at:
        RenderedMessage.objects.filter(pk=message.pk, written_at__isnull=True).update(
            written_at=timezone.now(), outbox_file=path.name
        )


def declaration_cancel(*, declaration: Declaration, reason: str, actor=None) -> RenderedMessage:
    """Request cancellation of a released list (CEB605 撤销申请单); customs answers with CEB606."""
    from declarations.messages.render import render_one

    reason = (reason or "").strip()
    if not reason:
        raise SubmissionBlocked(_("A cancellation needs a reason."))
    with transaction.atomic():
        locked = Declaration.objects.select_for_update().get(pk=declaration.pk)
        if locked.status != DeclarationStatus.RELEASED or not locked.invt_no:
            raise SubmissionBlocked(_("Only a released inventory list with a list number can be cancelled."))
        existing = locked.messages.filter(message_type="CEB605", version=locked.version).first()
        if existing is None:
            locked.cancel_reason = reason[:1000]
            locked.save(update_fields=["cancel_reason"])
            try:
                rendered = render_one(
                    "CEB605", locked, invt_no=locked.invt_no, reason=locked.cancel_reason, signer=get_signer()
                )
            except RenderError as exc:  # a reason XML cannot carry: refused, the transaction stores nothing
                raise SubmissionBlocked(
                    _(
                        "The reason holds characters that cannot be sent in an XML message (control characters)."
                    )
                ) from exc
            existing = RenderedMessage.from_rendered(
                declaration=locked, version=locked.version, rendered=rendered
            )
            existing.save()
        declaration_set_status(
            declaration=locked,
            to_status=DeclarationStatus.CANCEL_REQUESTED,
            source=EventSource.USER,
            actor=actor,
            note=reason,
        )
    message_write_outbox(message=existing)
    declaration.refresh_from_db()
    return existing
