"""Code pickers in the browser: a new declaration is filled without typing a code, by the keyboard, in zh-hans
and in English, header and goods lines (one of them added by htmx); what is stored is the code."""

import pytest

from declarations.models import Country, Currency, Declaration, Membership, PackingType, TransportMode, Unit
from tests import factories as f
from tests.e2e.helpers import HEAD, LINE, pick

pytestmark = pytest.mark.e2e

# (field, what the user types, the code it should pick) per language: names, never the code itself.
HEAD_PICKS = {
    "zh-hans": [
        ("traf_mode", "航空", "5"),
        ("country", "美国", "502"),
        ("currency", "美元", "502"),
        ("wrap_type", "纸箱", "2"),
        ("customs_code", "广州机场", "5141"),
        ("port_code", "5141", "5141"),
    ],
    "en": [
        ("traf_mode", "air", "5"),
        ("country", "united st", "502"),
        ("currency", "USD", "502"),
        ("wrap_type", "carton", "2"),
        ("customs_code", "5141", "5141"),
        ("port_code", "广州机场", "5141"),  # the Chinese name finds it in English too
    ],
}
LINE_PICKS = {
    "zh-hans": [
        ("country", "美国", "502"),
        ("currency", "美元", "502"),
        ("unit", "个", "007"),
        ("unit1", "007", "007"),
    ],
    "en": [
        ("country", "united states", "502"),
        ("currency", "us dollar", "502"),
        ("unit", "piece", "007"),
        ("unit1", "个", "007"),
    ],
}
LABELS = {"zh-hans": ("502 美国", "5 航空运输"), "en": ("502 United States", "5 Air")}


@pytest.fixture
def english_names(codes):
    # The English names of these tables are filled from the fixtures by the code-table work; set the few used.
    TransportMode.objects.filter(code="5").update(name_en="Air")
    Unit.objects.filter(code="007").update(name_en="piece")
    PackingType.objects.filter(kind="ceb", code="2").update(name_en="Carton")
    assert Country.objects.get(code="502").name_en == "United States"
    assert Currency.objects.get(code="502").iso_code == "USD"


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("width", [1280, 390])
def test_pick_every_code_by_keyboard_and_save(
    live_server, page, login, user, english_names, language, width, tmp_path
):
    enterprise = f.EnterpriseFactory()
    Membership.objects.create(user=user, enterprise=enterprise, role=Membership.Role.ADMIN)
    f.RegistrationFactory(enterprise=enterprise)
    f.ExchangeRateFactory()
    login(user)
    page.set_viewport_size({"width": width, "height": 900})
    prefix = "/en" if language == "en" else ""
    page.goto(f"{live_server.url}{prefix}/declarations/new/")

    for name, value in HEAD.items():
        if name not in {field for field, _query, _code in HEAD_PICKS[language]}:
            page.fill(f"#id_{name}", value)
    page.fill("#id_order_no", f"E2E-PICK-{language}-{width}")
    for field, query, code in HEAD_PICKS[language]:
        pick(page, f"id_{field}", query, code)
    picked_line = {field for field, _query, _code in LINE_PICKS[language]}
    for name, value in LINE.items():
        if name not in picked_line:
            page.fill(f"#id_lines-0-{name}", value)
    for field, query, code in LINE_PICKS[language]:
        pick(page, f"id_lines-0-{field}", query, code)

    page.click("#lines > button")  # add a line: htmx re-renders the lines, pickers and their values included
    page.wait_for_selector("#id_lines-1-unit-ts-control")
    assert page.input_value("#id_lines-0-unit") == "007"
    for name, value in LINE.items():
        if name not in picked_line:
            page.fill(f"#id_lines-1-{name}", value)
    page.fill("#id_lines-1-item_no", "SKU-0002")
    for field, query, code in LINE_PICKS[language]:
        pick(page, f"id_lines-1-{field}", query, code)
    page.screenshot(path=tmp_path / f"form-{language}-{width}.png", full_page=True)

    page.click("button[name=save]")
    page.wait_for_selector("#finding-counts")
    declaration = Declaration.objects.get(order_no=f"E2E-PICK-{language}-{width}")
    assert (declaration.traf_mode, declaration.country, declaration.currency, declaration.wrap_type) == (
        "5",
        "502",
        "502",
        "2",
    )
    assert (declaration.customs_code, declaration.port_code) == ("5141", "5141")
    lines = list(declaration.lines.order_by("gnum"))
    assert [(line.country, line.currency, line.unit, line.unit1) for line in lines] == [
        ("502", "502", "007", "007")
    ] * 2
    # The saved form shows the names beside the codes, in the page's language.
    country, transport = LABELS[language]
    assert page.inner_text("[data-field=country] .ts-control .item") == country
    assert page.inner_text("[data-field=traf_mode] .ts-control .item") == transport

    page.goto(f"{live_server.url}{prefix}/declarations/{declaration.pk}/")
    body = page.inner_text("main")
    assert country in body and ("100 个" if language == "zh-hans" else "100 piece") in body
    assert "3200.00 USD" in body
    page.screenshot(path=tmp_path / f"detail-{language}-{width}.png", full_page=True)
