"""The declaration page shows which rate and month the value test used, and that a long 报关单 draft is split."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from declarations.choices import Channel, DeclarationStatus
from declarations.rules.context import china_today, month_start
from tests import factories as f

pytestmark = pytest.mark.django_db


def _usd_draft(exporter, **kwargs):
    f.ExchangeRateFactory(month=month_start(china_today()))
    declaration = f.DeclarationFactory(enterprise=exporter, currency="502", **kwargs)
    f.DeclarationLineFactory(
        declaration=declaration,
        gnum=1,
        currency="502",
        qty=Decimal("1"),
        price=Decimal("610"),
        total_price=610,
    )
    return declaration


def test_the_page_shows_the_rate_and_month_used(client_a, exporter_a, codes):
    # an export date next month: the draft is declared today, so today's month's rate is used
    declaration = _usd_draft(exporter_a, ie_date=china_today() + datetime.timedelta(days=40))
    month = month_start(china_today()).strftime("%Y-%m")
    expected = f"610 USD × 7.10 ({month}) = 4,331.00 CNY"

    response = client_a.get(reverse("declaration_detail", args=[declaration.pk]), HTTP_ACCEPT_LANGUAGE="en")

    assert response.context["value_conversion"] == expected
    body = response.content.decode()
    assert f'<dd class="value-conversion">{expected}</dd>' in body


def test_the_rate_line_uses_the_submission_month_once_submitted(client_a, exporter_a, codes):
    declaration = _usd_draft(
        exporter_a,
        status=DeclarationStatus.SENT,
        submitted_at=datetime.datetime(2025, 3, 31, 17, 0, tzinfo=datetime.UTC),  # 1 April in China
    )
    f.ExchangeRateFactory(month=datetime.date(2025, 4, 1), rate=Decimal("7.2"))

    response = client_a.get(reverse("declaration_detail", args=[declaration.pk]))

    assert response.context["value_conversion"] == "610 USD × 7.20 (2025-04) = 4,392.00 CNY"


def test_a_long_customs_declaration_says_it_is_split(client_a, exporter_a, codes):
    declaration = f.DeclarationFactory(enterprise=exporter_a, channel=Channel.CUSTOMS_DECLARATION)
    for gnum in range(1, 52):
        f.DeclarationLineFactory(declaration=declaration, gnum=gnum)

    with translation.override("en"):
        body = client_a.get(reverse("declaration_detail", args=[declaration.pk])).content.decode()
    assert "split into 2 numbered declarations" in body
    assert declaration.order_no in body

    declaration.lines.filter(gnum=51).delete()
    body = client_a.get(reverse("declaration_detail", args=[declaration.pk])).content.decode()
    assert 'class="split-note"' not in body
