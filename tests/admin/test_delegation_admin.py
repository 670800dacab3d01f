"""Django admin keeps its view of delegations: list, add and change as before, with the new status, scope and
events read-only; ending goes through the service and leaves an event."""

import pytest
from django.urls import reverse

from declarations.models import Delegation, DelegationEvent
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_changelist_and_change_page_show_status_scope_and_events(admin_client_su):
    delegation = f.DelegationFactory(status="pending", modes=["9710"], offices=["5141"], agreement_no="DL-9")
    f.DelegationEventFactory(delegation=delegation, kind="requested", note="please act for us")
    listing = admin_client_su.get(reverse("admin:declarations_delegation_changelist"))
    assert listing.status_code == 200
    assert "DL-9" not in listing.content.decode()  # not a column; the parties are
    assert delegation.exporter.name in listing.content.decode()

    page = admin_client_su.get(reverse("admin:declarations_delegation_change", args=[delegation.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "please act for us" in html
    assert 'name="status"' not in html and 'name="modes"' not in html  # read-only
    assert 'name="broker"' not in html and 'name="exporter"' not in html  # the parties are fixed once added
    assert 'name="agreement_no"' in html and 'name="valid_until"' in html
    assert "5141" in html


def test_admin_adds_a_live_delegation_as_before(admin_client_su):
    broker = f.EnterpriseFactory(is_exporter=False, is_broker=True)
    exporter = f.EnterpriseFactory()
    response = admin_client_su.post(
        reverse("admin:declarations_delegation_add"),
        {
            "broker": broker.pk,
            "exporter": exporter.pk,
            "agreement_no": "DL-1",
            "valid_until": "",
            "note": "",
            "events-TOTAL_FORMS": "0",
            "events-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    delegation = Delegation.objects.get()
    assert (delegation.status, delegation.initiated_by) == ("accepted", "admin")
    assert Delegation.objects.live().filter(pk=delegation.pk).exists()
    assert list(DelegationEvent.objects.values_list("kind", "side")) == [("recorded", "admin")]


def test_admin_ends_through_the_service(admin_client_su, superuser):
    delegation = f.DelegationFactory()
    response = admin_client_su.post(
        reverse("admin:declarations_delegation_changelist"),
        {"action": "end_delegations", "_selected_action": [delegation.pk]},
    )
    assert response.status_code == 302
    delegation.refresh_from_db()
    assert delegation.status == "ended"
    event = DelegationEvent.objects.get(delegation=delegation)
    assert (event.kind, event.side, event.actor) == ("ended", "admin", superuser)
