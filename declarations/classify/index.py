"""An inverted index of names (tariff, HS 2022, goods names used before) searched by query terms.

``match`` gives each entry the share of the query it covers (0..1): a term counts 1 when its word matches
(an English word also as the prefix of a word), ``PART_WEIGHT`` when only a part of a Chinese word does.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .text import PART_WEIGHT, Term, name_tokens

PREFIX_WEIGHT = 0.9


@dataclass
class NameIndex:
    postings: dict[str, list[int]] = field(default_factory=dict)
    tokens: list[str] = field(default_factory=list)  # sorted, for prefix scans
    size: int = 0

    @classmethod
    def build(cls, names: Iterable[str]) -> NameIndex:
        index = cls()
        for entry, name in enumerate(names):
            for token in name_tokens(name):
                index.postings.setdefault(token, []).append(entry)
            index.size = entry + 1
        index.tokens = sorted(index.postings)
        return index

    def _prefixed(self, token: str) -> Iterable[str]:
        at = bisect_left(self.tokens, token)
        while at < len(self.tokens) and self.tokens[at].startswith(token):
            yield self.tokens[at]
            at += 1

    def _term_hits(self, term: Term) -> dict[int, float]:
        hits: dict[int, float] = {}
        for entry in self.postings.get(term.token, ()):
            hits[entry] = 1.0
        if term.prefix:
            for token in self._prefixed(term.token):
                if token != term.token:
                    for entry in self.postings[token]:
                        hits.setdefault(entry, PREFIX_WEIGHT)
        for part in term.parts:
            for entry in self.postings.get(part, ()):
                hits.setdefault(entry, PART_WEIGHT)
        return hits

    def match(self, terms: Sequence[Term]) -> dict[int, float]:
        """entry -> coverage of the query's terms, for the entries matching at least one term."""
        if not terms:
            return {}
        total: dict[int, float] = {}
        for term in terms:
            for entry, weight in self._term_hits(term).items():
                total[entry] = total.get(entry, 0.0) + weight
        return {entry: score / len(terms) for entry, score in total.items()}
