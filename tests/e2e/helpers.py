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


def fill_head(page, **overrides):
    values = {**HEAD, "ie_date": datetime.date.today().isoformat(), **overrides}
    for name, value in values.items():
        page.fill(f"#id_{name}", value)


def fill_line(page, index, **overrides):
    for name, value in {**LINE, **overrides}.items():
        page.fill(f"#id_lines-{index}-{name}", value)
