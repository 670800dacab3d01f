"""Merging the sources into ranked, declarable suggestions, each with the reasons it is offered."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass, field

# What a source adds to its match quality (0..100): a product of one's own beats a name in the tariff.
CATALOGUE = "catalogue"  # the enterprise's own catalogue (商品库)
USED = "used"  # the enterprise's earlier declarations
BROKER = "broker"  # the broker's earlier declarations for this exporter
CODE = "code"  # the typed digits are the start of the code
TARIFF = "tariff"  # the tariff's names (税则)
HS = "hs"  # HS 2022 names
BASE = {CATALOGUE: 300, BROKER: 220, USED: 200, CODE: 150, TARIFF: 100, HS: 80}
MIN_OWN_COVERAGE = 0.5  # a name used before must match at least half of the query
SECOND_SOURCE_BONUS = 10
_TEN = re.compile(r"^[0-9]{10}$")
_SIX = re.compile(r"^[0-9]{6}$")


@dataclass
class Reason:
    source: str
    text: str


@dataclass
class Candidate:
    code: str
    score: float = 0.0
    reasons: list[Reason] = field(default_factory=list)
    count: int = 0  # times used before (own and broker's)

    @property
    def sources(self) -> list[str]:
        return [r.source for r in self.reasons]


class Ranking:
    """Collects (code, source, coverage, reason) and keeps the declarable codes only."""

    def __init__(self, *, declarable: Callable[[str], bool]):
        self.declarable = declarable
        self.candidates: dict[str, Candidate] = {}

    def add(self, code: str, source: str, coverage: float, text: str, *, count: int = 0) -> None:
        code = (code or "").strip()
        if not self.declarable(code):
            return
        candidate = self.candidates.setdefault(code, Candidate(code))
        score = BASE[source] + 100 * min(coverage, 1.0) + min(count, 100) / 2
        if candidate.reasons:
            candidate.score = max(candidate.score, score) + SECOND_SOURCE_BONUS
        else:
            candidate.score = score
        if all(r.source != source for r in candidate.reasons):
            candidate.reasons.append(Reason(source, text))
        candidate.count += count

    def ranked(self, limit: int) -> list[Candidate]:
        return sorted(self.candidates.values(), key=lambda c: (-c.score, c.code))[:limit]


def declarable_check(
    *, active: Collection[str], inactive: Collection[str], hs6: Collection[str], simplified: bool
) -> Callable[[str], bool]:
    """10-digit codes the tariff holds active, or (unknown to it) under an HS 2022 subheading; 6-digit ones
    only where the simplified list applies. Never a heading, never a code the tariff has retired."""

    def declarable(code: str) -> bool:
        if _TEN.match(code):
            if code in active:
                return True
            return code not in inactive and code[:6] in hs6
        if _SIX.match(code):
            return simplified and code in hs6
        return False

    return declarable
