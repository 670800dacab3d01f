"""Dashboard: counts by status, receipts needing attention, figures by mode × channel × month."""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.db.models import Count, DateField, Sum
from django.db.models.functions import TruncMonth
from django.shortcuts import render
from django.utils import timezone

from declarations.choices import ATTENTION_STATUSES, RETURN_STATUS_MAP, Channel, DeclarationStatus, Mode
from declarations.models import DeclarationLine, ExchangeRate, Receipt
from declarations.selectors import declarations_for_user, enterprises_for_user

CNY = "142"
MONTHS = 12
ATTENTION_RETURN_STATUSES = sorted(
    code for code, status in RETURN_STATUS_MAP.items() if status in ATTENTION_STATUSES
)


def _month_start(months_back: int) -> datetime.date:
    today = timezone.localdate()
    year, month = divmod(today.year * 12 + today.month - 1 - months_back, 12)
    return datetime.date(year, month + 1, 1)


def dashboard_figures(*, declarations) -> list[dict]:
    """One row per (month, mode, channel): count and goods value in CNY (None when a rate is missing)."""
    since = _month_start(MONTHS - 1)
    recent = declarations.filter(created_at__date__gte=since)
    month = TruncMonth("created_at", output_field=DateField())
    counts = recent.annotate(month=month).values("month", "mode", "channel").annotate(n=Count("id"))
    values = (
        DeclarationLine.objects.filter(declaration__in=recent.values("pk"))
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


@login_required
def dashboard(request):
    declarations = declarations_for_user(user=request.user)
    by_status = dict(declarations.order_by().values_list("status").annotate(n=Count("id")))
    counts = [
        {"status": status, "label": label, "count": by_status.get(status, 0)}
        for status, label in DeclarationStatus.choices
        if by_status.get(status)
    ]
    attention = (
        Receipt.objects.filter(
            declaration__in=declarations.values("pk"), return_status__in=ATTENTION_RETURN_STATUSES
        )
        .select_related("declaration")
        .order_by("-received_at", "-id")[:10]
    )
    return render(
        request,
        "declarations/dashboard.html",
        {
            "enterprises": enterprises_for_user(user=request.user),
            "counts": counts,
            "total": sum(by_status.values()),
            "attention": attention,
            "figures": dashboard_figures(declarations=declarations),
            "recent": declarations[:10],
        },
    )
