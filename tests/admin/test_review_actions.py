"""Approve / reject in the review queues through the filings service; a rejection needs a reason."""

import pytest
from django.core import mail

from tests import factories as f

pytestmark = pytest.mark.django_db

REG_URL = "/admin/declarations/registration/"
FILING_URL = "/admin/declarations/warehousefiling/"


def _member(enterprise):
    return f.MembershipFactory(enterprise=enterprise).user


def test_bulk_approve_registrations(admin_client_su, exporter_a, django_capture_on_commit_callbacks):
    _member(exporter_a)
    regs = [
        f.RegistrationFactory(enterprise=exporter_a, status="submitted", enterprise_type=t)
        for t in ("exporter", "platform")
    ]
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client_su.post(
            REG_URL,
            {"action": "approve_selected", "_selected_action": [r.pk for r in regs], "apply": "1"},
        )
    assert response.status_code == 302
    for reg in regs:
        reg.refresh_from_db()
        assert (reg.status, reg.reviewed_by.is_superuser) == ("approved", True)
    assert len(mail.outbox) == 2


def test_reject_without_reason_is_refused_and_changes_nothing(admin_client_su, exporter_a):
    reg = f.RegistrationFactory(enterprise=exporter_a, status="submitted")
    response = admin_client_su.post(
        REG_URL, {"action": "reject_selected", "_selected_action": [reg.pk], "apply": "1", "reason": "  "}
    )
    assert response.status_code == 200  # the reason form again, with its error
    assert b'name="reason"' in response.content
    reg.refresh_from_db()
    assert (reg.status, reg.reason, reg.reviewed_at) == ("submitted", "", None)


def test_reject_asks_for_a_reason_first(admin_client_su, exporter_a):
    reg = f.RegistrationFactory(enterprise=exporter_a, status="submitted")
    response = admin_client_su.post(REG_URL, {"action": "reject_selected", "_selected_action": [reg.pk]})
    assert response.status_code == 200
    assert b'name="reason"' in response.content
    reg.refresh_from_db()
    assert reg.status == "submitted"


def test_reject_with_reason_notifies(admin_client_su, exporter_a, django_capture_on_commit_callbacks):
    user = _member(exporter_a)
    filing = f.WarehouseFilingFactory(warehouse__enterprise=exporter_a, status="submitted")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client_su.post(
            FILING_URL,
            {
                "action": "reject_selected",
                "_selected_action": [filing.pk],
                "apply": "1",
                "reason": "Lease expired",
            },
        )
    assert response.status_code == 302
    filing.refresh_from_db()
    assert (filing.status, filing.reason) == ("rejected", "Lease expired")
    assert user.notifications.get().kind == "filing_reviewed"


def test_approve_in_wrong_status_changes_nothing(admin_client_su, exporter_a):
    reg = f.RegistrationFactory(enterprise=exporter_a, status="draft")
    admin_client_su.post(
        REG_URL + "?review=all", {"action": "approve_selected", "_selected_action": [reg.pk], "apply": "1"}
    )
    reg.refresh_from_db()
    assert (reg.status, reg.reviewed_at) == ("draft", None)
