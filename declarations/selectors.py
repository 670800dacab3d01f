"""Tenant-scoped reads. Tenancy lives here: every view and API endpoint reads through these functions."""

import datetime
from collections import defaultdict
from dataclasses import replace
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, DateField, F, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.utils import timezone

from declarations.choices import ATTENTION_STATUSES, RETURN_STATUS_MAP, Channel, Mode
from declarations.models import (
    Currency,
    Declaration,
    DeclarationLine,
    Delegation,
    Enterprise,
    ExchangeRate,
    ImportJob,
    Membership,
    OverseasWarehouse,
    Receipt,
    Registration,
    RenderedMessage,
    StatusEvent,
    WarehouseFiling,
)
from declarations.precompiled import Precompiled, as_id
from declarations.rules.channel import ChannelAdvice, recommend_channel
from declarations.rules.context import RuleContext
from declarations.selectors_rule_context import tariff_reader


def enterprises_for_user(*, user) -> QuerySet[Enterprise]:
    """Enterprises the user belongs to, plus the exporters that delegated to a broker the user belongs to."""
    if not user or not user.is_authenticated:
        return Enterprise.objects.none()
    if user.is_superuser:
        return Enterprise.objects.all()
    member_of, delegating = _tenant_subqueries(user.pk)
    return Enterprise.objects.filter(Q(pk__in=member_of) | Q(pk__in=delegating))


def _tenant_subqueries(user_id: int) -> tuple[QuerySet, QuerySet]:
    """Ids of the enterprises the user belongs to, and of those that delegated to a broker the user belongs to:
    two flat subqueries (no join to de-duplicate), which the database plans quickly."""
    member_of = Membership.objects.filter(user_id=user_id).values("enterprise_id")
    delegating = Delegation.objects.filter(active=True, broker__memberships__user_id=user_id).values(
        "exporter_id"
    )
    return member_of, delegating


def _enterprise_ids_query(_shape, *, user_id: int) -> QuerySet:
    member_of, delegating = _tenant_subqueries(user_id)
    return Enterprise.objects.filter(Q(pk__in=member_of) | Q(pk__in=delegating)).values_list("pk", flat=True)


_enterprise_ids = Precompiled(_enterprise_ids_query)


def enterprise_ids_for_user(*, user) -> list[int]:
    """The ids of ``enterprises_for_user``: read on every page, so compiled once (``Precompiled``)."""
    if not user or not user.is_authenticated or user.is_superuser:
        return list(enterprises_for_user(user=user).values_list("pk", flat=True))
    return _enterprise_ids(user_id=user.pk)


def declarations_for_user(*, user, filters: dict | None = None) -> QuerySet[Declaration]:
    return declarations_for_enterprises(enterprise_ids=enterprise_ids_for_user(user=user), filters=filters)


def declarations_for_enterprises(
    *, enterprise_ids: list[int], filters: dict | None = None
) -> QuerySet[Declaration]:
    """Declarations of these enterprises (``enterprise_ids_for_user``): their own, and those they filed as agent."""
    qs = Declaration.objects.filter(Q(enterprise_id__in=enterprise_ids) | Q(agent_id__in=enterprise_ids))
    if filters:
        qs = qs.filter(**filters)
    return qs.select_related("enterprise", "agent", "warehouse")


def _declaration_query(columns: tuple[str, ...], *, pk: int, user_id: int | None = None) -> QuerySet:
    queryset = Declaration.objects.select_related("enterprise", "agent", "warehouse").filter(pk=pk)
    if user_id is not None:
        # The tenants of enterprises_for_user, without the extra level of subquery.
        member_of, delegating = _tenant_subqueries(user_id)
        queryset = queryset.filter(
            Q(enterprise_id__in=member_of)
            | Q(enterprise_id__in=delegating)
            | Q(agent_id__in=member_of)
            | Q(agent_id__in=delegating)
        )
    return queryset.only(*columns) if columns else queryset


_declaration = Precompiled(_declaration_query)


def declaration_for_user(*, user, pk, columns: tuple[str, ...] = ()) -> Declaration:
    """One declaration of the user's tenants (``enterprises_for_user``), in one query; 404 for anyone else's.
    Every declaration page reads it, so it is compiled once per ``columns`` (``Precompiled``)."""
    if not user or not user.is_authenticated:
        raise Http404
    pk = as_id(pk)
    if pk is None:
        raise Http404
    if user.is_superuser:
        found = _declaration(shape=tuple(columns), pk=pk)
    else:
        found = _declaration(shape=tuple(columns), pk=pk, user_id=user.pk)
    if not found:
        raise Http404
    return found[0]


LIST_SIDES = ("own", "for_others")


class ListSides:
    """The pks of a tenant's declarations matching the list's filter, newest first, read per side: its own and
    those it filed as agent for others (a declaration can be on both), each up to ``limit``. Both sides come from
    their (tenant, created) index alone, as plain integers."""

    def __init__(self, own: list[int], for_others: list[int], limit: int):
        self.own = own
        self.for_others = for_others
        self.limit = limit

    def count(self) -> int:
        """How many there are, counting no further than ``limit``."""
        if not self.for_others:
            return len(self.own)
        if not self.own:
            return len(self.for_others)
        return min(len(set(self.own) | set(self.for_others)), self.limit)

    def one_sided(self, end: int) -> list[int] | None:
        """The first ``end`` pks in list order when only one side has any and holds them (no merge by creation
        time needed), else None."""
        if self.own and self.for_others:
            return None
        side = self.own or self.for_others
        return side[:end] if len(side) >= end or len(side) < self.limit else None


def declaration_list_sides(*, enterprise_ids: list[int], where: Q, limit: int) -> ListSides:
    """Both sides' pks for the list (``ListSides``), each up to ``limit``."""
    sides = [
        _read_side(_side_pks, side, limit, enterprise_ids=enterprise_ids, where=where) for side in LIST_SIDES
    ]
    return ListSides(*sides, limit=limit)


def declarations_page(
    *,
    enterprise_ids: list[int],
    where: Q,
    offset: int,
    limit: int,
    columns: tuple[str, ...],
    sides: ListSides | None = None,
) -> list[dict]:
    """One page of these enterprises' declarations matching ``where``, in list order (newest first), as dicts of
    ``pk`` and the given ``columns`` (``enterprise__name`` joins the enterprise): a table's cells, not models.

    A tenant's declarations are its own plus those it filed as agent for another enterprise. Each set is read
    newest first from its own (tenant, created) index, only as far as the page's end, and the two are merged
    here (a declaration in both counts once). One OR over both columns would make the database walk the global
    created index past every other tenant's newer rows (a tenant whose declarations are not the newest paid
    for everyone else's). ``sides`` already read for the count (``declaration_list_sides``) give the order
    without a merge when only one side has declarations, as for an exporter that files for itself.
    """
    if limit <= 0:
        return []
    ordered = sides.one_sided(offset + limit) if sides is not None else None
    if ordered is None:
        keys = set()
        for side in LIST_SIDES:
            keys.update(
                _read_side(_page_keys, side, offset + limit, enterprise_ids=enterprise_ids, where=where)
            )
        ordered = [pk for _created, pk in sorted(keys, reverse=True)]
    page = ordered[offset : offset + limit]
    if not page:
        return []
    rows = {row["pk"]: row for row in _page_rows(shape=tuple(columns), pks=page)}
    return [rows[pk] for pk in page]


def _side_query(shape, *, enterprise_ids: list[int], where: Q | None = None) -> QuerySet:
    side, end = shape
    if side == "own":
        tenant = Q(enterprise_id__in=enterprise_ids)
    else:
        # Exactly the partial agent index's condition: nothing more on the agent side, or PostgreSQL misjudges it.
        tenant = Q(agent_id__in=enterprise_ids) & ~Q(agent=F("enterprise"))
    part = Declaration.objects.filter(tenant).filter(where or Q()).order_by("-created_at", "-pk")
    return part[:end]


_side_pks = Precompiled(
    lambda shape, *, enterprise_ids, where=None: _side_query(
        shape, enterprise_ids=enterprise_ids, where=where
    ).values_list("pk", flat=True)
)
_page_keys = Precompiled(
    lambda shape, *, enterprise_ids, where=None: _side_query(
        shape, enterprise_ids=enterprise_ids, where=where
    ).values_list("created_at", "pk")
)


def _read_side(read: Precompiled, side: str, end: int, *, enterprise_ids: list[int], where: Q) -> list:
    """One side's first ``end`` rows as ``read`` selects them: the unfiltered list (every page view) from SQL
    compiled once per shape; a filtered one built for the request (its filter varies)."""
    if where:
        return list(read.build((side, end), enterprise_ids=enterprise_ids, where=where))
    return read(shape=(side, end), enterprise_ids=enterprise_ids)


_page_rows = Precompiled(
    lambda columns, *, pks: Declaration.objects.filter(pk__in=pks).values("pk", *columns)
)


# ---- one declaration's parts, for its pages (the declaration already read through declaration_for_user) --------

EVENT_COLUMNS = (
    "declaration",
    "created_at",
    "from_status",
    "to_status",
    "source",
    "return_status",
    "note",
    "actor__username",
    "receipt__receipt_type",
    "receipt__return_status",
    "receipt__return_info",
    "receipt__return_time",
    "entry_result__entry_no",
    "entry_result__result",
    "entry_result__result_date",
    "entry_result__reason",
)
MESSAGE_LIST_COLUMNS = ("declaration", "message_type", "version")
RECEIPT_LIST_COLUMNS = (
    "declaration",
    "received_at",
    "receipt_type",
    "return_status",
    "return_time",
    "return_info",
    "state",
)

# Read on every detail page and status poll: compiled once (``Precompiled``). One declaration's rows, so no
# join to order by the declaration as the models' default orderings would.
_lines = Precompiled(lambda _s, *, pk: DeclarationLine.objects.filter(declaration_id=pk).order_by("gnum"))
_events = Precompiled(
    lambda _s, *, pk: (
        StatusEvent.objects.filter(declaration_id=pk)
        .select_related("receipt", "actor", "entry_result")
        .only(*EVENT_COLUMNS)
        .order_by("created_at", "pk")
    )
)
_message_list = Precompiled(
    lambda _s, *, pk: (
        RenderedMessage.objects.filter(declaration_id=pk)
        .only(*MESSAGE_LIST_COLUMNS)
        .order_by("-version", "message_type")
    )
)
_receipt_list = Precompiled(
    # In their own time (returnTime), as customs sent them, whatever order their files arrived in.
    lambda _s, *, pk: (
        Receipt.objects.filter(declaration_id=pk).only(*RECEIPT_LIST_COLUMNS).order_by("return_time", "pk")
    )
)


def _of(declaration: Declaration, rows: list) -> list:
    """Each row's declaration set to this one, as its related manager would (no query when a row asks)."""
    if rows:
        field = type(rows[0])._meta.get_field("declaration")
        for row in rows:
            field.set_cached_value(row, declaration)
    return rows


def declaration_goods_lines(*, declaration: Declaration) -> list[DeclarationLine]:
    return _of(declaration, _lines(pk=declaration.pk))


def declaration_events(*, declaration: Declaration) -> list[StatusEvent]:
    """The timeline, oldest first, with each event's actor name and receipt: status changes only. A receipt
    that changed nothing (stored as such before receipts were applied in their own order) is on the receipts
    table, not here."""
    events = [e for e in _events(pk=declaration.pk) if not (e.receipt_id and e.from_status == e.to_status)]
    return _of(declaration, events)


def declaration_message_list(*, declaration: Declaration) -> list[RenderedMessage]:
    """The rendered messages without their content, newest version first."""
    return _of(declaration, _message_list(pk=declaration.pk))


def declaration_receipt_list(*, declaration: Declaration) -> list[Receipt]:
    return _of(declaration, _receipt_list(pk=declaration.pk))


def registrations_for_user(*, user) -> QuerySet[Registration]:
    return Registration.objects.filter(enterprise_id__in=enterprise_ids_for_user(user=user))


def warehouses_for_user(*, user) -> QuerySet[OverseasWarehouse]:
    return OverseasWarehouse.objects.filter(enterprise_id__in=enterprise_ids_for_user(user=user))


def warehouse_filings_for_user(*, user) -> QuerySet[WarehouseFiling]:
    return WarehouseFiling.objects.filter(warehouse__enterprise_id__in=enterprise_ids_for_user(user=user))


def import_jobs_for_user(*, user) -> QuerySet[ImportJob]:
    """Spreadsheet import jobs are private to their uploader (another user's job is a 404, even for staff)."""
    if not user or not user.is_authenticated:
        return ImportJob.objects.none()
    return ImportJob.objects.filter(user=user).order_by("-created_at", "-pk")


def get_object_for_user(queryset: QuerySet, **lookup):
    """Fetch from an already tenant-scoped queryset; another tenant's object is a 404, never a 403."""
    try:
        return queryset.get(**lookup)
    except queryset.model.DoesNotExist as exc:
        raise Http404 from exc


# ---- dashboard --------------------------------------------------------------------------------------------

CNY = "142"
DASHBOARD_MONTHS = 12
ATTENTION_RETURN_STATUSES = sorted(
    code for code, status in RETURN_STATUS_MAP.items() if status in ATTENTION_STATUSES
)


def _month_start(months_back: int) -> datetime.date:
    today = timezone.localdate()
    year, month = divmod(today.year * 12 + today.month - 1 - months_back, 12)
    return datetime.date(year, month + 1, 1)


def declaration_counts_by_status(*, declarations: QuerySet[Declaration]) -> dict[str, int]:
    """``declarations`` is already tenant-scoped (``declarations_for_user``); one GROUP BY query."""
    return dict(declarations.order_by().values_list("status").annotate(n=Count("id")))


def receipts_needing_attention(*, declarations: QuerySet[Declaration], limit: int = 10) -> QuerySet[Receipt]:
    return (
        Receipt.objects.filter(
            declaration__in=declarations.values("pk"), return_status__in=ATTENTION_RETURN_STATUSES
        )
        .select_related("declaration")
        .defer("raw")
        .order_by("-received_at", "-id")[:limit]
    )


def dashboard_figures(*, declarations: QuerySet[Declaration]) -> list[dict]:
    """One row per (month, mode, channel) of the last 12 months: count and goods value in CNY (None when a
    rate is missing). Three queries whatever the number of declarations: counts, line sums, rates."""
    since = _month_start(DASHBOARD_MONTHS - 1)
    recent = declarations.filter(created_at__date__gte=since)
    month = TruncMonth("created_at", output_field=DateField())
    counts = (
        recent.order_by().annotate(month=month).values("month", "mode", "channel").annotate(n=Count("id"))
    )
    values = (
        DeclarationLine.objects.filter(declaration__in=recent.values("pk"))
        .order_by()
        .annotate(month=TruncMonth("declaration__created_at", output_field=DateField()))
        .values("month", "declaration__mode", "declaration__channel", "currency")
        .annotate(total=Sum("total_price"))
    )
    rates = {
        (r.currency_id, r.month): r.rate
        for r in ExchangeRate.objects.filter(month__gte=since).only("currency", "month", "rate")
    }
    value_cny: dict[tuple, Decimal | None] = defaultdict(lambda: Decimal("0"))
    for row in values:
        key = (row["month"], row["declaration__mode"], row["declaration__channel"])
        rate = Decimal("1") if row["currency"] == CNY else rates.get((row["currency"], row["month"]))
        if rate is None or value_cny[key] is None:
            value_cny[key] = None
        else:
            value_cny[key] += (row["total"] or Decimal("0")) * rate
    rows = []
    for row in counts:
        key = (row["month"], row["mode"], row["channel"])
        rows.append(
            {
                "month": row["month"],
                "mode": Mode(row["mode"]).label if row["mode"] in Mode.values else row["mode"],
                "channel": Channel(row["channel"]).label if row["channel"] in Channel.values else "—",
                "count": row["n"],
                "value": value_cny.get(key, Decimal("0")),
            }
        )
    rows.sort(key=lambda r: (r["month"], r["mode"], r["channel"]))
    top = max((r["value"] or Decimal("0") for r in rows), default=Decimal("0"))
    for r in rows:
        r["percent"] = int((r["value"] or 0) * 100 / top) if top else 0
    return rows


# ---- channel advice ---------------------------------------------------------------------------------------


def _not_loaded(*args):
    raise RuntimeError("the channel advice context loads only currencies and rates")


def _advice_context() -> RuleContext:
    """What ``recommend_channel`` reads (currencies, one exchange rate, the limit) and nothing else: the full
    ``RuleContext.from_db`` loads every code table, the HS list included, which a page view must not pay."""
    currencies = list(Currency.objects.values_list("code", "iso_code", "active"))
    currency_iso = {code: iso for code, iso, _active in currencies}

    def rate_for(currency: str, month: datetime.date) -> Decimal | None:
        return (
            ExchangeRate.objects.filter(currency_id=currency, month=month)
            .values_list("rate", flat=True)
            .first()
        )

    none: frozenset[str] = frozenset()
    return RuleContext(
        customs_offices=none,
        pilot_offices=none,
        currencies=frozenset(currency_iso),
        countries=none,
        units=none,
        transport_modes=none,
        packing_types=none,
        hs6=none,
        rate_for=rate_for,
        has_approved_registration=_not_loaded,
        warehouse_filing_approved=_not_loaded,
        is_duplicate=_not_loaded,
        list_limit_cny=Decimal(str(settings.LIST_CHANNEL_LIMIT_CNY)),
        currency_iso={code: iso for code, iso in currency_iso.items() if iso},
        inactive_currencies=frozenset(code for code, _iso, active in currencies if not active),
    )


def channel_advice_and_value(
    *, declaration: Declaration, lines, tariff_for=None
) -> tuple[ChannelAdvice, str]:
    """The channel advice and how the ticket's CNY value was reached ("610 USD × 7.10 (2026-12) = 4,331.00
    CNY", "" when it cannot be), from one small context: the declaration page's reason and rate line.
    The tariff's derived licence / inspection / duty flags take part (the lines' codes in one query)."""
    from declarations.rules.amounts import valuation

    lines = list(lines)
    tariff_for = tariff_for or tariff_reader(prefetch=[line.gcode for line in lines])
    ctx = replace(_advice_context(), tariff_for=tariff_for)
    worth = valuation(declaration, lines, ctx=ctx)
    advice = recommend_channel(declaration, lines, ctx, worth=worth)
    return advice, worth.conversion(ctx.currency_iso.get(worth.currency, ""))


def channel_advice(*, declaration: Declaration, lines=None, tariff_for=None) -> ChannelAdvice:
    """The channel advice of a declaration, recomputed for its reason text (only the reason code is stored).
    Two queries (three for a foreign currency) besides the lines, whatever the number of lines."""
    lines = list(declaration.lines.all()) if lines is None else list(lines)
    # The tariff's derived licence / inspection / duty flags: the lines' codes in one query.
    tariff_for = tariff_for or tariff_reader(prefetch=[line.gcode for line in lines])
    return recommend_channel(declaration, lines, replace(_advice_context(), tariff_for=tariff_for))


def advice_context() -> RuleContext:
    """The small rule context of the channel advice (currencies, rates, the limit), for the submit preview."""
    return _advice_context()
