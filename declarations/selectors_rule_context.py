"""The rules' context read from the database (selector): the code tables once, per-declaration lookups as
memoised callables, the duplicate index of a bulk import, the tariff's facts. The rules themselves never
query (``declarations.rules.context`` holds the plain data they get)."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Collection, Iterable
from dataclasses import replace
from decimal import Decimal, InvalidOperation
from functools import lru_cache

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
    InspectionCategory,
    PackingType,
    Registration,
    SupervisionCondition,
    Tariff,
    TransportMode,
    Unit,
    WarehouseFiling,
)
from declarations.rules.context import (
    DUPLICATE_COP_NO,
    DUPLICATE_ORDER_NO,
    DUPLICATE_WAYBILL,
    NO_PLATFORM_CODE,
    WAYBILL_UNIQUE_DAYS,
    DuplicateIndex,
    RuleContext,
    china_today,
    platform_code,
)
from declarations.rules.tariff import Condition, TariffFacts, parse_elements, resolve_conditions

_IN_CHUNK = 900  # below SQLite's historical 999 bound parameters per query
_TEN_DIGITS = re.compile(r"^[0-9]{10}$")
_TARIFF_MEMO = 20000


def _numbers(values: Collection[str]) -> frozenset[str]:
    return frozenset(v for v in values if isinstance(v, str) and v)


def _chunks(values: Collection[str]) -> list[list[str]]:
    ordered = sorted(values)
    return [ordered[i : i + _IN_CHUNK] for i in range(0, len(ordered), _IN_CHUNK)]


def rule_context_load(*, today: Callable[[], datetime.date] | None = None) -> RuleContext:
    """Code sets are read here, once; per-declaration lookups are callables, memoised where stable."""
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
    # rule_context_with_prefetched_duplicates).
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

    return RuleContext(
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
        inactive_currencies=frozenset(Currency.objects.filter(active=False).values_list("code", flat=True)),
        non_declarable_offices=frozenset(
            CustomsOffice.objects.filter(declarable=False).values_list("code", flat=True)
        ),
        non_destination_countries=frozenset(code for code, ok in countries.items() if not ok),
        tariff_for=tariff_reader(),
    )


def duplicate_index_load(
    *,
    order_nos: Collection[str] = (),
    logistics_nos: Collection[str] = (),
    cop_nos: Collection[str] = (),
) -> DuplicateIndex:
    """The stored declarations carrying these order, waybill and copNo numbers, read in batches."""
    index = DuplicateIndex(
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
            index.orders.setdefault((platform_code(ebp_code), name, order_no), set()).add(pk)
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


def rule_context_with_prefetched_duplicates(
    ctx: RuleContext,
    *,
    order_nos: Collection[str] = (),
    logistics_nos: Collection[str] = (),
    cop_nos: Collection[str] = (),
) -> RuleContext:
    """A copy of ``ctx`` whose is_duplicate answers keys with these numbers from one batch read of the database.

    For a bulk import that checks every row before storing any: the stored declarations cannot change
    between its checks, so reading them once gives the same answers as one query per declaration. Keys
    with other numbers still go to the context's own is_duplicate.
    """
    index = duplicate_index_load(order_nos=order_nos, logistics_nos=logistics_nos, cop_nos=cop_nos)
    return replace(ctx, is_duplicate=index.answer_or(ctx.is_duplicate))


def tariff_reader(*, prefetch: Iterable[str] | None = None) -> Callable[[str], object]:
    """``tariff_for`` over the database, memoised per code. ``prefetch``: the codes a page will ask about, read
    in one query (a page's lines), so the number of queries does not grow with the lines. The condition tables
    are read once, and only when a code the tariff knows has conditions."""
    tables: dict[str, dict[str, Condition]] = {}
    known: dict[str, object] = {}

    def conditions(kind: str, text: str) -> tuple:
        if not text:
            return ()
        if kind not in tables:
            if kind == "supervision":
                rows = SupervisionCondition.objects.values_list(
                    "code", "name_zh", "name_en", "export_licence", "outbound_inspection"
                )
            else:
                rows = (
                    (code, zh, en, False, outbound)
                    for code, zh, en, outbound in InspectionCategory.objects.values_list(
                        "code", "name_zh", "name_en", "outbound"
                    )
                )
            tables[kind] = {row[0]: Condition(*row) for row in rows}
        return resolve_conditions(text, tables[kind])

    def facts_of(row) -> TariffFacts:
        try:
            elements = parse_elements(row.elements)
        except ValueError:
            elements = ()
        return TariffFacts(
            code=row.code,
            name_zh=row.name_zh,
            name_en=row.name_en,
            unit1=row.unit1,
            unit2=row.unit2,
            supervision=conditions("supervision", row.supervision),
            inspection=conditions("inspection", row.inspection),
            export_duty_rate=row.export_duty_rate,
            refund_rate=row.refund_rate,
            elements=elements,
            active=row.active,
        )

    if prefetch is not None:
        wanted = sorted({c.strip() for c in prefetch if isinstance(c, str) and _TEN_DIGITS.match(c.strip())})
        for start in range(0, len(wanted), _IN_CHUNK):
            chunk = wanted[start : start + _IN_CHUNK]
            known.update(dict.fromkeys(chunk))
            known.update((row.code, facts_of(row)) for row in Tariff.objects.filter(code__in=chunk))

    def tariff_for(code: str) -> TariffFacts | None:
        if code not in known:
            if len(known) >= _TARIFF_MEMO:
                known.clear()
            row = Tariff.objects.filter(code=code).first()
            known[code] = facts_of(row) if row is not None else None
        return known[code]

    return tariff_for
