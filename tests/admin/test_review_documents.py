"""Issue 22 part 3: review with the documents, a pending-review default, counts on the admin index, approval
after a confirmation, and a staff reviewer's portal login led to the queue."""

import re

import pytest
from django.test import Client

from declarations.choices import ReviewStatus
from tests import factories as f

pytestmark = pytest.mark.django_db

FILING_URL = "/admin/declarations/warehousefiling/"
REG_URL = "/admin/declarations/registration/"


@pytest.fixture
def submitted_filing(exporter_a):
    filing = f.WarehouseFilingFactory(
        warehouse__enterprise=exporter_a,
        warehouse__address="8 Harbour Road, Rotterdam",
        status=ReviewStatus.SUBMITTED,
    )
    document = f.WarehouseDocumentFactory(filing=filing)
    return filing, document


@pytest.mark.parametrize("who", ["reviewer_client", "admin_client_su"])
def test_filing_review_page_shows_warehouse_and_opens_the_lease(request, who, submitted_filing):
    client = request.getfixturevalue(who)
    filing, document = submitted_filing
    body = client.get(f"{FILING_URL}{filing.pk}/change/").content.decode()
    warehouse = filing.warehouse
    for fact in (warehouse.address, warehouse.country.label, "2025-01-01", "2027-12-31", "租赁"):
        assert fact in body, fact
    link = f"/filings/{filing.pk}/documents/{document.pk}/"
    assert f'href="{link}"' in body
    assert "/media/" not in body and "warehouse-filings/" not in body
    response = client.get(link)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 lease"


@pytest.mark.parametrize("who", ["reviewer_client", "admin_client_su"])
def test_registration_review_page_opens_the_attachment(request, who, exporter_a):
    client = request.getfixturevalue(who)
    registration = f.RegistrationFactory(enterprise=exporter_a, status=ReviewStatus.SUBMITTED)
    attachment = f.RegistrationAttachmentFactory(registration=registration)
    body = client.get(f"{REG_URL}{registration.pk}/change/").content.decode()
    link = f"/registrations/{registration.pk}/attachments/{attachment.pk}/"
    assert f'href="{link}"' in body
    assert exporter_a.uscc in body
    response = client.get(link)
    assert (response.status_code, b"".join(response.streaming_content)) == (200, b"%PDF-1.4 test")


def test_documents_still_refuse_other_tenants_and_plain_staff(submitted_filing, exporter_b):
    filing, document = submitted_filing
    link = f"/filings/{filing.pk}/documents/{document.pk}/"
    other = Client()
    other.force_login(f.MembershipFactory(enterprise=exporter_b).user)
    assert other.get(link).status_code == 404
    staff = Client()
    staff.force_login(f.UserFactory(is_staff=True))  # staff but not a reviewer
    assert staff.get(link).status_code == 404
    # a reviewer asking for a document under another filing's id: 404 too
    reviewer = Client()
    from declarations.services.staff import reviewer_group_ensure

    user = f.UserFactory(is_staff=True)
    user.groups.add(reviewer_group_ensure())
    reviewer.force_login(user)
    other_filing = f.WarehouseFilingFactory(warehouse__enterprise=exporter_b)
    assert reviewer.get(f"/filings/{other_filing.pk}/documents/{document.pk}/").status_code == 404


def test_pending_review_is_the_default_view(reviewer_client, exporter_a):
    pending = f.WarehouseFilingFactory(
        warehouse__enterprise=exporter_a, warehouse__name="PENDING-WH", status="submitted"
    )
    f.WarehouseFilingFactory(warehouse__enterprise=exporter_a, warehouse__name="DONE-WH", status="approved")
    body = reviewer_client.get(FILING_URL).content.decode()
    assert "PENDING-WH" in body and "DONE-WH" not in body
    body = reviewer_client.get(FILING_URL + "?review=all").content.decode()
    assert "PENDING-WH" in body and "DONE-WH" in body
    body = reviewer_client.get(FILING_URL + "?review=approved").content.decode()
    assert "PENDING-WH" not in body and "DONE-WH" in body
    assert pending.status == "submitted"


def test_admin_index_counts_pending_reviews(reviewer_client, exporter_a):
    f.WarehouseFilingFactory.create_batch(3, warehouse__enterprise=exporter_a, status="submitted")
    f.WarehouseFilingFactory(warehouse__enterprise=exporter_a, status="approved")
    f.RegistrationFactory(enterprise=exporter_a, status="submitted")
    body = reviewer_client.get("/admin/").content.decode()
    section = body[body.index('id="review-queues"') :]
    counts = re.findall(r'href="([^"]+)"><strong class="review-count">(\d+)</strong>', section)
    assert counts == [(REG_URL, "1"), (FILING_URL, "3")]


def test_approve_asks_for_confirmation_first(reviewer_client, reviewer, submitted_filing):
    filing, _document = submitted_filing
    response = reviewer_client.post(
        FILING_URL, {"action": "approve_selected", "_selected_action": [filing.pk]}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="apply"' in body and filing.warehouse.address in body
    filing.refresh_from_db()
    assert (filing.status, filing.reviewed_by) == ("submitted", None)
    response = reviewer_client.post(
        FILING_URL, {"action": "approve_selected", "_selected_action": [filing.pk], "apply": "1"}
    )
    assert response.status_code == 302
    filing.refresh_from_db()
    assert (filing.status, filing.reviewed_by) == ("approved", reviewer)


def test_staff_reviewer_portal_login_leads_to_the_review_queue(reviewer_client):
    response = reviewer_client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_member_of_an_enterprise_still_gets_the_dashboard(client, exporter_a):
    user = f.MembershipFactory(enterprise=exporter_a, user__is_staff=True).user
    client.force_login(user)
    assert client.get("/").status_code == 200
