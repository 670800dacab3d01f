"""Filling the declaration form in the browser."""

import datetime

HEAD = {
    "order_no": "E2E-ORDER-1",
    "customs_code": "5141",
    "port_code": "5141",
    "ebp_code": "无",
    "ebp_name": "Example Global B2B Marketplace",
    "logistics_code": "4401980ABC",
    "logistics_name": "示例国际物流有限公司",
    "logistics_no": "SF9000000001",
    "traf_mode": "4",
    "country": "502",
    "pod": "502",
    "currency": "142",
    "freight": "150",
    "insured_fee": "0",
    "wrap_type": "2",
    "pack_no": "4",
    "gross_weight": "42.5",
    "net_weight": "40",
    "goods_info": "不锈钢保温杯",
}
LINE = {
    "item_no": "SKU-0001",
    "item_name": "不锈钢保温杯",
    "gcode": "9617001100",
    "gname": "保温杯",
    "gmodel": "不锈钢|500ml|无品牌",
    "country": "502",
    "currency": "142",
    "qty": "100",
    "unit": "007",
    "qty1": "100",
    "unit1": "007",
    "price": "32",
    "total_price": "3200",
}


# Coded fields are code pickers (tom-select over a <select>, declarations/widgets.py): picked, not typed in.
HEAD_PICKED = {"customs_code", "port_code", "traf_mode", "country", "currency", "wrap_type"}
LINE_PICKED = {"country", "currency", "unit", "unit1", "unit2"}


def pick(page, select_id: str, query: str, value: str | None = None) -> None:
    """Pick with the keyboard: focus the picker, type ``query`` (a code or a name), wait until the search for it
    has run (tom-select refreshes 300 ms after the last key) and the option ``value`` (default: the query) is the
    highlighted one, press Enter; the <select> then holds the code."""
    value = query if value is None else value
    for attempt in range(3):
        # On a loaded machine a keystroke can reach the control before tom-select has opened its search:
        # type the query again (the search box is cleared first) rather than fail on a lost key.
        page.locator(f"#{select_id}-ts-control").focus()
        page.keyboard.press("Control+A")
        page.keyboard.type(query)
        try:
            _wait_active(page, select_id, query, value, timeout=10_000 if attempt < 2 else None)
            break
        except Exception as timeout:
            if attempt < 2:
                continue
            state = page.evaluate(
                "([id]) => { const p = document.getElementById(id).tomselect;"
                " return [p.lastQuery, p.activeOption && p.activeOption.dataset.value]; }",
                [select_id],
            )
            raise AssertionError(
                f"{select_id}: typed {query!r}, expected {value!r} highlighted, got {state!r}"
            ) from timeout
    page.keyboard.press("Enter")
    page.wait_for_function(
        "([id, value]) => document.getElementById(id).value === value", arg=[select_id, value]
    )


def _wait_active(page, select_id, query, value, timeout=None):
    page.wait_for_function(
        """([id, query, value]) => {
            const picker = document.getElementById(id).tomselect;
            return picker.lastQuery === query && picker.activeOption
                && picker.activeOption.dataset.value === value;
        }""",
        arg=[select_id, query, value],
        timeout=timeout,
    )


def fill_head(page, **overrides):
    values = {**HEAD, "ie_date": datetime.date.today().isoformat(), **overrides}
    for name, value in values.items():
        if name in HEAD_PICKED:
            pick(page, f"id_{name}", value)
        else:
            page.fill(f"#id_{name}", value)


def fill_line(page, index, **overrides):
    for name, value in {**LINE, **overrides}.items():
        if name in LINE_PICKED:
            pick(page, f"id_lines-{index}-{name}", value)
        else:
            page.fill(f"#id_lines-{index}-{name}", value)
