"""CEB505 logistics waybill."""

import pytest

from declarations.messages.ceb505 import LOGISTICS, render_waybill
from declarations.messages.common import MissingField
from tests import factories as f
from tests.messages.test_render_business_types import (
    assert_common_envelope,
    assert_valid_both,
    child_names,
    find_text,
    make_business_type,
    parse,
)

pytestmark = pytest.mark.django_db


def test_waybill_values_in_xsd_order():
    declaration, lines = make_business_type()

    rendered = render_waybill(declaration, lines)

    root = assert_common_envelope(rendered.content, "CEB505")
    logistics = root.find("{http://www.chinaport.gov.cn/ceb}Logistics")
    assert child_names(logistics) == [field.name for field in LOGISTICS if field.name != "note"]
    assert find_text(logistics, "ceb:logisticsCode") == "4401980ABC"
    assert find_text(logistics, "ceb:logisticsName") == "示例国际物流有限公司"
    assert find_text(logistics, "ceb:logisticsNo") == declaration.logistics_no
    assert find_text(logistics, "ceb:freight") == "150"
    assert find_text(logistics, "ceb:insuredFee") == "0"  # required: 0 when there is none
    assert find_text(logistics, "ceb:currency") == "142"
    assert find_text(logistics, "ceb:grossWeight") == "42.5"
    assert find_text(logistics, "ceb:packNo") == "4"
    assert find_text(logistics, "ceb:goodsInfo") == "不锈钢保温杯"
    assert find_text(logistics, "ceb:ebcCode") == declaration.enterprise.ceb_code
    assert find_text(logistics, "ceb:ebcName") == declaration.enterprise.name
    assert find_text(logistics, "ceb:ebcTelephone") == "020-12345678"
    assert find_text(root, "ceb:BaseTransfer/ceb:copCode") == declaration.enterprise.ceb_code
    assert_valid_both(rendered.content)


def test_empty_telephone_is_omitted_and_goods_info_falls_back_to_the_goods_names():
    declaration, lines = make_business_type(enterprise=f.EnterpriseFactory(phone=""), goods_info="")
    lines[1].gname = "玻璃杯"

    rendered = render_waybill(declaration, lines)

    logistics = parse(rendered.content)[0]
    assert "ebcTelephone" not in child_names(logistics)
    assert find_text(logistics, "ceb:goodsInfo") == "保温杯、玻璃杯"
    assert_valid_both(rendered.content)


def test_the_logistics_enterprise_may_transmit_it():
    declaration, lines = make_business_type()
    carrier = f.EnterpriseFactory(name="示例国际物流有限公司", is_logistics=True, dxp_id="DXPLGS0000000001")

    root = parse(render_waybill(declaration, lines, sender=carrier).content)

    assert find_text(root, "ceb:BaseTransfer/ceb:copCode") == carrier.ceb_code
    assert find_text(root, "ceb:BaseTransfer/ceb:dxpId") == "DXPLGS0000000001"


def test_waybill_number_is_required():
    declaration, lines = make_business_type(logistics_no="")

    with pytest.raises(MissingField, match="logisticsNo"):
        render_waybill(declaration, lines)
