"""Everything a rule needs from the database, as plain data or callables.

Rules never query: tests build a RuleContext from literals, and ``RuleContext.from_db()`` loads the code
tables once, so one context serves a whole bulk import (10,000 rows do not re-read the code tables).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from functools import lru_cache
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

    @classmethod
    def from_db(cls, *, today: Callable[[], datetime.date] | None = None) -> RuleContext:
        """Code sets are read here, once; per-declaration lookups are callables, memoised where stable."""
        from django.conf import settings
        from django.db.models import Q
        from django.utils import timezone

        from declarations.choices import EnterpriseRole, Mode, ReviewStatus
        from declarations.models import (
            Country,
            Currency,
            CustomsOffice,
            Declaration,
            ExchangeRate,
            HSCode,
            PackingType,
            Registration,
            TransportMode,
            Unit,
            WarehouseFiling,
        )

        offices = dict(CustomsOffice.objects.values_list("code", "pilot_zone"))
        currency_iso = dict(Currency.objects.values_list("code", "iso_code"))
        countries = dict(Country.objects.values_list("code", "destination"))

        @lru_cache(maxsize=1024)
        def rate_for(currency: str, month: datetime.date) -> Decimal | None:
            return (
                ExchangeRate.objects.filter(currency_id=currency, month=month)
                .values_list("rate", flat=True)
                .first()
            )

        @lru_cache(maxsize=1024)
        def has_approved_registration(enterprise_id: int | None, office_code: str) -> bool:
            if enterprise_id is None:
                return False
            return Registration.objects.filter(
                enterprise_id=enterprise_id,
                customs_office_id=office_code,
                enterprise_type=EnterpriseRole.EXPORTER,
                status=ReviewStatus.APPROVED,
            ).exists()

        @lru_cache(maxsize=1024)
        def warehouse_filing_approved(warehouse_id: int | None) -> bool:
            if warehouse_id is None:
                return False
            return WarehouseFiling.objects.filter(
                warehouse_id=warehouse_id, status=ReviewStatus.APPROVED
            ).exists()

        # Not memoised: an import creates declarations as it goes (a bulk import prefetches instead, see
        # RuleContext.with_prefetched_duplicates).
        def is_duplicate(kind: str, key: tuple, exclude_id: int | None) -> bool:
            if kind == DUPLICATE_ORDER_NO:
                ebp_code, ebp_name, order_no = key
                # The renderer sends an empty ebpCode as 无 and, for 9810, the warehouse name as ebpName.
                codes = ["", NO_PLATFORM_CODE] if ebp_code in ("", NO_PLATFORM_CODE) else [ebp_code]
                same_name = Q(mode=Mode.WAREHOUSE, warehouse__name=ebp_name) | (
                    ~Q(mode=Mode.WAREHOUSE) & Q(ebp_name=ebp_name)
                )
                qs = Declaration.objects.filter(same_name, ebp_code__in=codes, order_no=order_no)
            elif kind == DUPLICATE_WAYBILL:
                logistics_code, logistics_no = key
                since = timezone.now() - datetime.timedelta(days=WAYBILL_UNIQUE_DAYS)
                qs = Declaration.objects.filter(
                    logistics_code=logistics_code, logistics_no=logistics_no, created_at__gte=since
                )
            elif kind == DUPLICATE_COP_NO:
                agent_id, cop_no = key
                qs = Declaration.objects.filter(agent_id=agent_id, cop_no=cop_no)
            else:
                raise ValueError(f"unknown duplicate kind {kind!r}")
            if exclude_id is not None:
                qs = qs.exclude(pk=exclude_id)
            return qs.exists()

        try:
            limit = Decimal(str(settings.LIST_CHANNEL_LIMIT_CNY))
        except InvalidOperation:
            raise ValueError(
                f"LIST_CHANNEL_LIMIT_CNY is not a number: {settings.LIST_CHANNEL_LIMIT_CNY!r}"
            ) from None

        return cls(
            customs_offices=frozenset(offices),
            pilot_offices=frozenset(code for code, pilot in offices.items() if pilot),
            currencies=frozenset(currency_iso),
            countries=frozenset(Country.objects.filter(declarable=True).values_list("code", flat=True)),
            units=frozenset(Unit.objects.values_list("code", flat=True)),
            transport_modes=frozenset(TransportMode.objects.values_list("code", flat=True)),
            packing_types=frozenset(
                PackingType.objects.filter(kind=PackingType.Kind.CEB).values_list("code", flat=True)
            ),
            hs6=frozenset(HSCode.objects.filter(level=6).values_list("code", flat=True)),
            rate_for=rate_for,
            has_approved_registration=has_approved_registration,
            warehouse_filing_approved=warehouse_filing_approved,
            is_duplicate=is_duplicate,
            require_warehouse_filing=bool(settings.REQUIRE_WAREHOUSE_FILING),
            list_limit_cny=limit,
            currency_iso={code: iso for code, iso in currency_iso.items() if iso},
            today=today or china_today,
            inactive_currencies=frozenset(
                Currency.objects.filter(active=False).values_list("code", flat=True)
            ),
            non_declarable_offices=frozenset(
                CustomsOffice.objects.filter(declarable=False).values_list("code", flat=True)
            ),
            non_destination_countries=frozenset(code for code, ok in countries.items() if not ok),
        )

    def with_prefetched_duplicates(
        self,
        *,
        order_nos: Collection[str] = (),
        logistics_nos: Collection[str] = (),
        cop_nos: Collection[str] = (),
    ) -> RuleContext:
        """A copy whose is_duplicate answers keys with these numbers from one batch read of the database.

        For a bulk import that checks every row before storing any: the stored declarations cannot change
        between its checks, so reading them once gives the same answers as one query per declaration. Keys
        with other numbers still go to this context's own is_duplicate.
        """
        index = DuplicateIndex.load(order_nos=order_nos, logistics_nos=logistics_nos, cop_nos=cop_nos)
        return replace(self, is_duplicate=index.answer_or(self.is_duplicate))


_IN_CHUNK = 900  # below SQLite's historical 999 bound parameters per query


def _numbers(values: Collection[str]) -> frozenset[str]:
    return frozenset(v for v in values if isinstance(v, str) and v)


def _chunks(values: Collection[str]) -> list[list[str]]:
    ordered = sorted(values)
    return [ordered[i : i + _IN_CHUNK] for i in range(0, len(ordered), _IN_CHUNK)]


def _platform_code(code: str) -> str:
    # "" and 无 are the same platform code as the renderer sends it (see is_duplicate in from_db).
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

    @classmethod
    def load(
        cls,
        *,
        order_nos: Collection[str] = (),
        logistics_nos: Collection[str] = (),
        cop_nos: Collection[str] = (),
    ) -> DuplicateIndex:
        from declarations.choices import Mode
        from declarations.models import Declaration

        index = cls(
            order_nos=_numbers(order_nos), logistics_nos=_numbers(logistics_nos), cop_nos=_numbers(cop_nos)
        )
        for chunk in _chunks(index.order_nos):
            rows = Declaration.objects.filter(order_no__in=chunk).values_list(
                "pk", "mode", "ebp_code", "ebp_name", "warehouse__name", "order_no"
            )
            for pk, mode, ebp_code, ebp_name, warehouse_name, order_no in rows:
                # 9810 compares the warehouse name (no warehouse: matches nothing), others the platform name.
                name = warehouse_name if mode == Mode.WAREHOUSE else ebp_name
                if name is None:
                    continue
                index.orders.setdefault((_platform_code(ebp_code), name, order_no), set()).add(pk)
        for chunk in _chunks(index.logistics_nos):
            rows = Declaration.objects.filter(logistics_no__in=chunk).values_list(
                "pk", "logistics_code", "logistics_no", "created_at"
            )
            for pk, code, number, created_at in rows:
                index.waybills.setdefault((code, number), []).append((pk, created_at))
        for chunk in _chunks(index.cop_nos):
            rows = Declaration.objects.filter(cop_no__in=chunk).values_list("pk", "agent_id", "cop_no")
            for pk, agent_id, cop_no in rows:
                index.cops.setdefault((agent_id, cop_no), set()).add(pk)
        return index

    def answer(self, kind: str, key: tuple, exclude_id: int | None) -> bool | None:
        """True / False as the database query would say, or None when the key's number was not loaded."""
        if kind == DUPLICATE_ORDER_NO:
            ebp_code, ebp_name, order_no = key
            if order_no not in self.order_nos:
                return None
            ids = self.orders.get((_platform_code(ebp_code), ebp_name, order_no), ())
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
