"""Cancelling a released list from its page: a reason and a confirmation are required; CEB605 is sent once."""

import pytest
from django.conf import settings
from django.urls import reverse

from declarations.choices import DeclarationStatus
from declarations.models import Declaration, RenderedMessage, StatusEvent
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def released(exporter_a, codes):
    declaration = f.DeclarationFactory(
        enterprise=exporter_a, status=DeclarationStatus.RELEASED, version=1, invt_no="51412026E000000001"
    )
    f.DeclarationLineFactory(declaration=declaration, gnum=1)
    return declaration


def test_the_page_offers_the_cancel_action_only_when_released(client_a, released, exporter_a):
    fragment = client_a.get(reverse("declaration_list_life", args=[released.pk])).content.decode()
    assert reverse("declaration_cancel", args=[released.pk]) in fragment

    draft = f.DeclarationFactory(enterprise=exporter_a)
    fragment = client_a.get(reverse("declaration_list_life", args=[draft.pk])).content.decode()
    assert reverse("declaration_cancel", args=[draft.pk]) not in fragment


def test_reason_and_confirmation_are_required(client_a, released):
    url = reverse("declaration_cancel", args=[released.pk])

    for data in ({"reason": "", "confirm": "on"}, {"reason": "货物未出境"}):
        response = client_a.post(url, data)
        assert response.status_code == 200
        assert response.context["form"].errors

    assert Declaration.objects.get(pk=released.pk).status == DeclarationStatus.RELEASED
    assert not RenderedMessage.objects.filter(message_type="CEB605").exists()


def test_confirmed_cancellation_sends_ceb605_with_the_reason(client_a, released, user_a):
    url = reverse("declaration_cancel", args=[released.pk])

    response = client_a.post(url, {"reason": "货物未出境，申请撤销", "confirm": "on"})

    assert response.status_code == 302
    stored = Declaration.objects.get(pk=released.pk)
    assert (stored.status, stored.cancel_reason) == (
        DeclarationStatus.CANCEL_REQUESTED,
        "货物未出境，申请撤销",
    )
    message = RenderedMessage.objects.get(declaration=released, message_type="CEB605")
    assert "<ceb:reason>货物未出境，申请撤销</ceb:reason>".encode() in bytes(message.content)
    assert (settings.OUTBOX_DIR / message.file_name).exists()
    event = StatusEvent.objects.filter(declaration=released).latest("id")
    assert (event.to_status, event.actor_id) == (DeclarationStatus.CANCEL_REQUESTED, user_a.pk)


def test_a_list_not_released_says_why_and_changes_nothing(client_a, exporter_a):
    sent = f.DeclarationFactory(enterprise=exporter_a, status=DeclarationStatus.SENT)

    page = client_a.get(reverse("declaration_cancel", args=[sent.pk]))
    response = client_a.post(reverse("declaration_cancel", args=[sent.pk]), {"reason": "x", "confirm": "on"})

    assert "<form" not in page.content.decode().split("<main>")[1]
    assert response.status_code == 302
    assert Declaration.objects.get(pk=sent.pk).status == DeclarationStatus.SENT


def test_another_tenant_gets_404_and_nothing_changes(client_b, released):
    url = reverse("declaration_cancel", args=[released.pk])

    assert client_b.get(url).status_code == 404
    assert client_b.post(url, {"reason": "x", "confirm": "on"}).status_code == 404
    assert Declaration.objects.get(pk=released.pk).status == DeclarationStatus.RELEASED
