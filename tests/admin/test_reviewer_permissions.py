"""Reviewers review registrations and filings but cannot change declarations."""

import pytest
from django.contrib.auth.models import Group

from declarations.services.staff import REVIEWER_PERMISSIONS, reviewer_group_ensure
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_group_is_idempotent():
    reviewer_group_ensure()
    group = reviewer_group_ensure()
    assert Group.objects.filter(name="reviewers").count() == 1
    assert sorted(group.permissions.values_list("codename", flat=True)) == sorted(REVIEWER_PERMISSIONS)


def test_reviewer_can_approve(reviewer_client, exporter_a):
    reg = f.RegistrationFactory(enterprise=exporter_a, status="submitted")
    response = reviewer_client.post(
        "/admin/declarations/registration/",
        {"action": "approve_selected", "_selected_action": [reg.pk], "apply": "1"},
    )
    assert response.status_code == 302
    reg.refresh_from_db()
    assert reg.status == "approved"


def test_reviewer_can_view_but_not_change_declarations(reviewer_client, reviewer, exporter_a):
    declaration = f.DeclarationFactory(enterprise=exporter_a, order_no="KEEP-1")
    url = f"/admin/declarations/declaration/{declaration.pk}/change/"
    assert reviewer_client.get(url).status_code == 200
    assert reviewer_client.post(url, {"order_no": "CHANGED"}).status_code == 403
    response = reviewer_client.post(
        "/admin/declarations/declaration/", {"action": "revalidate", "_selected_action": [declaration.pk]}
    )
    declaration.refresh_from_db()
    assert declaration.order_no == "KEEP-1"
    assert declaration.findings == []
    assert not reviewer.has_perm("declarations.change_declaration")
    assert response.status_code in (200, 302)  # action unknown to a viewer: the changelist, nothing run


def test_reviewer_cannot_reach_code_table_changes(reviewer_client):
    assert reviewer_client.get("/admin/declarations/exchangerate/add/").status_code == 403
