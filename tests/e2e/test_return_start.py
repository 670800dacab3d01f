"""Issue 25 part 1 in the browser: an exporter starts a return of two lines of a released 9710 declaration from
its page, sees the summary with the eligibility under announcement 2026 No. 16 before saving, saves it and
downloads the return 报关单 draft."""

import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from declarations.choices import Channel, DeclarationStatus
from declarations.models import DeclarationReturn, Membership, StatusEvent
from tests import factories as f
from tests.e2e.test_history_and_confirm import _shot

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_exporter_returns_two_lines_and_downloads_the_draft(live_server, page, login, user, codes, language):
    enterprise = f.EnterpriseFactory(name="退运出口有限公司")
    Membership.objects.create(user=user, enterprise=enterprise, role=Membership.Role.ADMIN)
    declaration = f.DeclarationFactory(
        enterprise=enterprise,
        channel=Channel.LIST,
        status=DeclarationStatus.RELEASED,
        version=1,
        order_no="E2E-RETURN-1",
        invt_no="514120260000000777",
        ie_date=datetime.date.today() - datetime.timedelta(days=40),
    )
    f.DeclarationLineFactory(declaration=declaration, gnum=1)
    f.DeclarationLineFactory(
        declaration=declaration,
        gnum=2,
        gcode="8518300000",
        gname="蓝牙耳机",
        qty=Decimal("50"),
        qty1=Decimal("50"),
        price=Decimal("12.5"),
        total_price=Decimal("625"),
    )
    f.DeclarationLineFactory(declaration=declaration, gnum=3, gname="充电线")
    login(user)
    base = live_server.url if language == "zh-hans" else f"{live_server.url}/en"
    page.goto(f"{base}/declarations/{declaration.pk}/")
    page.wait_for_selector("#start-return")
    _shot(page, f"return-entry-{language}")
    page.click("#start-return")
    page.fill("#id_qty_1", "30")
    page.fill("#id_qty_2", "51")  # more than was exported: refused on that line
    page.select_option("#id_reason", "buyer_return")
    page.check("#id_original_state")
    page.check("#id_vat_refund_claimed")
    page.click("#return-form button[type=submit]")
    page.wait_for_selector("#return-form .error")
    assert "51" in page.inner_text("#return-lines")
    _shot(page, f"return-error-{language}")
    page.fill("#id_qty_2", "50")
    page.click("#return-form button[type=submit]")
    page.wait_for_selector("#return-summary")
    assert page.get_attribute("#tax-free-verdict", "data-eligible") == "yes"
    assert page.locator("#tax-free li[data-passed=yes]").count() == 6
    assert "出口货物补税/未退税证明" in page.inner_text("#vat-refund-note")
    _shot(page, f"return-confirm-{language}")
    assert DeclarationReturn.objects.count() == 0  # nothing stored before the confirmation
    with page.expect_navigation():
        page.click("#return-confirm button.primary")
    page.wait_for_selector("#return-draft-xlsx")
    goods_return = DeclarationReturn.objects.get()
    assert sorted((row.line.gnum, row.qty) for row in goods_return.lines.all()) == [
        (1, Decimal("30")),
        (2, Decimal("50")),
    ]
    _shot(page, f"return-detail-{language}")
    with page.expect_download() as download:
        page.click("#return-draft-xlsx")
    workbook = load_workbook(io.BytesIO(open(download.value.path(), "rb").read()))
    header = {row[1]: row[2] for row in workbook["Header"].iter_rows(min_row=2, values_only=True)}
    assert header["监管方式"] == "4561" and header["原清单编号"] == "514120260000000777"
    goods = [(row[1], row[6]) for row in workbook["Goods"].iter_rows(min_row=3, values_only=True)]
    assert goods == [(1, 30), (2, 50)]
    page.goto(f"{base}/declarations/{declaration.pk}/returns/{goods_return.pk}/draft/")
    _shot(page, f"return-draft-{language}")
    page.goto(f"{base}/declarations/{declaration.pk}/")
    page.wait_for_selector("#returns-list")
    assert StatusEvent.objects.get(declaration=declaration).note in page.inner_text(".timeline")
