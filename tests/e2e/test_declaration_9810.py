"""A 9810 declaration to a filed overseas warehouse, saved and submitted in the browser."""

import pytest

from declarations.models import Declaration, Membership
from tests import factories as f
from tests.e2e.helpers import fill_head, fill_line

pytestmark = pytest.mark.e2e


def test_9810_with_warehouse(live_server, page, login, user, codes):
    enterprise = f.EnterpriseFactory(name="海外仓出口有限公司")
    Membership.objects.create(user=user, enterprise=enterprise, role=Membership.Role.ADMIN)
    f.RegistrationFactory(enterprise=enterprise)
    f.ExchangeRateFactory()
    filing = f.WarehouseFilingFactory(warehouse__enterprise=enterprise, warehouse__name="Ontario DC")
    login(user)
    page.goto(f"{live_server.url}/declarations/new/")
    page.select_option("#id_mode", "9810")
    page.select_option("#id_warehouse", str(filing.warehouse_id))
    fill_head(page, order_no="E2E-9810-1", ebp_name="Ontario DC")
    fill_line(page, 0)
    page.click("button[name=save]")
    page.wait_for_selector("#finding-counts")
    declaration = Declaration.objects.get()
    assert (declaration.mode, declaration.warehouse_id) == ("9810", filing.warehouse_id)
    assert [d for d in declaration.findings if d["severity"] == "error"] == []
    page.click(".summary form[action$='/submit/'] button")
    page.click("#confirm-submit button")  # the confirmation of what will be sent
    page.wait_for_selector("#status-label[data-status=sent]")
    assert sorted(declaration.messages.values_list("message_type", flat=True)) == [
        "CEB303",
        "CEB505",
        "CEB603",
    ]
