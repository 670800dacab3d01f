import pytest
from django.urls import reverse

from declarations.choices import DeclarationStatus
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_counts_by_status_are_tenant_scoped(client_a, exporter_a, exporter_b):
    f.DeclarationFactory(enterprise=exporter_a, status=DeclarationStatus.REJECTED)
    f.DeclarationFactory(enterprise=exporter_a, status=DeclarationStatus.REJECTED)
    f.DeclarationFactory(enterprise=exporter_a)
    f.DeclarationFactory(enterprise=exporter_b, status=DeclarationStatus.RELEASED)
    response = client_a.get(reverse("home"))
    assert response.status_code == 200
    counts = {c["status"]: c["count"] for c in response.context["counts"]}
    assert counts == {"rejected": 2}  # declared only: the draft is shown apart
    assert (response.context["total"], response.context["drafts"]) == (2, 1)


def test_receipts_needing_attention(client_a, exporter_a, exporter_b):
    rejected = f.DeclarationFactory(enterprise=exporter_a, order_no="A-REJ")
    f.ReceiptFactory(declaration=rejected, return_status="100", return_info="退单", state="applied")
    f.ReceiptFactory(declaration=rejected, return_status="120", return_info="入库", state="applied")
    other = f.DeclarationFactory(enterprise=exporter_b)
    f.ReceiptFactory(declaration=other, return_status="500", return_info="查验", state="applied")
    response = client_a.get(reverse("home"))
    assert [(r.declaration_id, r.return_status) for r in response.context["attention"]] == [
        (rejected.pk, "100")
    ]
    assert "退单" in response.content.decode()


def test_figures_by_mode_channel_month_in_cny(client_a, exporter_a):
    f.ExchangeRateFactory()  # 7.1 CNY per USD this month
    cny = f.DeclarationFactory(enterprise=exporter_a, status="sent")
    f.DeclarationLineFactory(declaration=cny, total_price=1000)
    usd = f.DeclarationFactory(enterprise=exporter_a, status="released")
    f.DeclarationLineFactory(declaration=usd, total_price=100, currency="502")
    f.DeclarationFactory(enterprise=exporter_a, mode="9810", channel="customs_declaration", status="sent")
    draft = f.DeclarationFactory(enterprise=exporter_a)  # not declared: not in the figures
    f.DeclarationLineFactory(declaration=draft, total_price=5000)
    rows = client_a.get(reverse("home")).context["figures"]
    assert [(r["count"], r["value"]) for r in rows] == [(2, 1710), (1, 0)]
    assert [r["percent"] for r in rows] == [100, 0]


def test_missing_rate_shows_unknown_value(client_a, exporter_a):
    usd = f.DeclarationFactory(enterprise=exporter_a, status="sent")
    f.DeclarationLineFactory(declaration=usd, total_price=100, currency="502")
    rows = client_a.get(reverse("home")).context["figures"]
    assert [(r["count"], r["value"]) for r in rows] == [(1, None)]
