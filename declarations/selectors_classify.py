"""Reads behind the classification assistant (归类助手), tenant-scoped: only the enterprises the user belongs to
or holds a live delegation from (``enterprise_ids_for_user``).

Sources: the enterprise's catalogue (read per request), the goods names of its earlier declarations (those its
broker filed included), and the names of the tariff and of HS 2022. The names are indexed in process memory:
the tariff's index is rebuilt when the tariff or HS table changes; an enterprise's earlier goods names when it
stores a newer declaration or edits its newest one, and at the latest after ``USAGE_TTL`` seconds.
"""

from __future__ import annotations

import threading
import time
from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db.models import Count, Q
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from declarations.classify import rank
from declarations.classify.index import NameIndex
from declarations.classify.text import Term, code_prefix, query_terms
from declarations.models import (
    CatalogueItem,
    CustomsOffice,
    Declaration,
    DeclarationLine,
    HSCode,
    InspectionCategory,
    Membership,
    SupervisionCondition,
    Tariff,
    Unit,
)
from declarations.rules.tariff import Condition, TariffFacts, derive, parse_elements, resolve_conditions
from declarations.selectors import enterprise_ids_for_user

USAGE_TTL = 60.0  # seconds an enterprise's goods-name index may lag an edit of an older declaration
USAGE_CACHE_SIZE = 64
CATALOGUE_ROWS = 200
CODE_PREFIX_ROWS = 30
LIMIT = 10


# ---- the tariff and HS 2022 names (one index per process) ------------------------------------------------


@dataclass
class CodeIndex:
    stamp: tuple
    facts: dict[str, TariffFacts] = field(default_factory=dict)
    active: frozenset[str] = frozenset()
    inactive: frozenset[str] = frozenset()
    hs6: dict[str, str] = field(default_factory=dict)  # code -> description
    under_hs6: dict[str, list[str]] = field(default_factory=dict)  # active tariff codes per subheading
    units: dict[str, tuple[str, str]] = field(default_factory=dict)
    entries: list[tuple[str, str]] = field(default_factory=list)  # (source, code) per indexed name
    names: NameIndex = field(default_factory=NameIndex)
    sorted_active: list[str] = field(default_factory=list)
    sorted_hs6: list[str] = field(default_factory=list)


_lock = threading.Lock()
_code_index: CodeIndex | None = None


def _code_stamp() -> tuple:
    """Cheap on every question: the tariff's size and newest change (indexed), and the HS table's size."""
    newest = Tariff.objects.order_by("-updated_at").values_list("updated_at", flat=True).first()
    return (Tariff.objects.count(), newest, HSCode.objects.count())


def _build_code_index(stamp: tuple) -> CodeIndex:
    index = CodeIndex(stamp=stamp)
    supervision = {
        row[0]: Condition(*row)
        for row in SupervisionCondition.objects.values_list(
            "code", "name_zh", "name_en", "export_licence", "outbound_inspection"
        )
    }
    inspection = {
        code: Condition(code, zh, en, False, outbound)
        for code, zh, en, outbound in InspectionCategory.objects.values_list(
            "code", "name_zh", "name_en", "outbound"
        )
    }
    index.units = {code: (zh, en) for code, zh, en in Unit.objects.values_list("code", "name_zh", "name_en")}
    index.hs6 = dict(HSCode.objects.filter(level=6).values_list("code", "description"))
    names: list[str] = []
    active, inactive = set(), set()
    for row in Tariff.objects.all().iterator(chunk_size=2000):
        try:
            elements = parse_elements(row.elements)
        except ValueError:
            elements = ()
        index.facts[row.code] = TariffFacts(
            code=row.code,
            name_zh=row.name_zh,
            name_en=row.name_en,
            unit1=row.unit1,
            unit2=row.unit2,
            supervision=resolve_conditions(row.supervision, supervision),
            inspection=resolve_conditions(row.inspection, inspection),
            export_duty_rate=row.export_duty_rate,
            refund_rate=row.refund_rate,
            elements=elements,
            active=row.active,
        )
        if not row.active:
            inactive.add(row.code)
            continue
        active.add(row.code)
        index.under_hs6.setdefault(row.code[:6], []).append(row.code)
        index.entries.append((rank.TARIFF, row.code))
        names.append(f"{row.name_zh} {row.name_en}")
    for code, description in index.hs6.items():
        index.entries.append((rank.HS, code))
        names.append(description)
    index.names = NameIndex.build(names)
    index.active, index.inactive = frozenset(active), frozenset(inactive)
    index.sorted_active = sorted(active)
    index.sorted_hs6 = sorted(index.hs6)
    return index


def code_index() -> CodeIndex:
    global _code_index
    stamp = _code_stamp()
    current = _code_index
    if current is not None and current.stamp == stamp:
        return current
    with _lock:
        if _code_index is None or _code_index.stamp != stamp:
            _code_index = _build_code_index(stamp)
        return _code_index


# ---- an enterprise's goods names used before (one index per enterprise, LRU) ------------------------------


@dataclass
class UsageIndex:
    stamp: tuple
    built: float
    gnames: list[str]
    uses: list[list[tuple[str, int, int]]]  # per goods name: (code, agent id, lines)
    names: NameIndex


_usage: OrderedDict[int, UsageIndex] = OrderedDict()


def _usage_stamp(enterprise_id: int) -> tuple:
    newest = (
        Declaration.objects.filter(enterprise_id=enterprise_id)
        .order_by("-created_at", "-id")
        .values_list("id", "updated_at")
        .first()
    )
    return (enterprise_id, newest)


def _build_usage(enterprise_id: int, stamp: tuple) -> UsageIndex:
    rows = (
        DeclarationLine.objects.filter(declaration__enterprise_id=enterprise_id)
        .order_by()
        .values_list("gname", "gcode", "declaration__agent_id")
        .annotate(lines=Count("id"))
    )
    by_name: dict[str, list[tuple[str, int, int]]] = {}
    for gname, gcode, agent_id, lines in rows:
        by_name.setdefault(gname.strip(), []).append((gcode.strip(), agent_id, lines))
    gnames = list(by_name)
    return UsageIndex(stamp, time.monotonic(), gnames, [by_name[n] for n in gnames], NameIndex.build(gnames))


def usage_index(enterprise_id: int) -> UsageIndex:
    stamp = _usage_stamp(enterprise_id)
    with _lock:
        cached = _usage.get(enterprise_id)
        if cached is not None and cached.stamp == stamp and time.monotonic() - cached.built < USAGE_TTL:
            _usage.move_to_end(enterprise_id)
            return cached
    built = _build_usage(enterprise_id, stamp)
    with _lock:
        _usage[enterprise_id] = built
        _usage.move_to_end(enterprise_id)
        while len(_usage) > USAGE_CACHE_SIZE:
            _usage.popitem(last=False)
    return built


def classification_caches_clear() -> None:
    """For tests and benchmarks: forget the indexes (they are rebuilt on the next question)."""
    global _code_index
    with _lock:
        _code_index = None
        _usage.clear()


# ---- the question ------------------------------------------------------------------------------------------


@dataclass
class Suggestion:
    code: str
    name: str
    in_tariff: bool
    simplified: bool
    reasons: list[dict]
    count: int
    unit1: str = ""
    unit1_label: str = ""
    unit2: str = ""
    unit2_label: str = ""
    elements: list[str] = field(default_factory=list)
    flags: dict[str, bool] = field(default_factory=dict)
    flag_reasons: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def _enterprise_for(user, enterprise_id) -> int | None:
    allowed = set(enterprise_ids_for_user(user=user))
    if enterprise_id not in (None, ""):
        try:
            wanted = int(enterprise_id)
        except (TypeError, ValueError):
            raise Http404 from None
        if wanted not in allowed:
            raise Http404  # another tenant's enterprise: as if it did not exist
        return wanted
    own = (
        Membership.objects.filter(user_id=user.pk, enterprise__is_exporter=True)
        .order_by("enterprise_id")
        .values_list("enterprise_id", flat=True)
        .first()
    )
    return own if own in allowed else None


def _simplified(office: str, channel: str) -> bool:
    if not office or channel not in ("", "list"):
        return False
    return CustomsOffice.objects.filter(code=office, pilot_zone=True).exists()


def _catalogue_matches(enterprise_id: int, terms: Sequence[Term]) -> list[tuple[CatalogueItem, float]]:
    words = {t.token for t in terms} | {p for t in terms for p in t.parts}
    if not words:
        return []
    where = reduce(or_, (Q(item_name__icontains=w) | Q(gname__icontains=w) for w in words))
    items = list(CatalogueItem.objects.filter(where, enterprise_id=enterprise_id)[:CATALOGUE_ROWS])
    found = NameIndex.build(f"{item.item_name} {item.gname}" for item in items).match(terms)
    return [(items[entry], coverage) for entry, coverage in found.items()]


def _unit_label(index: CodeIndex, code: str, english: bool) -> str:
    if not code:
        return ""
    zh, en = index.units.get(code, ("", ""))
    return f"{code} {(en if english and en else zh) or ''}".strip()


def classification_suggest(
    *,
    user,
    query: str,
    enterprise_id=None,
    office: str = "",
    channel: str = "",
    english: bool = False,
    limit: int = LIMIT,
) -> list[Suggestion]:
    """Ranked declarable codes for a description (Chinese or English) or the start of a code."""
    query = (query or "").strip()[:200]
    enterprise = _enterprise_for(user, enterprise_id)
    if not query:
        return []
    index = code_index()
    simplified = _simplified(office, channel)
    ranking = rank.Ranking(
        declarable=rank.declarable_check(
            active=index.active, inactive=index.inactive, hs6=index.hs6, simplified=simplified
        )
    )
    members = set(Membership.objects.filter(user_id=user.pk).values_list("enterprise_id", flat=True))
    usage = usage_index(enterprise) if enterprise is not None else None
    prefix = code_prefix(query)
    if prefix:
        _by_code(ranking, index, usage, prefix, simplified=simplified)
    else:
        terms = query_terms(query)
        if enterprise is not None:
            for item, coverage in _catalogue_matches(enterprise, terms):
                if coverage >= rank.MIN_OWN_COVERAGE:
                    text = _("Your catalogue: %(item)s") % {"item": f"{item.item_no} {item.item_name}"}
                    ranking.add(item.gcode, rank.CATALOGUE, coverage, text)
        if usage is not None:
            for entry, coverage in usage.names.match(terms).items():
                if coverage >= rank.MIN_OWN_COVERAGE:
                    _add_uses(ranking, usage, entry, coverage, members=members, enterprise=enterprise)
        tariff_text, simplified_text, hs_text = (
            _("Tariff"),
            _("HS 2022 (simplified list)"),
            _("HS 2022: %(code)s"),
        )
        for entry, coverage in index.names.match(terms).items():
            source, code = index.entries[entry]
            if source == rank.TARIFF:
                ranking.add(code, rank.TARIFF, coverage, tariff_text)
            elif simplified:
                ranking.add(code, rank.HS, coverage, simplified_text)
            else:
                text = hs_text % {"code": code}
                for full in index.under_hs6.get(code, ()):
                    ranking.add(full, rank.HS, coverage, text)
    return [_suggestion(index, candidate, english=english) for candidate in ranking.ranked(limit)]


def _add_uses(ranking, usage: UsageIndex, entry: int, coverage: float, *, members, enterprise) -> None:
    gname = usage.gnames[entry]
    for code, agent_id, lines in usage.uses[entry]:
        if agent_id in members and agent_id != enterprise:
            text = ngettext(
                "You declared it for this exporter once as “%(name)s”",
                "You declared it for this exporter %(count)d times as “%(name)s”",
                lines,
            ) % {"count": lines, "name": gname}
            ranking.add(code, rank.BROKER, coverage, text, count=lines)
        else:
            text = ngettext("Used once as “%(name)s”", "Used %(count)d times as “%(name)s”", lines) % {
                "count": lines,
                "name": gname,
            }
            ranking.add(code, rank.USED, coverage, text, count=lines)


def _by_code(ranking, index: CodeIndex, usage: UsageIndex | None, prefix: str, *, simplified: bool) -> None:
    coverage = len(prefix) / 10
    text = _("Code starts with %(prefix)s") % {"prefix": prefix}
    for codes in (index.sorted_active, index.sorted_hs6 if simplified else []):
        at = bisect_left(codes, prefix)
        for code in codes[at : at + CODE_PREFIX_ROWS]:
            if not code.startswith(prefix):
                break
            ranking.add(code, rank.CODE, coverage, text)
    if usage is not None:
        for uses in usage.uses:
            for code, _agent, lines in uses:
                if code.startswith(prefix):
                    ranking.add(code, rank.CODE, coverage, text, count=lines)


def _suggestion(index: CodeIndex, candidate: rank.Candidate, *, english: bool) -> Suggestion:
    facts = index.facts.get(candidate.code)
    reasons = [{"source": r.source, "text": r.text} for r in candidate.reasons]
    if facts is None:
        description = index.hs6.get(candidate.code[:6], "")
        if len(candidate.code) == 10:
            reasons.append({"source": "note", "text": _("Not in the loaded tariff: tick the flags yourself")})
        else:
            reasons.append({"source": "note", "text": _("6-digit code: the simplified list only")})
        return Suggestion(
            code=candidate.code,
            name=description,
            in_tariff=False,
            simplified=len(candidate.code) == 6,
            reasons=reasons,
            count=candidate.count,
        )
    derived = derive(facts, ticks={}, code=facts.code)
    return Suggestion(
        code=candidate.code,
        name=(facts.name_en if english and facts.name_en else facts.name_zh),
        in_tariff=True,
        simplified=False,
        reasons=reasons,
        count=candidate.count,
        unit1=facts.unit1,
        unit1_label=_unit_label(index, facts.unit1, english),
        unit2=facts.unit2,
        unit2_label=_unit_label(index, facts.unit2, english),
        elements=list(facts.elements),
        flags={flag: getattr(derived, flag) for flag in ("licence", "inspection", "tax")},
        flag_reasons=[reason.text for reason in derived.reasons],
    )
