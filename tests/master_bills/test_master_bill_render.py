"""CEB607 (清单总分单) renders in XSD order and validates against our and the official 202205 XSD."""

import datetime

import pytest

from declarations.messages.ceb607 import WAYBILL_HEAD, WAYBILL_LIST, render_master_bill
from declarations.messages.common import MissingField
from declarations.messages.render import render_master_bill_message
from declarations.models import MasterBill
from declarations.services.master_bills import master_bill_create
from tests.master_bills.conftest import HEAD
from tests.messages.test_render_business_types import assert_valid_both, child_names, find_text, parse

pytestmark = pytest.mark.django_db


@pytest.fixture
def bill(agent, three_lists):
    return master_bill_create(agent=agent, declarations=three_lists, head=dict(HEAD, loct_no="5141W001"))


def test_master_bill_head_and_lists_in_xsd_order(bill, three_lists):
    items = list(bill.items.order_by("gnum"))
    at = datetime.datetime(2026, 12, 5, 10, 30, tzinfo=datetime.UTC)

    rendered = render_master_bill(bill, items, at=at)

    root = parse(rendered.content)
    assert rendered.message_type == "CEB607"
    assert child_names(root) == ["WayBill", "BaseTransfer"]
    way_bill = root[0]
    assert child_names(way_bill) == ["WayBillHead", "WayBillList", "WayBillList", "WayBillList"]
    head = way_bill[0]
    expected = [f.name for f in WAYBILL_HEAD if f.name not in ("preNo", "domesticTrafNo", "note")]
    assert child_names(head) == expected
    assert find_text(head, "ceb:appTime") == "20261205183000"
    assert find_text(head, "ceb:agentCode") == bill.agent.ceb_code
    assert find_text(head, "ceb:billNo") == "MBL-2026-000123"
    assert find_text(head, "ceb:grossWeight") == "130"
    assert (find_text(head, "ceb:msgCount"), find_text(head, "ceb:msgSeqNo")) == ("1", "1")
    assert [child_names(item) for item in way_bill[1:]] == [["gnum", "logisticsNo", "invtNo"]] * 3
    assert [find_text(item, "ceb:invtNo") for item in way_bill[1:]] == [d.invt_no for d in three_lists]
    assert [find_text(item, "ceb:logisticsNo") for item in way_bill[1:]] == [
        d.logistics_no for d in three_lists
    ]
    assert {f.name for f in WAYBILL_LIST} >= {"gnum", "logisticsNo", "invtNo"}
    assert_valid_both(rendered.content)


def test_finished_message_is_validated(bill):
    rendered = render_master_bill_message(bill, list(bill.items.all()))
    assert rendered.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    assert_valid_both(rendered.content)


def test_a_required_head_field_missing_raises(bill):
    bill = MasterBill.objects.get(pk=bill.pk)
    bill.voyage_no = ""
    with pytest.raises(MissingField, match="WayBillHead.voyageNo"):
        render_master_bill(bill, list(bill.items.all()))


def test_no_list_raises(bill):
    with pytest.raises(MissingField, match="WayBillList"):
        render_master_bill(bill, [])
