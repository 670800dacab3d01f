"""Issue 19 item 4: a reviewer decides and changes nothing else (regressions: moving a filing to another
warehouse, a registration to another enterprise)."""

import pytest
from django.contrib.auth.models import Permission

from declarations.choices import ReviewStatus
from declarations.services.staff import REVIEWER_PERMISSIONS, reviewer_group_ensure, reviewer_group_repair
from tests import factories as f

pytestmark = pytest.mark.django_db

FILING_URL = "/admin/declarations/warehousefiling/"
REG_URL = "/admin/declarations/registration/"


def test_reviewers_hold_no_change_permission():
    group = reviewer_group_ensure()
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert codenames == set(REVIEWER_PERMISSIONS)
    assert not any(c.startswith(("change_", "add_", "delete_")) for c in codenames)
    assert {"review_registration", "review_warehousefiling"} <= codenames


def test_post_migrate_repair_removes_old_change_permissions():
    group = reviewer_group_ensure()
    group.permissions.add(Permission.objects.get(codename="change_warehousefiling"))
    reviewer_group_repair()
    assert not group.permissions.filter(codename__startswith="change_").exists()


def test_reviewer_cannot_move_a_filing_to_another_warehouse(reviewer_client, exporter_a, exporter_b):
    filing = f.WarehouseFilingFactory(warehouse__enterprise=exporter_a, status=ReviewStatus.APPROVED)
    other = f.OverseasWarehouseFactory(enterprise=exporter_b)
    original = filing.warehouse_id
    url = f"{FILING_URL}{filing.pk}/change/"
    response = reviewer_client.post(url, {"warehouse": other.pk, "status": "approved", "reason": ""})
    assert response.status_code == 403
    filing.refresh_from_db()
    assert (filing.warehouse_id, filing.status) == (original, ReviewStatus.APPROVED)
    assert filing.history.count() == 1  # the factory's creation only


def test_reviewer_cannot_move_a_registration_to_another_enterprise(reviewer_client, exporter_a, exporter_b):
    registration = f.RegistrationFactory(enterprise=exporter_a, status=ReviewStatus.SUBMITTED)
    attachment = f.RegistrationAttachmentFactory(registration=registration)
    url = f"{REG_URL}{registration.pk}/change/"
    response = reviewer_client.post(
        url,
        {
            "enterprise": exporter_b.pk,
            "customs_office": registration.customs_office_id,
            "enterprise_type": "exporter",
        },
    )
    assert response.status_code == 403
    registration.refresh_from_db()
    assert registration.enterprise_id == exporter_a.pk
    # and so exporter_b still cannot read the first one's attachment
    member_b = f.MembershipFactory(enterprise=exporter_b).user
    from django.test import Client

    client_b = Client()
    client_b.force_login(member_b)
    assert client_b.get(f"/registrations/{registration.pk}/attachments/{attachment.pk}/").status_code == 404


def test_review_pages_are_view_only_with_no_form_fields(reviewer_client, exporter_a):
    filing = f.WarehouseFilingFactory(warehouse__enterprise=exporter_a, status=ReviewStatus.SUBMITTED)
    response = reviewer_client.get(f"{FILING_URL}{filing.pk}/change/")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="warehouse"' not in body
    assert 'name="status"' not in body
    assert 'id="review-approve"' in body  # the decision is the one thing offered


def test_staff_without_review_permission_cannot_decide(client, exporter_a):
    viewer = f.UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_warehousefiling"))
    client.force_login(viewer)
    filing = f.WarehouseFilingFactory(warehouse__enterprise=exporter_a, status=ReviewStatus.SUBMITTED)
    client.post(FILING_URL, {"action": "approve_selected", "_selected_action": [filing.pk], "apply": "1"})
    filing.refresh_from_db()
    assert (filing.status, filing.reviewed_by) == (ReviewStatus.SUBMITTED, None)
    page = client.get(f"{FILING_URL}{filing.pk}/change/").content.decode()
    assert 'id="review-approve"' not in page


def test_superuser_cannot_edit_review_records_by_hand_either(admin_client_su, exporter_a, exporter_b):
    registration = f.RegistrationFactory(enterprise=exporter_a, status=ReviewStatus.SUBMITTED)
    response = admin_client_su.post(
        f"{REG_URL}{registration.pk}/change/",
        {"enterprise": exporter_b.pk, "customs_office": registration.customs_office_id},
    )
    assert response.status_code == 403
    registration.refresh_from_db()
    assert registration.enterprise_id == exporter_a.pk
