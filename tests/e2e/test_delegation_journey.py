"""Issue 25 part 2 in the browser: broker C asks to act for a second exporter, that exporter accepts, broker C
uploads a workbook for it, the exporter ends the delegation, and broker C's next page, API call and upload for it
are refused. Both sides follow the delegation's events."""

import os

import pytest
from rest_framework.authtoken.models import Token

from declarations.models import CustomsOffice, Declaration, Delegation, Membership
from tests import factories as f
from tests.e2e.conftest import PASSWORD
from tests.e2e.helpers import pick
from tests.spreadsheets.conftest import fill_template, goods_row, head_row

pytestmark = pytest.mark.e2e
SHOTS = os.environ.get("E2E_SCREENSHOTS")

TEXT = {
    "zh-hans": {"pending": "待出口企业确认", "accepted": "已接受", "ended": "已终止", "nav": "代理委托"},
    "en": {
        "pending": "Awaiting the exporter",
        "accepted": "Accepted",
        "ended": "Ended",
        "nav": "Delegations",
    },
}


def _shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def _session(browser, live_server, user, *, width: int, language: str):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15000)
    page.on("dialog", lambda dialog: dialog.accept())  # the confirmations (data-confirm) are answered yes
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    if language == "en":
        page.goto(f"{live_server.url}/en/")
    return page


def _open_delegations(page, prefix):
    page.click(f"nav.mainnav a[href='{prefix}/delegations/']")
    page.wait_for_url(f"**{prefix}/delegations/")


def _upload(page, live_server, prefix, path) -> str:
    page.goto(f"{live_server.url}{prefix}/imports/")
    page.set_input_files("input[type=file][name=file]", str(path))
    page.uncheck("input[name=dry_run]")
    page.click("form[enctype='multipart/form-data'] button[type=submit]")
    page.wait_for_url("**/imports/*/")
    page.wait_for_selector("[data-count=reject]")
    return page.url


@pytest.mark.parametrize("language,width", [("zh-hans", 1280), ("en", 390), ("en", 1280), ("zh-hans", 390)])
def test_broker_asks_exporter_accepts_then_ends(live_server, browser, codes, tmp_path, language, width):
    text, prefix = TEXT[language], ("/en" if language == "en" else "")
    office = CustomsOffice.objects.get(code="5141")
    exporter_a = f.EnterpriseFactory(name="甲出口贸易有限公司")
    exporter_b = f.EnterpriseFactory(name="乙出口贸易有限公司", name_en="Yi Export Co.")
    f.RegistrationFactory(enterprise=exporter_b, customs_office=office)
    broker = f.EnterpriseFactory(name="丙报关行", is_exporter=False, is_broker=True)
    f.DelegationFactory(broker=broker, exporter=exporter_a)
    broker_user = f.UserFactory(username="broker_c")
    Membership.objects.create(user=broker_user, enterprise=broker, role=Membership.Role.ADMIN)
    exporter_user = f.UserFactory(username="exporter_b")
    Membership.objects.create(user=exporter_user, enterprise=exporter_b, role=Membership.Role.ADMIN)
    own = f.DeclarationFactory(
        enterprise=exporter_b,
        agent=exporter_b,
        cop_no="B-OWN-1",
        order_no="B-OWN-ORDER",
        logistics_no="SFOWN00001",
    )
    tag = f"{language}-{width}"

    # Broker C asks to act for exporter B (found by its USCC), 9710 at 5141.
    as_broker = _session(browser, live_server, broker_user, width=width, language=language)
    _open_delegations(as_broker, prefix)
    assert as_broker.inner_text("h1") == text["nav"]
    as_broker.click("#delegation-request")
    as_broker.fill("#id_code", exporter_b.uscc)
    as_broker.check("input[name=modes][value='9710']")
    pick(as_broker, "id_offices", "5141")
    as_broker.fill("#id_valid_until", "2099-12-31")
    _shot(as_broker, f"{tag}-1-broker-request-form")
    as_broker.click("form button.primary")
    as_broker.wait_for_url("**/delegations/*/")
    assert as_broker.inner_text("#delegation-status") == text["pending"]
    _shot(as_broker, f"{tag}-2-broker-request-sent")
    delegation = Delegation.objects.get(exporter=exporter_b)
    assert (delegation.status, delegation.modes, delegation.offices) == ("pending", ["9710"], ["5141"])

    # Exporter B finds the request from the menu and accepts it (after the confirmation).
    as_exporter = _session(browser, live_server, exporter_user, width=width, language=language)
    _open_delegations(as_exporter, prefix)
    _shot(as_exporter, f"{tag}-3-exporter-list-pending")
    as_exporter.click(f"tr[data-delegation='{delegation.pk}'] a")
    as_exporter.click("#delegation-accept")
    as_exporter.wait_for_function(
        "(t) => document.getElementById('delegation-status').innerText === t", arg=text["accepted"]
    )
    _shot(as_exporter, f"{tag}-4-exporter-accepted")

    # Broker C uploads a workbook for exporter B: stored, with C as agent.
    book = tmp_path / "b.xlsx"
    book.write_bytes(fill_template([head_row(exporter_b, 1)], [goods_row("COP-00001")]))
    _upload(as_broker, live_server, prefix, book)
    assert as_broker.inner_text("[data-count=create]") == "1"
    uploaded = Declaration.objects.get(cop_no="COP-00001")
    assert (uploaded.enterprise, uploaded.agent) == (exporter_b, broker)
    assert as_broker.goto(f"{live_server.url}{prefix}/declarations/{own.pk}/").status == 200

    # Exporter B ends the delegation.
    as_exporter.click("#delegation-end")
    as_exporter.wait_for_function(
        "(t) => document.getElementById('delegation-status').innerText === t", arg=text["ended"]
    )
    kinds = as_exporter.eval_on_selector_all(
        "#delegation-events li", "items => items.map(i => i.dataset.kind)"
    )
    assert kinds == ["requested", "accepted", "ended"]
    _shot(as_exporter, f"{tag}-5-exporter-ended")

    # Broker C: the next page, API call and upload for exporter B are refused.
    assert as_broker.goto(f"{live_server.url}{prefix}/declarations/{own.pk}/").status == 404
    assert as_broker.goto(f"{live_server.url}{prefix}/declarations/{uploaded.pk}/edit/").status == 403
    token = Token.objects.create(user=broker_user).key
    api = as_broker.request
    headers = {"Authorization": f"Token {token}"}
    assert api.get(f"{live_server.url}/api/declarations/{own.pk}/", headers=headers).status == 404
    patch = api.patch(
        f"{live_server.url}/api/declarations/{uploaded.pk}/", headers=headers, data={"orderNo": "CHANGED"}
    )
    assert patch.status == 403
    book.write_bytes(fill_template([head_row(exporter_b, 2)], [goods_row("COP-00002")]))
    _upload(as_broker, live_server, prefix, book)
    assert as_broker.inner_text("[data-count=create]") == "0"
    assert as_broker.inner_text("[data-count=reject]") == "1"
    assert as_broker.is_visible("#import-errors tr[data-code=NOT_PERMITTED]")
    _shot(as_broker, f"{tag}-6-broker-upload-refused")
    assert not Declaration.objects.filter(cop_no="COP-00002").exists()

    # The broker sees the same events on its side.
    as_broker.goto(f"{live_server.url}{prefix}/delegations/{delegation.pk}/")
    assert as_broker.inner_text("#delegation-status") == text["ended"]
    assert as_broker.locator("#delegation-end").count() == 0
    _shot(as_broker, f"{tag}-7-broker-sees-ended")
    as_broker.context.close()
    as_exporter.context.close()
