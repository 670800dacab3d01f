"""The declaration page says what customs accepts (change, withdrawal, and why not); both need a confirmation;
every version's messages are listed with their download links; another tenant gets nothing and changes nothing."""

import pytest
from django.urls import reverse

from declarations.choices import DeclarationStatus
from declarations.models import Declaration, RenderedMessage, StatusEvent
from tests import factories as f
from tests.amendments import returned_declaration

pytestmark = pytest.mark.django_db


@pytest.fixture
def returned(exporter_a, settings, tmp_path):
    return returned_declaration(enterprise=exporter_a, settings=settings, outbox=tmp_path / "outbox")


def _snapshot(declaration):
    stored = Declaration.objects.get(pk=declaration.pk)
    messages = sorted(RenderedMessage.objects.filter(declaration=declaration).values_list("pk", "sha256"))
    return stored.status, stored.version, stored.app_type, messages, StatusEvent.objects.count()


def test_the_card_offers_change_and_withdrawal_of_a_returned_list(client_a, returned):
    page = client_a.get(reverse("declaration_amendments", args=[returned.pk])).content.decode()
    assert reverse("declaration_change", args=[returned.pk]) in page
    assert reverse("declaration_withdraw", args=[returned.pk]) in page
    assert 'data-code="AMEND_CHANGE_ACCEPTED"' in page and 'data-code="AMEND_WITHDRAW_ACCEPTED"' in page
    for message in RenderedMessage.objects.filter(declaration=returned):
        url = reverse("declaration_message", args=[returned.pk, message.pk])
        assert f'href="{url}?download=1"' in page
    assert '<tr data-version="1"><td>1</td><td>1 新增</td>' in page


def test_the_card_says_why_not_while_customs_processes_the_list(client_a, exporter_a):
    accepted = f.DeclarationFactory(enterprise=exporter_a, status=DeclarationStatus.ACCEPTED, version=1)
    page = client_a.get(reverse("declaration_amendments", args=[accepted.pk])).content.decode()
    assert page.count('data-code="AMEND_IN_PROGRESS"') == 1  # one line: the same reason for both
    assert reverse("declaration_change", args=[accepted.pk]) not in page
    assert "海关正在处理本申报单（海关已入库）：在海关退单或放行之前，既不接受变更，也不接受删除。" in page


def test_a_draft_gets_no_card(client_a, exporter_a):
    draft = f.DeclarationFactory(enterprise=exporter_a)
    assert client_a.get(reverse("declaration_amendments", args=[draft.pk])).content.decode().strip() == ""


def test_change_needs_the_confirmation(client_a, returned):
    before = _snapshot(returned)
    response = client_a.post(reverse("declaration_change", args=[returned.pk]), {})
    assert response.status_code == 200 and response.context["form"].errors
    assert _snapshot(returned) == before


def test_confirmed_change_is_submitted_as_appType_2(client_a, returned, user_a):
    page = client_a.get(reverse("declaration_change", args=[returned.pk])).content.decode()
    assert "CEB303, CEB505, CEB603" in page and "1 → 2" in page

    response = client_a.post(reverse("declaration_change", args=[returned.pk]), {"confirm": "on"})

    assert response.status_code == 302
    stored = Declaration.objects.get(pk=returned.pk)
    assert (stored.version, stored.app_type) == (2, "2")
    assert stored.status in (DeclarationStatus.SUBMITTED, DeclarationStatus.SENT)
    event = StatusEvent.objects.filter(declaration=returned, to_status=DeclarationStatus.SUBMITTED).latest(
        "id"
    )
    assert event.actor_id == user_a.pk


def test_confirmed_withdrawal_sends_appType_3(client_a, returned):
    response = client_a.post(
        reverse("declaration_withdraw", args=[returned.pk]), {"confirm": "on", "reason": "取消"}
    )
    assert response.status_code == 302
    stored = Declaration.objects.get(pk=returned.pk)
    assert (stored.status, stored.version, stored.app_type) == (
        DeclarationStatus.WITHDRAWAL_REQUESTED,
        2,
        "3",
    )
    assert RenderedMessage.objects.filter(declaration=returned, version=2, message_type="CEB603").count() == 1


def test_a_refused_action_says_why_and_changes_nothing(client_a, exporter_a):
    released = f.DeclarationFactory(enterprise=exporter_a, status=DeclarationStatus.RELEASED, version=1)
    before = _snapshot(released)
    page = client_a.get(reverse("declaration_withdraw", args=[released.pk])).content.decode()
    response = client_a.post(reverse("declaration_withdraw", args=[released.pk]), {"confirm": "on"})
    assert 'data-code="AMEND_RELEASED"' in page and "<form method" not in page.split("<main")[1]
    assert response.status_code == 302
    assert _snapshot(released) == before


@pytest.mark.parametrize("name", ["declaration_amendments", "declaration_change", "declaration_withdraw"])
def test_another_exporter_gets_404_and_changes_nothing(client_b, returned, name):
    before = _snapshot(returned)
    url = reverse(name, args=[returned.pk])
    assert client_b.get(url).status_code == 404
    assert client_b.post(url, {"confirm": "on"}).status_code in (404, 405)  # the card is GET only
    assert _snapshot(returned) == before


@pytest.mark.parametrize("name", ["declaration_change", "declaration_withdraw"])
def test_a_broker_with_a_live_delegation_may_act(client_broker, broker_c, returned, name):
    assert client_broker.post(reverse(name, args=[returned.pk]), {"confirm": "on"}).status_code == 302
    assert Declaration.objects.get(pk=returned.pk).version == 2


@pytest.mark.parametrize("name", ["declaration_change", "declaration_withdraw"])
def test_a_broker_whose_delegation_was_revoked_changes_nothing(client_broker, broker_c, returned, name):
    from declarations.models import Delegation

    Delegation.objects.filter(broker=broker_c).update(status="ended")
    Declaration.objects.filter(pk=returned.pk).update(
        agent=broker_c
    )  # its own record: visible, not changeable
    before = _snapshot(returned)
    assert client_broker.post(reverse(name, args=[returned.pk]), {"confirm": "on"}).status_code == 403
    assert _snapshot(returned) == before
