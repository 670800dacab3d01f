"""Issue 22 in the browser: the submit confirmation (CNY value with the rate), the status history after the
release receipts arrive in shuffled order, and a copy that cannot be submitted until its numbers change."""

import os
import random
from pathlib import Path

import pytest
from django.conf import settings

from declarations.models import Declaration, Membership
from declarations.services.receipts import receipts_ingest
from declarations.services.simulation import customs_simulate
from tests import factories as f

pytestmark = pytest.mark.e2e

# Set E2E_SHOTS=<dir> to keep screenshots of these screens (1280 and 390 px) for a person to look at.
SHOTS = os.environ.get("E2E_SHOTS", "")


def _shot(page, name):
    if not SHOTS:
        return
    Path(SHOTS).mkdir(parents=True, exist_ok=True)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1024, "height": 768})


@pytest.fixture
def clean(user, codes):
    enterprise = f.EnterpriseFactory(name="历史出口有限公司")
    Membership.objects.create(user=user, enterprise=enterprise, role=Membership.Role.ADMIN)
    f.RegistrationFactory(enterprise=enterprise)
    rate = f.ExchangeRateFactory(currency_id="502", rate="7.1")  # USD: the value is shown in CNY at this rate
    declaration = f.DeclarationFactory(enterprise=enterprise, currency="502", order_no="E2E-HISTORY-1")
    f.DeclarationLineFactory(declaration=declaration, gnum=1, currency="502", price="5", total_price="500")
    from declarations.services.declarations import declaration_validate

    declaration_validate(declaration_id=declaration.pk)
    return declaration, rate


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_confirmation_then_shuffled_release_receipts(live_server, page, login, user, clean, language):
    declaration, rate = clean
    login(user)
    base = live_server.url if language == "zh-hans" else f"{live_server.url}/en"
    page.goto(f"{base}/declarations/{declaration.pk}/")
    page.click("form[action$='/submit/'] button")
    page.wait_for_selector("#submit-preview")
    value_cny = page.inner_text("#preview-value-cny")
    assert "3550 CNY" in value_cny and "7.1" in value_cny  # 500 USD × 7.1
    assert page.inner_text("#preview-order") == "E2E-HISTORY-1"
    assert [t.split()[0] for t in page.locator("#preview-messages li").all_inner_texts()] == [
        "CEB303",
        "CEB505",
        "CEB603",
    ]
    _shot(page, f"confirm-{language}")
    assert Declaration.objects.get(pk=declaration.pk).status == "draft"  # nothing sent before the confirm
    page.click("#confirm-submit button")
    page.wait_for_selector("#status-label[data-status=sent]")
    # Customs answers; the files arrive in a shuffled order (the inbox is claimed by name).
    customs_simulate(outbox_dir=settings.OUTBOX_DIR, inbox_dir=settings.INBOX_DIR, outcome="release")
    inbox = Path(settings.INBOX_DIR)
    files = sorted(inbox.glob("*.xml"))
    random.Random(22).shuffle(files)
    for i, path in enumerate(files):
        path.rename(inbox / f"{i:02d}-{path.name}")
    receipts_ingest(directory=inbox)
    page.wait_for_selector("#status-label[data-status=released]", timeout=20000)
    steps = page.locator(".timeline li").evaluate_all("items => items.map(i => i.dataset.to)")
    assert steps == ["submitted", "sent", "declaring", "accepted", "concluded", "released"]
    timeline = page.inner_text(".timeline")
    for text in ("CEB604 800", "CEB604 399", "CEB604 120", "CEB304 2"):
        assert timeline.count(text) == 1, (text, timeline)
    assert "CEB604 800" in page.inner_text("#latest-receipt")
    page.reload()  # the receipts table is outside the polled status fragment
    assert page.locator("#receipts tbody tr").count() == 8  # every receipt on the receipts table, once
    _shot(page, f"timeline-{language}")


def test_copy_cannot_be_submitted_until_its_order_number_changes(live_server, page, login, user, clean):
    declaration, _rate = clean
    login(user)
    page.goto(f"{live_server.url}/declarations/{declaration.pk}/")
    page.click("form[action$='/copy/'] button")
    page.wait_for_selector("#copy-notice")
    assert page.is_disabled(".summary form[action$='/submit/'] button")
    _shot(page, "copy-zh-hans")
    copy = Declaration.objects.exclude(pk=declaration.pk).get()
    # The confirmation, reached directly, shows the blocking finding and no confirm button.
    page.goto(f"{live_server.url}/declarations/{copy.pk}/submit/")
    assert page.locator("#preview-blocking [data-code=COPY_ORDER_NO_UNCHANGED]").count() == 1
    assert page.locator("#confirm-submit").count() == 0
    page.goto(f"{live_server.url}/en/declarations/{copy.pk}/edit/")
    _shot(page, "copy-en")
    page.fill("#id_order_no", "E2E-HISTORY-2")
    page.fill("#id_logistics_no", "SF7000000002")
    page.click("button[name=save]")
    page.wait_for_selector("#finding-counts")
    assert page.inner_text("#finding-counts").startswith("0 ")
    page.click(".summary form[action$='/submit/'] button")
    page.click("#confirm-submit button")
    page.wait_for_selector("#status-label[data-status=sent]")
    assert Declaration.objects.get(pk=copy.pk).order_no == "E2E-HISTORY-2"
