"""Terms of a product description: Chinese by words (jieba), with the word's parts and character pairs as a
fallback; English by whole words, matched whole or as a word prefix ("led" finds "leds", never "chilled").
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import jieba

jieba.setLogLevel(logging.WARNING)

_LATIN = re.compile(r"[a-z0-9]+")
_HAN = re.compile(r"[\u3400-\u9fff]+")
_SEGMENT = re.compile(r"[a-z0-9]+|[\u3400-\u9fff]+")
# Words that say nothing about what a product is.
STOPWORDS = frozenset(
    "a an and or of the for with without in on to by from not other others n e c nec than its their "
    "whether kind kinds used such as including excluding".split()
)
CHINESE_STOPWORDS = frozenset({"其他", "其它", "及其", "或者", "以及", "用于", "不论", "是否", "包括"})
PREFIX_MIN = 3  # a shorter English word must match a whole word
PART_WEIGHT = 0.6  # a fallback: a part of a Chinese word, or a pair of its characters


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").lower()


def _pairs(run: str) -> list[str]:
    return [run[i : i + 2] for i in range(len(run) - 1)]


@dataclass(frozen=True)
class Term:
    """One word of the query: matched as ``token`` (a prefix too when ``prefix``), else by its ``parts``."""

    token: str
    prefix: bool = False
    parts: tuple[str, ...] = ()


@lru_cache(maxsize=65536)
def name_tokens(text: str) -> frozenset[str]:
    """The tokens a name is found by: English words, Chinese words and their parts, and character pairs.
    Memoised: catalogues and goods histories repeat their names, and jieba is the costly part."""
    tokens: set[str] = set()
    for segment in _SEGMENT.findall(normalise(text)):
        if _LATIN.fullmatch(segment):
            if segment not in STOPWORDS:
                tokens.add(segment)
            continue
        tokens.update(w for w in jieba.lcut_for_search(segment) if len(w) >= 2)
        tokens.update(_pairs(segment))
    return frozenset(tokens - CHINESE_STOPWORDS)


def query_terms(text: str) -> list[Term]:
    """The query's terms in order, without repeats; Chinese single characters are too vague to count."""
    terms: list[Term] = []
    seen: set[str] = set()
    for segment in _SEGMENT.findall(normalise(text)):
        if _LATIN.fullmatch(segment):
            if segment in STOPWORDS or segment in seen:
                continue
            seen.add(segment)
            prefix = len(segment) >= PREFIX_MIN and not segment.isdigit()
            if prefix and len(segment) > 3 and segment.endswith("s") and not segment.endswith("ss"):
                segment = segment[:-1]  # "lamps" finds "lamp" and "lamps" (a prefix, so never "clamp")
            terms.append(Term(segment, prefix=prefix))
            continue
        words = [w for w in jieba.lcut(segment) if len(w) >= 2] or ([segment] if len(segment) == 1 else [])
        for word in words:
            if word in seen or word in CHINESE_STOPWORDS:
                continue
            seen.add(word)
            parts = [w for w in jieba.lcut_for_search(word) if len(w) >= 2 and w != word]
            parts += [p for p in _pairs(word) if p != word and p not in parts]
            terms.append(Term(word, parts=tuple(parts)))
    return terms


def code_prefix(text: str) -> str | None:
    """The digits of a code being typed ("8518.30" -> "851830"), or None when the query is not a code."""
    compact = re.sub(r"[\s.]", "", text or "")
    return compact if compact.isdigit() and len(compact) >= 2 else None
