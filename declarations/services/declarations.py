"""Declaration drafts: validate (rules engine), store findings and the recommended channel."""

from django.db import transaction

from declarations.models import Declaration
from declarations.rules.channel import recommend_channel
from declarations.rules.context import RuleContext
from declarations.rules.engine import check_declaration
from declarations.rules.finding import Finding


def declaration_check(
    *, declaration: Declaration, lines=None, ctx: RuleContext | None = None
) -> tuple[list[Finding], object]:
    """Run every rule without storing anything; works on unsaved objects (forms, spreadsheet rows)."""
    ctx = ctx or RuleContext.from_db()
    if lines is None:
        lines = list(declaration.lines.all())
    findings = check_declaration(declaration, lines, ctx=ctx)
    advice = recommend_channel(declaration, lines, ctx)
    return findings, advice


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


def declaration_request_validation(*, declaration: Declaration) -> None:
    """Queue validation by the worker once the surrounding transaction commits."""
    from declarations.tasks import declaration_validate_task

    declaration_validate_task.delay_on_commit(declaration.pk)
