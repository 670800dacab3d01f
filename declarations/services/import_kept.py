"""A re-run import meets what an earlier run already stored (and submitted): same row, same declaration.

After a worker crash or a database cut the redelivered task, or the user's second upload of the same file,
finds declarations the first run stored and submitted. Those rows are reported as kept ("already stored"),
not rejected: a user who saw "rejected" would fix them under new copNos and declare twice. Only a row equal
to what is stored is kept; a row that differs from a declaration no longer editable is still refused
(NOT_EDITABLE), so nothing is ever silently dropped.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from declarations.models import Declaration, DeclarationLine
from declarations.services.bulk_store import id_batches


def _plain(value):
    """Compare as stored: an empty cell is an empty text, numbers by value (150 == 150.00)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return Decimal(str(value))
    return value


def _same(a, b) -> bool:
    a, b = _plain(a), _plain(b)
    if isinstance(a, Decimal) and isinstance(b, Decimal):
        return a == b
    return a == b


def stored_lines(declaration_ids: Iterable[int]) -> dict[int, list[DeclarationLine]]:
    """The stored lines of these declarations, by declaration id, in gnum order."""
    found: dict[int, list[DeclarationLine]] = defaultdict(list)
    for batch in id_batches(sorted(set(declaration_ids))):
        for line in DeclarationLine.objects.filter(declaration_id__in=batch).order_by(
            "declaration_id", "gnum"
        ):
            found[line.declaration_id].append(line)
    return found


def row_matches_stored(
    *,
    stored: Declaration,
    filled: Declaration,
    head_attrs: Iterable[str],
    stored_lines: list[DeclarationLine],
    lines: list[DeclarationLine],
    line_attrs: Iterable[str],
) -> bool:
    """Whether the row (``filled``: the stored declaration's copy with the row's values, and its ``lines``)
    says exactly what is stored, in every column the file has."""
    if any(not _same(getattr(filled, attr), getattr(stored, attr)) for attr in head_attrs):
        return False
    if filled.warehouse_id != stored.warehouse_id:
        return False
    if len(lines) != len(stored_lines):
        return False
    line_attrs = list(line_attrs)
    by_gnum = {line.gnum: line for line in stored_lines}
    for line in lines:
        old = by_gnum.get(line.gnum)
        if old is None or any(not _same(getattr(line, attr), getattr(old, attr)) for attr in line_attrs):
            return False
    return True
