"""Arrival (CEB507) by the site operator and departure (CEB509) by the carrier, for batches of their lists;
the receipts land on the lists' timelines; nobody else sees or sends them."""

import datetime

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from declarations.choices import DeclarationStatus
from declarations.models import Declaration, Membership, Receipt, RenderedMessage, StatusEvent
from declarations.services.codes import code_tables_load
from declarations.services.receipts import receipts_ingest
from declarations.services.simulation import customs_simulate
from tests import factories as f
from tests.master_bills.conftest import released_list

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(db):
    return f.EnterpriseFactory(name="示例监管场所经营有限公司", is_exporter=False, is_site_operator=True)


@pytest.fixture
def carrier(db):
    return f.EnterpriseFactory(
        name="示例国际物流有限公司", is_exporter=False, is_logistics=True, customs_code="4401980ABC"
    )


def _client(enterprise):
    code_tables_load()
    client = Client()
    client.force_login(f.MembershipFactory(enterprise=enterprise, role=Membership.Role.ADMIN).user)
    return client


@pytest.fixture
def lists(agent, operator):
    return [released_list(agent, n, site_operator=operator) for n in (1, 2)]


def test_the_operator_sends_arrival_for_a_batch_after_confirming(operator, lists):
    client = _client(operator)
    other = released_list(f.EnterpriseFactory(), 9)  # at nobody's site of this operator
    page = client.get(reverse("site_arrival")).content.decode()
    assert all(f'id="list-{d.pk}"' in page for d in lists)
    assert f'id="list-{other.pk}"' not in page
    data = {"lists": [d.pk for d in lists], "sender": operator.pk, "domestic_traf_no": "粤A12345"}

    confirm = client.post(reverse("site_arrival"), data)
    assert confirm.templates[0].name == "declarations/site_batch_confirm.html"
    assert not RenderedMessage.objects.filter(message_type="CEB507").exists()

    client.post(reverse("site_arrival"), {**data, "confirmed": "1"})
    sent = RenderedMessage.objects.filter(message_type="CEB507")
    assert sorted(sent.values_list("declaration_id", flat=True)) == sorted(d.pk for d in lists)
    assert all((settings.OUTBOX_DIR / m.file_name).exists() for m in sent)
    assert b"<ceb:operatorCode>" + operator.ceb_code.encode() in bytes(sent[0].content)

    customs_simulate(outbox_dir=settings.OUTBOX_DIR, inbox_dir=settings.INBOX_DIR)
    summary = receipts_ingest(directory=settings.INBOX_DIR)
    assert summary.unmatched == 0 and summary.failed == 0
    for declaration in lists:
        assert Receipt.objects.filter(declaration=declaration, receipt_type="CEB508").count() == 1
        assert Declaration.objects.get(pk=declaration.pk).status == DeclarationStatus.RELEASED
    # Sent once: the lists are no longer offered, and a second send is refused.
    again = client.post(reverse("site_arrival"), {**data, "confirmed": "1"})
    assert again.status_code == 200 and "lists" in again.context["form"].errors
    assert RenderedMessage.objects.filter(message_type="CEB507").count() == 2


def test_the_carrier_sends_departure_for_released_lists(carrier, lists):
    client = _client(carrier)
    data = {
        "lists": [lists[0].pk],
        "sender": carrier.pk,
        "leave_time": "2026-12-05T18:30",
        "voyage_no": "CZ3001",
        "confirmed": "1",
    }

    client.post(reverse("site_departure"), data)

    message = RenderedMessage.objects.get(message_type="CEB509")
    assert message.declaration_id == lists[0].pk
    assert b"<ceb:voyageNo>CZ3001</ceb:voyageNo>" in bytes(message.content)
    stored = Declaration.objects.get(pk=lists[0].pk)
    assert stored.leave_time == datetime.datetime(2026, 12, 5, 10, 30, tzinfo=datetime.UTC)
    assert StatusEvent.objects.filter(declaration=lists[0], note__contains=message.file_name).exists()


def test_others_see_an_explanation_and_send_nothing(lists, exporter_b):
    client = _client(exporter_b)
    for name in ("site_arrival", "site_departure"):
        page = client.get(reverse(name))
        assert page.status_code == 200 and page.context["no_role"]
        client.post(reverse(name), {"lists": [lists[0].pk], "confirmed": "1"})
    another_operator = f.EnterpriseFactory(is_exporter=False, is_site_operator=True)
    other = _client(another_operator)
    assert f'id="list-{lists[0].pk}"' not in other.get(reverse("site_arrival")).content.decode()
    other.post(
        reverse("site_arrival"),
        {"lists": [lists[0].pk], "sender": another_operator.pk, "domestic_traf_no": "x", "confirmed": "1"},
    )
    assert not RenderedMessage.objects.exists()
