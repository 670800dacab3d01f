"""Issue 22 parts 3, 4 and 6 in the browser: a reviewer opens a filing's lease from admin and approves it after
the confirmation; a released declaration's fields cannot be edited in admin; a broker reaches the import from
the menu."""

import pytest

from declarations.choices import ReviewStatus
from declarations.models import Declaration, Membership, WarehouseFiling
from declarations.services.staff import reviewer_group_ensure
from tests import factories as f
from tests.e2e.conftest import PASSWORD

pytestmark = pytest.mark.e2e

LEASE_BYTES = b"%PDF-1.4 e2e lease contract"


def _log_in(page, live_server, user, *, lands_on: str):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(f"{live_server.url}{lands_on}")


def test_reviewer_opens_the_lease_and_approves_after_confirming(live_server, page, transactional_db):
    reviewer = f.UserFactory(username="reviewer1", is_staff=True)
    reviewer.groups.add(reviewer_group_ensure())
    enterprise = f.EnterpriseFactory(name="甲出口贸易有限公司")
    filing = f.WarehouseFilingFactory(
        warehouse__enterprise=enterprise,
        warehouse__name="Rotterdam DC",
        warehouse__address="8 Harbour Road, Rotterdam",
        status=ReviewStatus.SUBMITTED,
    )
    f.WarehouseDocumentFactory(
        filing=filing, file__filename="lease.pdf", file__data=LEASE_BYTES, doc_type="lease"
    )

    # A staff reviewer logging in to the portal is led to the review queue (the admin index with its counts).
    _log_in(page, live_server, reviewer, lands_on="/admin/")
    assert page.inner_text("#review-queues .review-count >> nth=1") == "1"
    page.click("#review-queues a:has-text('海外仓备案') >> nth=0")
    page.click("text=Rotterdam DC")  # the pending queue is the default view

    # The review page shows the warehouse's data beside its documents.
    body = page.inner_text("#content")
    for fact in ("8 Harbour Road, Rotterdam", "租赁", "2025-01-01", "2027-12-31"):
        assert fact in body
    with page.expect_download() as download_info:
        page.click("a.review-document")
    with open(download_info.value.path(), "rb") as fh:
        assert fh.read() == LEASE_BYTES

    page.click("#review-approve")
    assert "8 Harbour Road, Rotterdam" in page.inner_text("#review-decision")
    filing.refresh_from_db()
    assert filing.status == ReviewStatus.SUBMITTED  # nothing decided before the confirmation
    page.click("#review-decision input[type=submit]")
    page.wait_for_selector(".messagelist .success")
    filing = WarehouseFiling.objects.get(pk=filing.pk)
    assert (filing.status, filing.reviewed_by_id) == (ReviewStatus.APPROVED, reviewer.pk)


def test_released_declaration_cannot_be_edited_in_admin(live_server, page, transactional_db):
    admin = f.UserFactory(username="admin1", is_staff=True, is_superuser=True)
    declaration = f.DeclarationFactory(status="released", order_no="RELEASED-001")
    _log_in(page, live_server, admin, lands_on="/")
    page.goto(f"{live_server.url}/admin/declarations/declaration/{declaration.pk}/change/")
    assert page.is_visible("#declaration-frozen")
    assert page.locator("input[name=order_no]").count() == 0
    assert page.locator("input[name=_save]").count() == 0
    assert "RELEASED-001" in page.inner_text("#content")
    assert Declaration.objects.get(pk=declaration.pk).order_no == "RELEASED-001"


def test_broker_reaches_the_import_from_the_menu(live_server, page, transactional_db):
    broker = f.EnterpriseFactory(name="丙报关行", is_exporter=False, is_broker=True)
    user = f.UserFactory(username="broker1")
    Membership.objects.create(user=user, enterprise=broker)
    _log_in(page, live_server, user, lands_on="/")
    page.click("#nav-imports")
    page.wait_for_url(f"{live_server.url}/imports/")
    assert page.is_visible("input[type=file][name=file]")
    assert page.inner_text("h1") == "从电子表格上传申报单"
