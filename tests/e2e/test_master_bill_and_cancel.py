"""A broker files a master bill for three released lists from the browser and follows it to acceptance; an
exporter cancels a released list with a reason and a confirmation."""

import datetime
import os
from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import translation

from declarations.choices import DeclarationStatus
from declarations.models import Declaration, MasterBill, Membership, RenderedMessage
from declarations.services.receipts import receipts_ingest
from declarations.services.simulation import customs_simulate
from tests import factories as f

pytestmark = pytest.mark.e2e
SHOTS = os.environ.get("E2E_SCREENSHOTS")  # a folder: also save what the user saw, to look at


def _shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def _released(agent, n):
    return f.DeclarationFactory(
        agent=agent,
        status=DeclarationStatus.RELEASED,
        invt_no=f"51412026E{n:09d}",
        gross_weight=Decimal("42.5"),
        submitted_at=datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC),
    )


@pytest.fixture
def exchange(settings, tmp_path):
    settings.OUTBOX_DIR = tmp_path / "outbox"
    settings.INBOX_DIR = tmp_path / "inbox"


@pytest.mark.parametrize("language,width", [("zh-hans", 1280), ("en", 390)])
def test_broker_files_a_master_bill(live_server, page, login, user, codes, exchange, language, width):
    broker = f.EnterpriseFactory(name="丙报关行", is_exporter=False, is_broker=True)
    Membership.objects.create(user=user, enterprise=broker, role=Membership.Role.ADMIN)
    lists = [_released(broker, n) for n in (1, 2, 3)]
    page.set_viewport_size({"width": width, "height": 900})
    login(user)
    prefix = "/en" if language == "en" else ""
    if language == "en":
        page.goto(f"{live_server.url}/en/")

    page.click(f"nav.mainnav a[href='{prefix}/master-bills/']")
    page.click(f"a[href='{prefix}/master-bills/new/']")
    for d in lists:
        page.check(f"#list-{d.pk}")
    page.click("button[name=action][value=prefill]")
    assert page.input_value("#id_gross_weight") == "127.5"
    assert page.input_value("#id_customs_code") == "5141"
    page.fill("#id_traf_name", "粤A12345")
    page.fill("#id_voyage_no", "20261205")
    page.fill("#id_bill_no", "MBL-E2E-1")
    _shot(page, f"master-bill-form-{language}-{width}")
    page.click("button[name=action][value=save]")
    page.wait_for_selector("h1:has-text('MBL-E2E-1')")
    bill = MasterBill.objects.get()

    page.click(f"a[href='{prefix}/master-bills/{bill.pk}/submit/']")
    page.wait_for_selector("text=CEB607")
    _shot(page, f"master-bill-confirm-{language}-{width}")
    assert MasterBill.objects.get().status == "draft"
    page.click("form.actions button[type=submit]")
    page.wait_for_selector(".messages li")
    assert MasterBill.objects.get().status == "sent"

    customs_simulate(outbox_dir=settings.OUTBOX_DIR, inbox_dir=settings.INBOX_DIR)
    receipts_ingest(directory=settings.INBOX_DIR)
    page.reload()
    with translation.override(language):
        accepted = str(MasterBill.Status.ACCEPTED.label)
    assert page.locator("dd.status-accepted").inner_text().strip() == accepted
    _shot(page, f"master-bill-detail-{language}-{width}")

    page.goto(f"{live_server.url}{prefix}/declarations/{lists[0].pk}/")
    page.wait_for_selector("#list-life-card")
    assert "MBL-E2E-1" in page.inner_text("#list-life-card")


@pytest.mark.parametrize("language,width", [("zh-hans", 390), ("en", 1280)])
def test_exporter_cancels_a_released_list(live_server, page, login, user, codes, exchange, language, width):
    enterprise = f.EnterpriseFactory()
    Membership.objects.create(user=user, enterprise=enterprise, role=Membership.Role.ADMIN)
    released = f.DeclarationFactory(
        enterprise=enterprise, status=DeclarationStatus.RELEASED, version=1, invt_no="51412026E000000001"
    )
    f.DeclarationLineFactory(declaration=released, gnum=1)
    page.set_viewport_size({"width": width, "height": 900})
    login(user)
    prefix = "/en" if language == "en" else ""
    page.goto(f"{live_server.url}{prefix}/declarations/{released.pk}/")

    page.click(f"a[href='{prefix}/declarations/{released.pk}/cancel/']")
    page.fill("#id_reason", "货物未出境")
    _shot(page, f"cancel-form-{language}-{width}")
    page.click("form button.danger")  # without the confirmation tick: refused, nothing sent
    page.wait_for_selector(".field.has-error")
    assert Declaration.objects.get(pk=released.pk).status == DeclarationStatus.RELEASED
    page.check("#id_confirm")
    page.click("form button.danger")
    page.wait_for_url(f"{live_server.url}{prefix}/declarations/{released.pk}/")
    assert Declaration.objects.get(pk=released.pk).status == DeclarationStatus.CANCEL_REQUESTED
    _shot(page, f"cancel-done-{language}-{width}")


@pytest.mark.parametrize("language,width", [("zh-hans", 390), ("en", 1280)])
def test_site_operator_sends_arrival_for_a_batch(
    live_server, page, login, user, codes, exchange, language, width
):
    operator = f.EnterpriseFactory(name="示例监管场所经营有限公司", is_exporter=False, is_site_operator=True)
    Membership.objects.create(user=user, enterprise=operator, role=Membership.Role.ADMIN)
    agent = f.EnterpriseFactory()
    lists = [_released(agent, n) for n in (1, 2)]
    Declaration.objects.filter(pk__in=[d.pk for d in lists]).update(site_operator=operator)
    page.set_viewport_size({"width": width, "height": 900})
    login(user)
    prefix = "/en" if language == "en" else ""
    page.goto(f"{live_server.url}{prefix}/")

    page.click(f"nav.mainnav a[href='{prefix}/arrivals/']")
    for d in lists:
        page.check(f"#list-{d.pk}")
    page.fill("#id_domestic_traf_no", "粤A12345")
    _shot(page, f"arrival-form-{language}-{width}")
    page.click("form button.primary")
    page.wait_for_selector("input[name=confirmed]", state="attached")
    _shot(page, f"arrival-confirm-{language}-{width}")
    assert not RenderedMessage.objects.filter(message_type="CEB507").exists()
    page.click("form.actions button.primary")
    page.wait_for_selector(".messages li")
    assert RenderedMessage.objects.filter(message_type="CEB507").count() == 2
