"""POST bodies for the declaration form, built from field values."""

import datetime

from declarations.forms import HEAD_FIELDS, LINE_FIELDS

HEAD = {
    "mode": "9710",
    "channel": "",
    "order_no": "WEB-ORDER-1",
    "customs_code": "5141",
    "port_code": "5141",
    "ebp_code": "无",
    "ebp_name": "Example Global B2B Marketplace",
    "logistics_code": "4401980ABC",
    "logistics_name": "示例国际物流有限公司",
    "logistics_no": "SF0000000001",
    "ie_date": datetime.date.today().isoformat(),
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
    "bar_code": "无",
    "country": "502",
    "currency": "142",
    "qty": "100",
    "unit": "007",
    "qty1": "100",
    "unit1": "007",
    "price": "32",
    "total_price": "3200",
}


def declaration_post(*, enterprise, lines=None, initial_forms=None, **head) -> dict:
    lines = [dict(LINE)] if lines is None else lines
    data = {name: "" for name in HEAD_FIELDS}
    data.update(HEAD, enterprise=str(enterprise.pk), agent="", warehouse="")
    data.update({k: str(v) for k, v in head.items()})
    data["lines-TOTAL_FORMS"] = str(len(lines))
    data["lines-INITIAL_FORMS"] = str(len(lines) if initial_forms is None else initial_forms)
    data["lines-MIN_NUM_FORMS"] = "1"
    data["lines-MAX_NUM_FORMS"] = "1000"
    for i, line in enumerate(lines):
        for name in LINE_FIELDS:
            value = line.get(name, "")
            if isinstance(value, bool):
                if value:
                    data[f"lines-{i}-{name}"] = "on"
                continue
            data[f"lines-{i}-{name}"] = str(value)
    return data
