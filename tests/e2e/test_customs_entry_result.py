"""Issue 22 part 2 in the browser: a 报关单-channel declaration accepted by customs gets its entry number and
result recorded by the user; the status moves and the result shows in the timeline."""

import datetime

import pytest

from declarations.choices import Channel, DeclarationStatus
from declarations.models import Declaration, Membership
from tests import factories as f
from tests.e2e.test_history_and_confirm import _shot

pytestmark = pytest.mark.e2e

ENTRY_NO = "514120261000012345"


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_record_inspection_then_release(live_server, page, login, user, codes, language):
    enterprise = f.EnterpriseFactory(name="报关单出口有限公司")
    Membership.objects.create(user=user, enterprise=enterprise, role=Membership.Role.ADMIN)
    declaration = f.DeclarationFactory(
        enterprise=enterprise,
        channel=Channel.CUSTOMS_DECLARATION,
        status=DeclarationStatus.ACCEPTED,
        version=1,
        order_no="E2E-ENTRY-1",
    )
    f.DeclarationLineFactory(declaration=declaration, gnum=1)
    login(user)
    base = live_server.url if language == "zh-hans" else f"{live_server.url}/en"
    page.goto(f"{base}/declarations/{declaration.pk}/")
    page.click("#record-customs-result")
    page.fill("#id_entry_no", "51412026100001234")  # 17 digits: refused, naming the field
    page.select_option("#id_result", "inspection")
    page.click("#customs-result-form button[type=submit]")
    page.wait_for_selector("#customs-result-form .error, #customs-result-form .errorlist")
    _shot(page, f"entry-error-{language}")
    assert Declaration.objects.get(pk=declaration.pk).status == "accepted"
    page.fill("#id_entry_no", ENTRY_NO)
    with page.expect_navigation():
        page.click("#customs-result-form button[type=submit]")
    page.wait_for_selector("#status-label[data-status=inspection]")
    page.click("#record-customs-result")
    page.fill("#id_entry_no", ENTRY_NO)
    page.select_option("#id_result", "released")
    page.fill("#id_result_date", datetime.date.today().isoformat())
    with page.expect_navigation():
        page.click("#customs-result-form button[type=submit]")
    page.wait_for_selector("#status-label[data-status=released]")
    steps = page.locator(".timeline li").evaluate_all("items => items.map(i => i.dataset.to)")
    assert steps == ["inspection", "released"]
    assert page.inner_text(".timeline").count(ENTRY_NO) == 2
    assert ENTRY_NO in page.inner_text("#latest-receipt")
    _shot(page, f"entry-released-{language}")
