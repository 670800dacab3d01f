"""Declaration drafts: validate (rules engine), store findings and the recommended channel."""

from django.db import transaction
from django.utils.translation import gettext as _

from declarations.models import Declaration, DeclarationLine
from declarations.rules.context import RuleContext
from declarations.rules.copies import copy_placeholder
from declarations.rules.engine import evaluate
from declarations.rules.finding import Finding
from declarations.selectors_rule_context import rule_context_load


def declaration_check(
    *, declaration: Declaration, lines=None, ctx: RuleContext | None = None
) -> tuple[list[Finding], object]:
    """Run every rule without storing anything; works on unsaved objects (forms, spreadsheet rows)."""
    ctx = ctx or rule_context_load()
    if lines is None:
        lines = list(declaration.lines.all())
    evaluation = evaluate(declaration, lines, ctx=ctx)
    return evaluation.findings, evaluation.advice


@transaction.atomic
def declaration_validate(*, declaration_id: int, ctx: RuleContext | None = None) -> list[Finding]:
    """Validate a stored declaration and store its findings and recommended channel (idempotent)."""
    declaration = Declaration.objects.select_for_update().get(pk=declaration_id)
    findings, advice = declaration_check(declaration=declaration, ctx=ctx)
    Declaration.objects.filter(pk=declaration.pk).update(
        findings=[f.as_dict() for f in findings],
        recommended_channel=advice.channel or "",
        channel_reason=str(advice.reason_code or "")[:255],
    )
    return findings


class DeclarationNotEditable(Exception):
    pass


def _assert_editable(declaration: Declaration) -> None:
    from declarations.choices import EDITABLE_STATUSES

    if declaration.pk and declaration.status not in EDITABLE_STATUSES:
        raise DeclarationNotEditable(
            _("A declaration in status “%(status)s” can no longer be changed.")
            % {"status": declaration.get_status_display()}
        )


@transaction.atomic
def declaration_save(
    *,
    declaration: Declaration | None,
    data: dict,
    lines: list[dict],
    actor=None,
    ctx: RuleContext | None = None,
) -> tuple[Declaration, list[Finding]]:
    """Create or update a draft with its lines (all or nothing), then store findings and the recommended channel.

    ``data`` and each line dict use model field names; lines are replaced as a whole and renumbered from 1.
    """
    if declaration is not None:
        declaration = Declaration.objects.select_for_update().get(pk=declaration.pk)
        _assert_editable(declaration)
    else:
        declaration = Declaration(created_by=actor)
    for name, value in data.items():
        setattr(declaration, name, value)
    if declaration.agent_id is None and declaration.enterprise_id is not None:
        declaration.agent_id = declaration.enterprise_id
    if not declaration.cop_no:
        declaration.cop_no = declaration_next_cop_no(agent_id=declaration.agent_id)
    declaration.save()
    declaration.lines.all().delete()
    DeclarationLine.objects.bulk_create(
        DeclarationLine(declaration=declaration, **{**line, "gnum": i})
        for i, line in enumerate(lines, start=1)
    )
    findings = declaration_validate(declaration_id=declaration.pk, ctx=ctx)
    declaration.refresh_from_db()
    return declaration, findings


def declaration_next_cop_no(*, agent_id: int) -> str:
    """copNo (企业内部编号): unique per agent; date + serial."""
    from django.utils import timezone

    prefix = timezone.localdate().strftime("EP%Y%m%d")
    taken = Declaration.objects.filter(agent_id=agent_id, cop_no__startswith=prefix).count()
    while True:
        taken += 1
        candidate = f"{prefix}{taken:05d}"
        if not Declaration.objects.filter(agent_id=agent_id, cop_no=candidate).exists():
            return candidate


@transaction.atomic
def declaration_copy(*, declaration: Declaration, actor=None) -> Declaration:
    """A new draft with the same header and lines; numbers that must be unique are left for the user."""
    source_lines = list(declaration.lines.all())
    copy = Declaration.objects.get(pk=declaration.pk)
    copy.pk = None
    copy.id = None
    copy._state.adding = True
    copy.status = "draft"
    copy.version = 0
    copy.cop_no = declaration_next_cop_no(agent_id=declaration.agent_id)
    copy.order_no = copy_placeholder(declaration.order_no)
    copy.logistics_no = ""
    # Remembered so the copy cannot be submitted until its own numbers are entered (rules/copies.py).
    copy.copy_of_order_no = declaration.order_no
    copy.copy_of_logistics_no = declaration.logistics_no
    copy.pre_no = copy.invt_no = copy.last_return_status = copy.last_return_info = copy.cancel_reason = ""
    copy.submitted_at = None
    copy.findings = []
    copy.created_by = actor
    copy.save()
    for line in source_lines:
        line.pk = None
        line.id = None
        line._state.adding = True
        line.declaration = copy
    DeclarationLine.objects.bulk_create(source_lines)
    declaration_validate(declaration_id=copy.pk)
    copy.refresh_from_db()
    return copy


@transaction.atomic
def declaration_delete(*, declaration: Declaration, actor=None) -> None:
    """Only a draft that was never submitted may be deleted; anything sent stays for the record."""
    locked = Declaration.objects.select_for_update().get(pk=declaration.pk)
    if locked.status != "draft" or locked.version > 0:
        raise DeclarationNotEditable(_("Only a draft that was never submitted can be deleted."))
    locked.delete()
