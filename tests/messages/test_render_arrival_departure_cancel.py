"""CEB507 arrival (site operator), CEB509 departure (logistics), CEB605 cancel (agent)."""

import datetime
from datetime import UTC

import pytest

from declarations.messages.ceb507 import ARRIVAL_HEAD, render_arrival
from declarations.messages.ceb509 import DEPARTURE_HEAD, render_departure
from declarations.messages.ceb605 import INVT_CANCEL, render_cancel
from declarations.messages.common import MissingField
from declarations.messages.render import render_one
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


@pytest.fixture
def released():
    operator = f.EnterpriseFactory(name="示例监管场所经营有限公司", is_exporter=False, is_site_operator=True)
    return make_business_type(
        site_operator=operator,
        domestic_traf_no="粤A12345",
        leave_time=datetime.datetime(2024, 3, 16, 9, 50, tzinfo=UTC),  # 17:50 in Shanghai
        invt_no="51412024E000000001",
    )


def test_arrival_by_the_site_operator(released):
    declaration, lines = released

    rendered = render_arrival(declaration, lines)

    root = assert_common_envelope(rendered.content, "CEB507")
    arrival_head = root.find("{*}Arrival/{*}ArrivalHead")
    omitted = {"preNo", "loctNo", "billNo", "note"}
    assert child_names(arrival_head) == [field.name for field in ARRIVAL_HEAD if field.name not in omitted]
    assert find_text(arrival_head, "ceb:operatorCode") == declaration.site_operator.ceb_code
    assert find_text(arrival_head, "ceb:operatorName") == "示例监管场所经营有限公司"
    assert find_text(arrival_head, "ceb:ieFlag") == "E"
    assert find_text(arrival_head, "ceb:domesticTrafNo") == "粤A12345"
    assert find_text(arrival_head, "ceb:copNo") == declaration.cop_no
    assert find_text(arrival_head, "ceb:msgCount") == find_text(arrival_head, "ceb:msgSeqNo") == "1"
    assert child_names(root.find("{*}Arrival/{*}ArrivalList")) == ["gnum", "logisticsNo"]
    assert find_text(root, "//ceb:ArrivalList/ceb:logisticsNo") == declaration.logistics_no
    assert find_text(root, "ceb:BaseTransfer/ceb:copCode") == declaration.site_operator.ceb_code
    assert_valid_both(rendered.content)


def test_arrival_with_own_number_and_bill(released):
    declaration, lines = released
    declaration.bill_no = "BL20240316001"
    declaration.total_package_no = "PKG-1"

    rendered = render_arrival(declaration, lines, cop_no="ARR20240316001")

    root = parse(rendered.content)
    assert find_text(root, "//ceb:ArrivalHead/ceb:copNo") == "ARR20240316001"
    assert find_text(root, "//ceb:ArrivalHead/ceb:billNo") == "BL20240316001"
    assert child_names(root.find("{*}Arrival/{*}ArrivalList")) == ["gnum", "logisticsNo", "totalPackageNo"]
    assert_valid_both(rendered.content)


def test_arrival_needs_a_site_operator():
    declaration, lines = make_business_type(domestic_traf_no="粤A12345")

    with pytest.raises(MissingField, match="operator"):
        render_arrival(declaration, lines)


def test_departure(released):
    declaration, lines = released
    declaration.voyage_no = "CA1234"

    rendered = render_departure(declaration, lines)

    root = assert_common_envelope(rendered.content, "CEB509")
    departure_head = root.find("{*}Departure/{*}DepartureHead")
    omitted = {"preNo", "trafName", "billNo", "note"}
    assert child_names(departure_head) == [
        field.name for field in DEPARTURE_HEAD if field.name not in omitted
    ]
    assert find_text(departure_head, "ceb:leaveTime") == "20240316175000"
    assert find_text(departure_head, "ceb:voyageNo") == "CA1234"
    assert find_text(departure_head, "ceb:msgCount") == find_text(departure_head, "ceb:msgSeqNo") == "1"
    assert child_names(root.find("{*}Departure/{*}DepartureList")) == ["gnum", "logisticsNo"]
    assert_valid_both(rendered.content)


def test_departure_sent_by_the_logistics_enterprise(released):
    declaration, lines = released
    declaration.total_package_no = "PKG-1"
    carrier = f.EnterpriseFactory(is_exporter=False, is_logistics=True)

    root = parse(render_departure(declaration, lines, sender=carrier).content)

    assert find_text(root, "ceb:BaseTransfer/ceb:copCode") == carrier.ceb_code
    # XSD order: totalPackageNo comes before logisticsNo in DepartureList (unlike ArrivalList).
    departure_list = root.find("{*}Departure/{*}DepartureList")
    assert child_names(departure_list) == ["gnum", "totalPackageNo", "logisticsNo"]


def test_departure_needs_the_departure_time():
    declaration, lines = make_business_type()

    with pytest.raises(MissingField, match="leaveTime"):
        render_departure(declaration, lines)


def test_cancel(released):
    declaration, lines = released

    rendered = render_cancel(declaration, lines, reason="订单取消，货物未出境")

    root = assert_common_envelope(rendered.content, "CEB605")
    cancel = root.find("{*}InvtCancel")
    assert child_names(cancel) == [field.name for field in INVT_CANCEL if field.name not in {"preNo", "note"}]
    assert find_text(cancel, "ceb:invtNo") == "51412024E000000001"
    assert find_text(cancel, "ceb:reason") == "订单取消，货物未出境"
    assert find_text(cancel, "ceb:copNo") == declaration.cop_no
    assert find_text(cancel, "ceb:agentCode") == declaration.agent.ceb_code
    assert find_text(cancel, "ceb:ebcCode") == declaration.enterprise.ceb_code
    assert find_text(root, "ceb:BaseTransfer/ceb:copCode") == declaration.agent.ceb_code
    assert_valid_both(rendered.content)


def test_cancel_reason_from_the_declaration_and_both_required(released):
    declaration, lines = released
    declaration.cancel_reason = "客户取消"
    assert find_text(parse(render_cancel(declaration, lines).content), "//ceb:reason") == "客户取消"

    declaration.cancel_reason = "  "
    with pytest.raises(MissingField, match="reason"):
        render_cancel(declaration, lines)
    declaration.invt_no = ""
    with pytest.raises(MissingField, match="invtNo"):
        render_cancel(declaration, lines, reason="客户取消")


@pytest.mark.parametrize("message_type", ["CEB507", "CEB509", "CEB605"])
def test_render_one_validates_the_on_demand_messages(released, message_type):
    declaration, lines = released

    options = {"reason": "客户取消"} if message_type == "CEB605" else {}

    rendered = render_one(message_type, declaration, lines, **options)

    assert rendered.message_type == message_type
    assert find_text(parse(rendered.content), "//ceb:appStatus") == "1"
    assert_valid_both(rendered.content)
