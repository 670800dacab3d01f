"""The classification assistant in a real browser: three goods lines found from Chinese descriptions in the
SAMPLE tariff, each filling its code, legal units and declaration elements; saved without findings."""

import pytest

from declarations.choices import ReviewStatus
from declarations.models import Declaration
from declarations.selectors_classify import classification_caches_clear
from declarations.services.tariff import tariff_load_sample
from tests import factories as f
from tests.e2e.helpers import fill_head, pick

pytestmark = pytest.mark.e2e

PRODUCTS = [
    # description typed, code expected, legal units, elements typed, quantities (qty, qty1, qty2)
    (
        "蓝牙耳机",
        "8518300000",
        ("007", "035"),
        ["4", "3", "听音乐", "是", "示例牌", "E1"],
        ("10", "10", "1.5"),
    ),
    (
        "塑料手机壳",
        "3926909090",
        ("035", ""),
        ["4", "3", "保护手机", "塑料", "示例牌", "C1"],
        ("20", "2", ""),
    ),
    ("LED灯泡", "8539520000", ("007", ""), ["4", "3", "照明", "9W", "示例牌", "L1"], ("30", "30", "")),
]


@pytest.fixture
def exporter(user, codes):
    tariff_load_sample()
    classification_caches_clear()
    enterprise = f.EnterpriseFactory(name="归类助手测试有限公司")
    f.MembershipFactory(user=user, enterprise=enterprise)
    f.RegistrationFactory(enterprise=enterprise, customs_office_id="5141", status=ReviewStatus.APPROVED)
    f.ExchangeRateFactory()
    yield enterprise
    classification_caches_clear()


@pytest.mark.parametrize("language, width", [("zh-hans", 1280), ("en", 390)])
def test_assistant_fills_three_lines_from_chinese_descriptions(
    live_server, page, login, user, exporter, language, width
):
    page.set_viewport_size({"width": width, "height": 900})
    login(user)
    prefix = "/en" if language == "en" else ""
    page.goto(f"{live_server.url}{prefix}/declarations/new/")
    fill_head(page, goods_info="蓝牙耳机等")
    for index, (description, code, (unit1, unit2), elements, (qty, qty1, qty2)) in enumerate(PRODUCTS):
        if index:
            page.click("#lines > button[hx-vals*='add']")
            page.wait_for_selector(f"#classify-{index}")
        # htmx has bound the box (a swapped-in line is processed just after it appears).
        page.wait_for_function(
            "id => { const el = document.getElementById(id); "
            "return !!(el && el['htmx-internal-data'] && el['htmx-internal-data'].initHash); }",
            arg=f"classify-{index}",
        )
        page.fill(f"#classify-{index}", description)
        first = page.locator(f"#classify-results-{index} .classify-choice").first
        first.wait_for()
        assert first.locator(".classify-code").inner_text() == code
        assert first.locator(".why-tariff").count() == 1  # says why: the tariff's name
        first.click()
        inputs = page.locator(f"#line-{index + 1} .classify-elements input")
        inputs.first.wait_for()
        assert inputs.count() == len(elements)
        for position, value in enumerate(elements):
            inputs.nth(position).fill(value)
        assert page.input_value(f"#id_lines-{index}-gcode") == code
        assert page.input_value(f"#id_lines-{index}-unit1") == unit1
        assert page.input_value(f"#id_lines-{index}-unit2") == unit2
        assert page.input_value(f"#id_lines-{index}-gname") == description
        assert page.input_value(f"#id_lines-{index}-gmodel") == "|".join(elements)
        facts = page.inner_text(f"#line-{index + 1} [data-tariff-facts]")
        assert code in facts and unit1 in facts
        pick(page, f"id_lines-{index}-country", "502")  # coded fields are pickers
        pick(page, f"id_lines-{index}-unit", "007")
        for name, value in {
            "item_no": f"SKU-{index + 1}",
            "qty": qty,
            "qty1": qty1,
            "qty2": qty2,
            "price": "5",
            "total_price": str(int(qty) * 5),
        }.items():
            page.fill(f"#id_lines-{index}-{name}", value)
    page.click("button[name=save]")
    page.wait_for_selector("#finding-counts")
    assert page.inner_text("#finding-counts").startswith("0 ")
    declaration = Declaration.objects.get()
    saved = [(line.gcode, line.unit1, line.unit2, line.gmodel) for line in declaration.lines.order_by("gnum")]
    assert saved == [(code, u1, u2, "|".join(el)) for _d, code, (u1, u2), el, _q in PRODUCTS]
    # The saved line shows what the tariff says about it.
    assert "8518300000" in page.inner_text("#line-1 [data-tariff-facts]")
