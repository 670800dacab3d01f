"""Onboarding → 9710 list declaration → submit → simulated receipts → released, in a real browser."""

import pytest
from django.conf import settings

from declarations.choices import ReviewStatus
from declarations.models import Declaration, Registration
from declarations.services.filings import registration_review
from declarations.services.receipts import receipts_ingest
from declarations.services.simulation import customs_simulate
from tests import factories as f
from tests.documents import real_pdf
from tests.e2e.helpers import fill_head, fill_line

pytestmark = pytest.mark.e2e


def test_onboarding_to_release(live_server, page, login, user, codes, tmp_path):
    login(user)
    base = live_server.url
    # Onboarding: the enterprise profile, with the USCC checked as the user types.
    page.goto(f"{base}/enterprises/new/")
    page.fill("#id_name", "端到端出口有限公司")
    page.fill("#id_uscc", f.make_uscc(4242)[:-1] + "0")
    page.wait_for_selector("#check-uscc .error")
    page.fill("#id_uscc", f.make_uscc(4242))
    page.wait_for_selector("#check-uscc .ok")
    page.fill("#id_customs_code", "4401961234")
    page.check("#id_is_exporter")
    page.select_option("#id_home_office", "5141")
    page.click("form.card button[type=submit]")
    page.wait_for_url(f"{base}/enterprises/")
    # Registration with an attachment, submitted and approved by customs.
    page.goto(f"{base}/registrations/new/")
    page.select_option("#id_enterprise", index=1)
    page.select_option("#id_customs_office", "5141")
    page.select_option("#id_enterprise_type", "exporter")
    page.click("form.card button[type=submit]")
    pdf = tmp_path / "licence.pdf"
    pdf.write_bytes(real_pdf("licence"))  # a real PDF: uploads are checked by structure
    page.fill("#id_title", "营业执照")
    page.set_input_files("#id_file", str(pdf))
    with page.expect_navigation():
        page.click("form[enctype] button[type=submit]")
    with page.expect_navigation():
        page.click("form[action$='/submit/'] button")
    registration = Registration.objects.get()
    assert registration.status == ReviewStatus.SUBMITTED
    registration_review(registration=registration, approve=True)
    f.ExchangeRateFactory()
    # The declaration.
    page.goto(f"{base}/declarations/new/")
    fill_head(page)
    fill_line(page, 0)
    page.click("button[name=save]")
    page.wait_for_selector("#finding-counts")
    assert page.inner_text("#finding-counts").startswith("0 ")
    page.click(".summary form[action$='/submit/'] button")
    page.click("#confirm-submit button")  # the confirmation of what will be sent
    page.wait_for_selector("#status-label[data-status=sent]")
    declaration = Declaration.objects.get()
    # Customs answers; the page follows without a reload.
    customs_simulate(outbox_dir=settings.OUTBOX_DIR, inbox_dir=settings.INBOX_DIR, outcome="release")
    receipts_ingest(directory=settings.INBOX_DIR)
    page.wait_for_selector("#status-label[data-status=released]", timeout=20000)
    declaration.refresh_from_db()
    assert declaration.status == "released"
    assert "800" in page.inner_text("#declaration-status")
