import datetime

import pytest
from django.urls import reverse

from declarations.models import Declaration
from tests import factories as f

pytestmark = pytest.mark.django_db


def _orders(response):
    return sorted(d["order_no"] for d in response.context["page"])


@pytest.fixture
def mix(exporter_a, exporter_b):
    f.DeclarationFactory(enterprise=exporter_a, order_no="A-1", logistics_no="WB-111")
    f.DeclarationFactory(enterprise=exporter_a, order_no="A-2", mode="9810", channel="customs_declaration")
    f.DeclarationFactory(
        enterprise=exporter_a, order_no="A-3", status="released", customs_code="2244", cop_no="COPX"
    )
    f.DeclarationFactory(enterprise=exporter_b, order_no="B-1", logistics_no="WB-111")


def test_tenant_scoped(client_a, mix):
    assert _orders(client_a.get(reverse("declaration_list"))) == ["A-1", "A-2", "A-3"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"mode": "9810"}, ["A-2"]),
        ({"channel": "list"}, ["A-1", "A-3"]),
        ({"status": "released"}, ["A-3"]),
        ({"office": "2244"}, ["A-3"]),
        ({"q": "WB-111"}, ["A-1"]),
        ({"q": "COPX"}, ["A-3"]),
        ({"q": "a-2"}, ["A-2"]),
    ],
)
def test_filters_and_search(client_a, mix, params, expected):
    assert _orders(client_a.get(reverse("declaration_list"), params)) == expected


def test_date_range(client_a, mix):
    old = Declaration.objects.get(order_no="A-1")
    Declaration.objects.filter(pk=old.pk).update(created_at=old.created_at - datetime.timedelta(days=40))
    since = (datetime.date.today() - datetime.timedelta(days=5)).isoformat()
    assert _orders(client_a.get(reverse("declaration_list"), {"date_from": since})) == ["A-2", "A-3"]
    assert _orders(client_a.get(reverse("declaration_list"), {"date_to": since})) == ["A-1"]


def test_pagination_keeps_filters(client_a, exporter_a):
    for _ in range(30):
        f.DeclarationFactory(enterprise=exporter_a)
    first = client_a.get(reverse("declaration_list"), {"mode": "9710"})
    assert len(first.context["page"]) == 25
    assert "mode=9710&amp;page=2" in first.content.decode()
    second = client_a.get(reverse("declaration_list"), {"mode": "9710", "page": 2})
    assert len(second.context["page"]) == 5


def test_htmx_returns_the_table_only(client_a, mix):
    response = client_a.get(reverse("declaration_list"), {"mode": "9810"}, headers={"HX-Request": "true"})
    assert [t.name for t in response.templates][0] == "partials/declaration_table.html"
    assert "<html" not in response.content.decode()
