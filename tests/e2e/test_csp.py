"""The Content-Security-Policy in a real browser: the portal's pages and their behaviours (htmx, language switch,
confirm before delete, HS autocomplete, print) work, and Chromium reports no violation."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from declarations.models import Declaration, Membership
from tests import factories as f

pytestmark = pytest.mark.e2e


@pytest.fixture
def violations(page):
    seen = []
    page.on("console", lambda msg: seen.append(msg.text) if "Content Security Policy" in msg.text else None)
    page.on("pageerror", lambda error: seen.append(str(error)))
    return seen


@pytest.fixture
def exporter(transactional_db, codes):
    user = f.UserFactory(username="csp-user")
    enterprise = f.EnterpriseFactory(name="甲出口贸易有限公司")
    f.MembershipFactory(user=user, enterprise=enterprise, role=Membership.Role.ADMIN)
    f.RegistrationFactory(enterprise=enterprise)
    f.ExchangeRateFactory()
    return user, enterprise


def test_pages_and_behaviours_run_under_the_policy(live_server, page, login, exporter, violations):
    user, enterprise = exporter
    draft = f.DeclarationFactory(enterprise=enterprise, order_no="CSP-DRAFT")
    f.DeclarationLineFactory(declaration=draft, gnum=1)
    customs = f.DeclarationFactory(enterprise=enterprise, channel="customs_declaration")
    f.DeclarationLineFactory(declaration=customs, gnum=1)
    login(user)

    # htmx: the unread count loads by itself; the line "add" button posts and swaps the lines.
    with page.expect_response(lambda response: "/notifications/count/" in response.url):
        page.goto(f"{live_server.url}{reverse('declaration_create')}")
    lines = page.locator("[data-gnum]").count()
    page.click("button[hx-vals*=add]")
    # A locator assertion, not wait_for_function: a string predicate is polled through eval(), which this very
    # policy forbids whenever the first check is too early (the swap not yet done).
    expect(page.locator("[data-gnum]")).to_have_count(lines + 1)

    # data-confirm: dismissing the question keeps the draft.
    page.goto(f"{live_server.url}{reverse('declaration_detail', args=[draft.pk])}")
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.click("form[data-confirm] button")
    page.wait_for_load_state()
    assert Declaration.objects.filter(pk=draft.pk).exists()

    # data-hs-for: the catalogue's HS field gets its suggestions from htmx.
    page.goto(f"{live_server.url}{reverse('catalogue_create')}")
    page.fill("#id_gcode", "961700")
    page.wait_for_selector("#hs-catalogue option", state="attached")

    # data-print on the printable customs-declaration draft.
    page.goto(f"{live_server.url}{reverse('declaration_draft_print', args=[customs.pk])}")
    page.evaluate("window.print = () => { window.printed = true; }")
    page.click("button[data-print]")
    assert page.evaluate("window.printed") is True

    # data-autosubmit: the language switcher.
    page.goto(f"{live_server.url}{reverse('declaration_list')}")
    with page.expect_navigation():
        page.select_option("#language-form select", "en")
    assert page.locator("html").get_attribute("lang") == "en"

    assert violations == []
