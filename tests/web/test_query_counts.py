"""No N+1 queries: the portal's pages run the same number of queries for 1 and for 20 declarations, each with
several goods lines, messages, receipts and events. The expected counts are exact; each is spelt out."""

from decimal import Decimal

import pytest
from django.urls import reverse

from declarations.choices import Channel, DeclarationStatus
from declarations.code_labels import warm_cache
from declarations.services.declarations import declaration_check
from tests import factories as f

pytestmark = pytest.mark.django_db


# Every page of a logged-in user: the session, then the user (without CACHE_URL sessions live in the database;
# with it, cached_db reads them from Redis and this is one query).
SESSION_AND_USER = 2


def populate(enterprise, actor, count: int, *, lines: int = 3) -> list:
    """``count`` validated, rejected declarations in USD, each with ``lines`` lines, three messages, two
    receipts (one needing attention) and two events (one from a receipt, one by a user)."""
    f.ExchangeRateFactory()  # USD this month: the channel advice reads it
    declarations = []
    for _ in range(count):
        declaration = f.DeclarationFactory(
            enterprise=enterprise,
            status=DeclarationStatus.REJECTED,
            currency="502",
            recommended_channel=Channel.LIST,
            channel_reason="LIST_ELIGIBLE",
        )
        for gnum in range(1, lines + 1):
            f.DeclarationLineFactory(
                declaration=declaration,
                gnum=gnum,
                currency="502",
                price=Decimal("1"),
                total_price=Decimal("10"),
            )
        for message_type in ("CEB303", "CEB505", "CEB603"):
            f.RenderedMessageFactory(declaration=declaration, message_type=message_type)
        rejected = f.ReceiptFactory(
            declaration=declaration,
            receipt_type="CEB604",
            return_status="100",
            return_info="退单",
            state="applied",
        )
        f.ReceiptFactory(declaration=declaration, receipt_type="CEB604", return_status="120", state="applied")
        f.StatusEventFactory(declaration=declaration, from_status="draft", to_status="submitted", actor=actor)
        f.StatusEventFactory(
            declaration=declaration,
            from_status="sent",
            to_status="rejected",
            source="receipt",
            receipt=rejected,
        )
        declarations.append(declaration)
    return declarations


@pytest.mark.parametrize("count", [1, 20])
def test_declaration_list(client_a, user_a, exporter_a, django_assert_num_queries, count):
    populate(exporter_a, user_a, count)
    # + the user's enterprise ids, the newest pks of its own declarations and of those it filed for others (up to
    # the count's cap: selectors.declaration_list_sides), the page's rows joined to their enterprises. Only one
    # side has any, so its pks give the page's order.
    warm_cache()  # code names are read once per process (declarations.code_labels), not per request
    with django_assert_num_queries(SESSION_AND_USER + 4):
        response = client_a.get(reverse("declaration_list"))
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == count
    assert response.content.decode().count(exporter_a.name) == count


@pytest.mark.parametrize("count", [1, 20])
def test_declaration_list_as_broker(client_broker, broker_user, exporter_a, django_assert_num_queries, count):
    populate(exporter_a, broker_user, count)
    warm_cache()  # code names are read once per process (declarations.code_labels), not per request
    with django_assert_num_queries(SESSION_AND_USER + 4):
        response = client_broker.get(reverse("declaration_list"))
    assert len(response.context["page"].object_list) == count


@pytest.mark.parametrize("count", [1, 20])
def test_declaration_list_of_a_broker_filing_as_agent(
    client_broker, broker_user, broker_c, exporter_a, django_assert_num_queries, count
):
    for declaration in populate(exporter_a, broker_user, count):
        declaration.agent = broker_c
        declaration.save(update_fields=["agent"])
    # Both sides hold the declarations (the delegating exporter's own, filed by the broker as agent): the same
    # reads, then each side's newest keys (creation time, pk) to merge them in list order.
    warm_cache()  # code names are read once per process (declarations.code_labels), not per request
    with django_assert_num_queries(SESSION_AND_USER + 6):
        response = client_broker.get(reverse("declaration_list"))
    assert len(response.context["page"].object_list) == count
    assert response.content.decode().count(exporter_a.name) == count


@pytest.mark.parametrize("count, lines", [(1, 1), (20, 20)])
def test_declaration_detail(client_a, user_a, exporter_a, django_assert_num_queries, count, lines):
    declaration = populate(exporter_a, user_a, count, lines=lines)[-1]
    # + the declaration (joined to enterprise, agent, warehouse; the user's enterprises as a subquery), its lines
    # (read once), currencies and the USD rate (channel advice), events (joined to receipt and actor), messages,
    # receipts; whether the user may change it (declarations.permissions: member, or a live delegation); the
    # tariff's facts for the lines' codes (one query, derived flags of the channel advice).
    warm_cache()  # code names are read once per process (declarations.code_labels), not per request
    with django_assert_num_queries(SESSION_AND_USER + 9):
        response = client_a.get(reverse("declaration_detail", args=[declaration.pk]))
    assert response.status_code == 200
    assert len(response.context["lines"]) == lines
    assert len(response.context["rendered"]) == 3
    assert len(response.context["receipts"]) == 2
    body = response.content.decode()
    assert f"· {user_a.username}" in body  # the event's actor
    assert "CEB604 100 海关退单 退单" in body  # the event's receipt


@pytest.mark.parametrize("count", [1, 20])
def test_status_fragment(client_a, user_a, exporter_a, django_assert_num_queries, count):
    declaration = populate(exporter_a, user_a, count)[-1]
    # + the declaration (the user's enterprises as a subquery), its events joined to receipt and actor.
    warm_cache()  # code names are read once per process (declarations.code_labels), not per request
    with django_assert_num_queries(SESSION_AND_USER + 2):
        response = client_a.get(reverse("declaration_status", args=[declaration.pk]))
    assert [e.to_status for e in response.context["events"]] == ["submitted", "rejected"]


@pytest.mark.parametrize("count", [1, 20])
def test_dashboard(client_a, user_a, exporter_a, django_assert_num_queries, count):
    populate(exporter_a, user_a, count)
    # + enterprise ids, counts by status, rates, line values and counts by month/mode/channel, the enterprises,
    # receipts needing attention (joined to their declaration), the ten most recent declarations, the user's
    # recent uploads.
    warm_cache()  # code names are read once per process (declarations.code_labels), not per request
    with django_assert_num_queries(SESSION_AND_USER + 9):
        response = client_a.get(reverse("home"))
    assert response.context["total"] == count
    assert len(response.context["attention"]) == min(count, 10)
    assert [row["count"] for row in response.context["figures"]] == [count]
    assert response.context["figures"][0]["value"] == Decimal("7.1") * 30 * count


@pytest.mark.parametrize(
    "currency, line_changes, expected_code",
    [
        ("142", {}, "LIST_ELIGIBLE"),
        ("502", {}, "LIST_ELIGIBLE"),
        ("502", {"total_price": Decimal("1000"), "price": Decimal("10")}, "LIST_VALUE_OVER_LIMIT"),
        ("300", {}, "EXCHANGE_RATE_MISSING"),
        ("304", {}, "VALUE_UNKNOWN"),  # an obsolete currency (DEM) has no value, not a missing rate
        ("142", {"licence": True}, "LIST_NEEDS_LICENCE"),
    ],
)
def test_detail_channel_reason_matches_the_rules_engine(
    client_a, user_a, exporter_a, codes, currency, line_changes, expected_code
):
    """The detail page recomputes only the channel advice; its reason is the full engine's, word for word."""
    declaration = populate(exporter_a, user_a, 1)[0]
    declaration.currency = currency
    declaration.save()
    declaration.lines.update(currency=currency, **line_changes)
    _findings, advice = declaration_check(declaration=declaration)
    assert advice.reason_code == expected_code
    response = client_a.get(reverse("declaration_detail", args=[declaration.pk]))
    assert response.context["channel_reason"] == advice.reason_message
    assert response.context["channel_reason"] != ""
