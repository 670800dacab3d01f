"""Returns (退运) of released goods: evaluate a return (the rules and 2026 No. 16) and store it.

``return_evaluate`` reads and checks, storing nothing: the confirmation page and the API's answer show its result.
``return_create`` checks again under the declaration's row lock (two returns at once cannot both take the last
units), stores the return with its lines and writes one line on the declaration's timeline (a ``StatusEvent``
that keeps the status). Refused: ``ReturnRefused`` (a ValidationError per field) and nothing stored.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from declarations.choices import DeclarationStatus, EventSource
from declarations.models import (
    Declaration,
    DeclarationReturn,
    DeclarationReturnLine,
    ReturnReason,
    StatusEvent,
)
from declarations.permissions import require_declaration_change
from declarations.rules.returns import (
    RETURNABLE_STATUSES,
    ReturnCheck,
    check_return,
    returned_value,
    tax_free,
    tax_free_checks,
)
from declarations.selectors_returns import export_date_of, known_ports, line_states


class ReturnRefused(ValidationError):
    """The rules refused the return: ``checks`` are the failures, the error dict names their fields."""

    def __init__(self, checks: list[ReturnCheck]):
        self.checks = checks
        errors: dict[str, list[str]] = {}
        for check in checks:
            errors.setdefault(check.field, []).append(check.message)
        super().__init__(errors)


@dataclass
class ReturnEvaluation:
    errors: list[ReturnCheck]
    checks: list[ReturnCheck]
    rows: list[dict] = field(default_factory=list)
    export_date: datetime.date | None = None
    supervision_mode: str = ""

    @property
    def tax_free(self) -> bool:
        return tax_free(self.checks)


def return_allowed_now(declaration: Declaration) -> bool:
    return declaration.status in RETURNABLE_STATUSES


def require_return_create(*, user, declaration: Declaration) -> None:
    """Start a return: the portal's form and ``POST /api/declarations/{id}/returns/`` alike. Whoever may change the
    declaration (the exporter's members, a broker with a live delegation covering it); a reviewer may not."""
    require_declaration_change(user=user, declaration=declaration)


def return_evaluate(
    *,
    declaration: Declaration,
    quantities: dict[int, Decimal],
    reason: str,
    reason_note: str,
    return_date: datetime.date,
    port_code: str,
    original_state: bool,
) -> ReturnEvaluation:
    """The return's errors, the checks of 2026 No. 16 and the returned lines with their values; stores nothing."""
    lines = list(declaration.lines.order_by("gnum"))
    states = line_states(declaration=declaration, lines=lines)
    export_date = export_date_of(declaration=declaration)
    errors = check_return(
        status=declaration.status,
        status_label=str(DeclarationStatus(declaration.status).label)
        if declaration.status in DeclarationStatus.values
        else declaration.status,
        lines=states,
        quantities=quantities,
        reason=reason,
        reason_note=reason_note,
        return_date=return_date,
        export_date=export_date,
        port_code=port_code,
        known_ports=known_ports(codes=[port_code]),
        reasons=ReturnReason.values,
    )
    by_gnum = {line.gnum: (line, state) for line, state in zip(lines, states, strict=True)}
    rows, returned_states = [], []
    for gnum in sorted(quantities):
        qty = quantities[gnum]
        if gnum not in by_gnum or not qty or qty <= 0:
            continue
        line, state = by_gnum[gnum]
        returned_states.append(state)
        rows.append(
            {
                "line": line,
                "qty": qty,
                "remaining": state.remaining,
                "returned_before": state.returned,
                "value": returned_value(
                    qty=qty, exported_qty=line.qty, price=line.price, total_price=line.total_price
                ),
            }
        )
    reason_label = str(ReturnReason(reason).label) if reason in ReturnReason.values else reason
    checks = tax_free_checks(
        mode=declaration.mode,
        export_date=export_date,
        return_date=return_date,
        original_state=original_state,
        reason=reason,
        reason_label=reason_label,
        returned_lines=returned_states,
    )
    return ReturnEvaluation(
        errors=errors,
        checks=checks,
        rows=rows,
        export_date=export_date,
        supervision_mode=settings.RETURN_SUPERVISION_MODE,
    )


def _timeline_note(goods_return: DeclarationReturn, rows: list[dict], tax_free_return: bool) -> str:
    lines = ", ".join(f"{row['line'].gnum} × {format(row['qty'].normalize(), 'f')}" for row in rows)
    eligibility = _("tax-free under 2026 No. 16") if tax_free_return else _("not tax-free under 2026 No. 16")
    return _("Return R%(number)s started (%(date)s, port %(port)s): lines %(lines)s; %(eligibility)s.") % {
        "number": goods_return.number,
        "date": goods_return.return_date.isoformat(),
        "port": goods_return.port_code,
        "lines": lines,
        "eligibility": eligibility,
    }


def return_create(
    *,
    declaration: Declaration,
    actor,
    quantities: dict[int, Decimal],
    reason: str,
    return_date: datetime.date,
    port_code: str,
    reason_note: str = "",
    original_state: bool = False,
    vat_refund_claimed: bool = False,
) -> DeclarationReturn:
    """Store the return, its lines and its timeline event; PermissionDenied or ReturnRefused and nothing stored."""
    require_return_create(user=actor, declaration=declaration)
    reason_note = (reason_note or "").strip()[:500]
    port_code = (port_code or "").strip()
    quantities = {gnum: qty for gnum, qty in quantities.items() if qty is not None}
    with transaction.atomic():
        locked = Declaration.objects.select_for_update().get(pk=declaration.pk)
        evaluation = return_evaluate(
            declaration=locked,
            quantities=quantities,
            reason=reason,
            reason_note=reason_note,
            return_date=return_date,
            port_code=port_code,
            original_state=original_state,
        )
        if evaluation.errors:
            raise ReturnRefused(evaluation.errors)
        number = (
            DeclarationReturn.objects.filter(declaration=locked).aggregate(n=Max("number"))["n"] or 0
        ) + 1
        goods_return = DeclarationReturn.objects.create(
            declaration=locked,
            number=number,
            reason=reason,
            reason_note=reason_note,
            return_date=return_date,
            port_code=port_code,
            original_state=original_state,
            vat_refund_claimed=vat_refund_claimed,
            export_date=evaluation.export_date,
            tax_free=evaluation.tax_free,
            tax_free_checks=[check.as_dict() for check in evaluation.checks],
            supervision_mode=evaluation.supervision_mode,
            created_by=actor,
        )
        DeclarationReturnLine.objects.bulk_create(
            DeclarationReturnLine(
                goods_return=goods_return, line=row["line"], qty=row["qty"], total_price=row["value"]
            )
            for row in evaluation.rows
        )
        goods_return.event = StatusEvent.objects.create(
            declaration=locked,
            from_status=locked.status,
            to_status=locked.status,
            source=EventSource.USER,
            actor=actor,
            note=_timeline_note(goods_return, evaluation.rows, evaluation.tax_free)[:1000],
        )
        goods_return.save(update_fields=["event"])
    return goods_return
