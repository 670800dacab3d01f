"""A finding on goods line 2 is shown on line 2, after adding the line with htmx."""

import pytest

from declarations.models import Membership
from tests import factories as f
from tests.e2e.helpers import fill_head, fill_line

pytestmark = pytest.mark.e2e


def test_error_shown_on_the_right_line(live_server, page, login, user, codes):
    enterprise = f.EnterpriseFactory()
    Membership.objects.create(user=user, enterprise=enterprise, role=Membership.Role.ADMIN)
    f.RegistrationFactory(enterprise=enterprise)
    f.ExchangeRateFactory()
    login(user)
    page.goto(f"{live_server.url}/declarations/new/")
    fill_head(page, order_no="E2E-LINES-1")
    fill_line(page, 0)
    page.click("#lines > button")  # add a line (htmx re-renders the lines)
    page.wait_for_selector("#id_lines-1-item_no")
    assert page.input_value("#id_lines-0-item_no") == "SKU-0001"
    fill_line(page, 1, item_no="SKU-0002", gcode="0000000000")
    page.click("button[name=save]")
    page.wait_for_selector("#finding-counts")
    assert page.locator("#line-2 [data-field=gcode] .finding").count() == 1
    assert page.locator("#line-1 .finding").count() == 0
