"""An exporter corrects a list customs returned (退单) and declares it again as a change from the browser: the page
says what customs accepts, the confirmation says what is sent, and every version's messages stay listed."""

import os

import pytest

from declarations.choices import DeclarationStatus
from declarations.models import Declaration, Membership
from declarations.services.receipts import receipts_ingest
from declarations.services.simulation import customs_simulate
from tests import factories as f
from tests.amendments import returned_declaration

pytestmark = pytest.mark.e2e
SHOTS = os.environ.get("E2E_SCREENSHOTS")  # a folder: also save what the user saw, to look at


def _shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


@pytest.mark.parametrize("language,width", [("zh-hans", 1280), ("en", 390), ("zh-hans", 390), ("en", 1280)])
def test_exporter_declares_a_returned_list_again_as_a_change(
    live_server, page, login, user, codes, settings, tmp_path, language, width
):
    settings.INBOX_DIR = tmp_path / "inbox"
    enterprise = f.EnterpriseFactory()
    Membership.objects.create(user=user, enterprise=enterprise, role=Membership.Role.ADMIN)
    returned = returned_declaration(enterprise=enterprise, settings=settings, outbox=tmp_path / "outbox")
    for path in settings.OUTBOX_DIR.glob("*.xml"):  # version 1 was answered already
        path.unlink()
    page.set_viewport_size({"width": width, "height": 900})
    login(user)
    prefix = "/en" if language == "en" else ""
    detail = f"{live_server.url}{prefix}/declarations/{returned.pk}/"

    page.goto(detail)
    page.wait_for_selector("#amendments-card li[data-code=AMEND_CHANGE_ACCEPTED]")
    assert page.locator("#amendments-card li[data-code=AMEND_WITHDRAW_ACCEPTED]").count() == 1
    _shot(page, f"change-returned-detail-{language}-{width}")

    # corrected in the form
    page.goto(f"{live_server.url}{prefix}/declarations/{returned.pk}/edit/")
    page.fill("#id_goods_info", "不锈钢真空保温杯")
    page.click("button[name=save]")
    page.wait_for_selector("#finding-counts")
    assert Declaration.objects.get(pk=returned.pk).goods_info == "不锈钢真空保温杯"

    page.goto(detail)
    page.click("#declare-change")
    page.wait_for_selector("text=CEB303, CEB505, CEB603")
    _shot(page, f"change-confirm-{language}-{width}")
    page.click("form button.primary")  # without the confirmation tick: refused, nothing sent
    page.wait_for_selector(".field.has-error")
    assert Declaration.objects.get(pk=returned.pk).version == 1
    page.check("#id_confirm")
    page.click("form button.primary")
    page.wait_for_url(detail)
    page.wait_for_selector("#status-label[data-status=sent]")
    stored = Declaration.objects.get(pk=returned.pk)
    assert (stored.version, stored.app_type) == (2, "2")

    customs_simulate(outbox_dir=settings.OUTBOX_DIR, inbox_dir=settings.INBOX_DIR, outcome="release")
    receipts_ingest(directory=settings.INBOX_DIR)
    page.wait_for_selector("#status-label[data-status=released]", timeout=20000)
    page.reload()
    page.wait_for_selector("#message-versions tr[data-version='2']")
    assert page.inner_text("#message-versions tr[data-version='2']").split()[-1].endswith("CEB603")
    assert page.locator("#message-versions tr[data-version='1'] a").count() == 3
    assert Declaration.objects.get(pk=returned.pk).status == DeclarationStatus.RELEASED
    _shot(page, f"change-released-{language}-{width}")


@pytest.mark.parametrize("language,width", [("en", 1280), ("zh-hans", 390)])
def test_exporter_withdraws_a_returned_list(
    live_server, page, login, user, codes, settings, tmp_path, language, width
):
    settings.INBOX_DIR = tmp_path / "inbox"
    enterprise = f.EnterpriseFactory()
    Membership.objects.create(user=user, enterprise=enterprise, role=Membership.Role.ADMIN)
    returned = returned_declaration(enterprise=enterprise, settings=settings, outbox=tmp_path / "outbox")
    for path in settings.OUTBOX_DIR.glob("*.xml"):
        path.unlink()
    page.set_viewport_size({"width": width, "height": 900})
    login(user)
    prefix = "/en" if language == "en" else ""
    detail = f"{live_server.url}{prefix}/declarations/{returned.pk}/"

    page.goto(detail)
    page.click("#withdraw-list")
    page.fill("#id_reason", "订单取消")
    page.check("#id_confirm")
    _shot(page, f"withdraw-confirm-{language}-{width}")
    page.click("form button.danger")
    page.wait_for_url(detail)
    assert Declaration.objects.get(pk=returned.pk).status == DeclarationStatus.WITHDRAWAL_REQUESTED

    customs_simulate(outbox_dir=settings.OUTBOX_DIR, inbox_dir=settings.INBOX_DIR, outcome="release")
    receipts_ingest(directory=settings.INBOX_DIR)
    page.reload()
    page.wait_for_selector("#message-versions tr[data-version='2']")
    assert Declaration.objects.get(pk=returned.pk).status == DeclarationStatus.WITHDRAWN
    assert page.locator("#amendments-card [data-code=AMEND_FINISHED]").count() == 1
    _shot(page, f"withdraw-done-{language}-{width}")
