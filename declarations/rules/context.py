"""Everything a rule needs from the database, as plain data or callables.

Rules never query: tests build a RuleContext from literals, and the selector
``declarations.selectors_rule_context.rule_context_load()`` reads the code tables once, so one context serves
a whole bulk import (10,000 rows do not re-read the code tables).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

CHINA_TZ = ZoneInfo("Asia/Shanghai")
CNY = "142"
NO_PLATFORM_CODE = "无"  # foreign platform without a customs code

# Kinds for RuleContext.is_duplicate and the shape of their keys.
DUPLICATE_ORDER_NO = "order_no"  # key: (ebpCode, ebpName, orderNo); ebpName is the warehouse name for 9810
DUPLICATE_WAYBILL = "waybill"  # key: (logisticsCode, logisticsNo)
DUPLICATE_COP_NO = "cop_no"  # key: (agent id, copNo)
DUPLICATE_KINDS = (DUPLICATE_ORDER_NO, DUPLICATE_WAYBILL, DUPLICATE_COP_NO)
# "同一物流企业的运单编号在6个月内不重复" (CEB506 annotation): older waybills may be reused.
WAYBILL_UNIQUE_DAYS = 183


def no_tariff(code: str):
    """A context without the tariff: no code is known, so the user's ticks apply alone."""
    return None


def china_today() -> datetime.date:
    return datetime.datetime.now(CHINA_TZ).date()


def month_start(day: datetime.date) -> datetime.date:
    return datetime.date(day.year, day.month, 1)


@dataclass(frozen=True, kw_only=True)
class RuleContext:
    customs_offices: Collection[str]
    pilot_offices: Collection[str]  # offices in a comprehensive pilot zone (综试区)
    currencies: Collection[str]
    countries: Collection[str]  # declarable ones only (no continent headings)
    units: Collection[str]
    transport_modes: Collection[str]
    packing_types: Collection[str]  # the 1-digit CEB wrapType set
    hs6: Collection[str]  # HS 2022 6-digit subheadings
    rate_for: Callable[[str, datetime.date], Decimal | None]  # (currency, first day of month) -> CNY per unit
    has_approved_registration: Callable[
        [int | None, str], bool
    ]  # (enterprise id, office code), role exporter
    warehouse_filing_approved: Callable[[int | None], bool]
    is_duplicate: Callable[[str, tuple, int | None], bool]  # (kind, key, exclude declaration id)
    require_warehouse_filing: bool = True
    list_limit_cny: Decimal = Decimal("5000")
    currency_iso: Mapping[str, str] = field(default_factory=dict)  # for messages: 502 -> USD
    today: Callable[[], datetime.date] = china_today
    # Code-table facts as customs applies them (empty: nothing excluded, for contexts built from literals).
    inactive_currencies: Collection[str] = frozenset()  # obsolete (pre-euro): history only
    non_declarable_offices: Collection[str] = frozenset()  # headquarters 0000, directorate headings
    non_destination_countries: Collection[str] = frozenset()  # 142 China, 701, 702, 999, continents
    # 10-digit code -> rules.tariff.TariffFacts, or None where the tariff does not know it (see tariff_reader).
    tariff_for: Callable[[str], object] = no_tariff


def platform_code(code: str) -> str:
    # "" and 无 are the same platform code as the renderer sends it (see is_duplicate in rule_context_load).
    return NO_PLATFORM_CODE if code in ("", NO_PLATFORM_CODE) else code


@dataclass
class DuplicateIndex:
    """The stored declarations carrying given order, waybill and copNo numbers, keyed as is_duplicate asks.

    Each map holds the ids of the declarations with that key (waybills also their creation time), so the
    "other than this declaration" and the 6-month waybill window are applied per question, as the query does.
    """

    order_nos: frozenset[str] = frozenset()
    logistics_nos: frozenset[str] = frozenset()
    cop_nos: frozenset[str] = frozenset()
    orders: dict[tuple, set[int]] = field(default_factory=dict)  # (code, name, orderNo) -> ids
    waybills: dict[tuple, list[tuple[int, datetime.datetime]]] = field(default_factory=dict)
    cops: dict[tuple, set[int]] = field(default_factory=dict)  # (agent id, copNo) -> ids

    def answer(self, kind: str, key: tuple, exclude_id: int | None) -> bool | None:
        """True / False as the database query would say, or None when the key's number was not loaded."""
        if kind == DUPLICATE_ORDER_NO:
            ebp_code, ebp_name, order_no = key
            if order_no not in self.order_nos:
                return None
            ids = self.orders.get((platform_code(ebp_code), ebp_name, order_no), ())
            return any(pk != exclude_id for pk in ids)
        if kind == DUPLICATE_WAYBILL:
            logistics_code, logistics_no = key
            if logistics_no not in self.logistics_nos:
                return None
            from django.utils import timezone

            since = timezone.now() - datetime.timedelta(days=WAYBILL_UNIQUE_DAYS)
            return any(
                pk != exclude_id and created_at >= since
                for pk, created_at in self.waybills.get((logistics_code, logistics_no), ())
            )
        if kind == DUPLICATE_COP_NO:
            agent_id, cop_no = key
            if cop_no not in self.cop_nos:
                return None
            return any(pk != exclude_id for pk in self.cops.get((agent_id, cop_no), ()))
        raise ValueError(f"unknown duplicate kind {kind!r}")

    def answer_or(
        self, fallback: Callable[[str, tuple, int | None], bool]
    ) -> Callable[[str, tuple, int | None], bool]:
        def is_duplicate(kind: str, key: tuple, exclude_id: int | None) -> bool:
            answer = self.answer(kind, key, exclude_id)
            return fallback(kind, key, exclude_id) if answer is None else answer

        return is_duplicate
