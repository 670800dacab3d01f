"""Tenant-scoped reads of returns (退运). A return is reached through its declaration (``declaration_for_user``),
so another tenant's return is a 404 like its declaration."""

import datetime
from decimal import Decimal

from django.db.models import Sum

from declarations.choices import DeclarationStatus
from declarations.models import (
    CustomsEntryResult,
    CustomsOffice,
    Declaration,
    DeclarationLine,
    DeclarationReturn,
    DeclarationReturnLine,
    StatusEvent,
    Tariff,
)
from declarations.models.customs_entry import EntryResult
from declarations.rules.returns import LineState
from declarations.selectors import declaration_for_user, get_object_for_user


def returns_of_declaration(*, declaration: Declaration) -> list[DeclarationReturn]:
    """The declaration's returns, oldest first, with their lines and goods lines."""
    return list(
        DeclarationReturn.objects.filter(declaration=declaration)
        .select_related("created_by")
        .prefetch_related("lines__line")
        .order_by("number")
    )


def return_for_user(*, user, pk, return_id) -> DeclarationReturn:
    """One return of a declaration the user sees; 404 for anyone else's (or for another declaration's return)."""
    declaration = declaration_for_user(user=user, pk=pk)
    found = get_object_for_user(
        DeclarationReturn.objects.filter(declaration=declaration).prefetch_related("lines__line"),
        pk=return_id,
    )
    found.declaration = declaration
    return found


def returned_quantities(
    *, declaration: Declaration, exclude_return_id: int | None = None
) -> dict[int, Decimal]:
    """Line id -> quantity returned so far (every return of the declaration)."""
    rows = DeclarationReturnLine.objects.filter(goods_return__declaration=declaration)
    if exclude_return_id is not None:
        rows = rows.exclude(goods_return_id=exclude_return_id)
    return {row["line_id"]: row["total"] for row in rows.values("line_id").annotate(total=Sum("qty"))}


def line_states(*, declaration: Declaration, lines: list[DeclarationLine]) -> list[LineState]:
    """The goods lines as the rules see them: exported and returned quantity, HS code and inspection category."""
    returned = returned_quantities(declaration=declaration)
    inspection = dict(
        Tariff.objects.filter(code__in={line.gcode for line in lines}).values_list("code", "inspection")
    )
    return [
        LineState(
            gnum=line.gnum,
            qty=line.qty,
            returned=returned.get(line.pk, Decimal("0")),
            gcode=line.gcode,
            inspection=inspection.get(line.gcode, ""),
        )
        for line in lines
    ]


def export_date_of(*, declaration: Declaration) -> datetime.date | None:
    """The export date 2026 No. 16 counts from: the declared export date (ieDate), else the day of release."""
    if declaration.ie_date:
        return declaration.ie_date
    released = (
        StatusEvent.objects.filter(declaration=declaration, to_status=DeclarationStatus.RELEASED)
        .order_by("created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    return released.date() if released else None


def known_ports(*, codes: list[str]) -> set[str]:
    return set(CustomsOffice.objects.filter(code__in=[c for c in codes if c]).values_list("code", flat=True))


def original_entry_no(*, declaration: Declaration) -> str:
    """The 报关单 number the declaration was released under (customs-declaration channel), or ""."""
    return (
        CustomsEntryResult.objects.filter(declaration=declaration, result=EntryResult.RELEASED)
        .order_by("-created_at")
        .values_list("entry_no", flat=True)
        .first()
        or ""
    )
