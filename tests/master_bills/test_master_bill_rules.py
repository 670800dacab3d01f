"""The master bill's rules are pure: required head fields, one office and carrier, declared lists, weight."""

from decimal import Decimal
from types import SimpleNamespace

from django.utils import translation

from declarations.rules.master_bill import MasterBillList, check_master_bill
from tests.master_bills.conftest import HEAD

# Every code these tests make fire; test_a_clean_bill_has_no_finding is their clean twin.
COVERED = {
    "MB_NO_LISTS",
    "MB_LIST_NOT_DECLARED",
    "MB_OTHER_OFFICE",
    "MB_OTHER_LOGISTICS",
    "MB_LIST_ON_OTHER_BILL",
    "MB_GROSS_WEIGHT_BELOW_LISTS",
}


def _bill(**changes):
    return SimpleNamespace(**{**{"loct_no": "", "domestic_traf_no": "", "note": ""}, **HEAD, **changes})


def _list(n=1, **changes):
    values = dict(
        cop_no=f"COP{n}",
        invt_no=f"51412026E{n:09d}",
        customs_code="5141",
        logistics_code="4401980ABC",
        gross_weight=Decimal("42.5"),
        declared=True,
    )
    values.update(changes)
    return MasterBillList(**values)


def _codes(findings):
    return [(f.code, f.field, f.gnum) for f in findings]


def test_a_clean_bill_has_no_finding():
    assert check_master_bill(_bill(), [_list(1), _list(2), _list(3)]) == []


def test_required_head_fields_are_named():
    findings = check_master_bill(_bill(traf_name=" ", voyage_no="", bill_no="", gross_weight=None), [_list()])
    assert _codes(findings) == [
        ("REQUIRED", "trafName", None),
        ("REQUIRED", "voyageNo", None),
        ("REQUIRED", "billNo", None),
        ("REQUIRED", "grossWeight", None),
    ]


def test_no_list_is_an_error():
    assert _codes(check_master_bill(_bill(), [])) == [("MB_NO_LISTS", "lists", None)]


def test_each_list_must_be_declared_with_a_list_number():
    findings = check_master_bill(_bill(), [_list(1), _list(2, invt_no=""), _list(3, declared=False)])
    assert _codes(findings) == [("MB_LIST_NOT_DECLARED", "lists", 2), ("MB_LIST_NOT_DECLARED", "lists", 3)]
    assert findings[0].params == {"cop_no": "COP2"}


def test_lists_share_office_and_carrier():
    findings = check_master_bill(
        _bill(), [_list(1), _list(2, customs_code="5208"), _list(3, logistics_code="4401999XYZ")]
    )
    assert _codes(findings) == [
        ("MB_OTHER_OFFICE", "customsCode", 2),
        ("MB_OTHER_LOGISTICS", "logisticsCode", 3),
    ]
    assert findings[0].params == {"cop_no": "COP2", "found": "5208", "expected": "5141"}


def test_a_list_on_another_live_bill_is_refused():
    findings = check_master_bill(_bill(), [_list(1, other_bill_no="MBL-OLD")])
    assert _codes(findings) == [("MB_LIST_ON_OTHER_BILL", "lists", 1)]
    assert findings[0].params == {"cop_no": "COP1", "bill_no": "MBL-OLD"}


def test_gross_weight_below_the_lists_names_the_difference():
    findings = check_master_bill(_bill(gross_weight=Decimal("100")), [_list(1), _list(2), _list(3)])
    assert _codes(findings) == [("MB_GROSS_WEIGHT_BELOW_LISTS", "grossWeight", None)]
    assert findings[0].params == {"weight": "100", "total": "127.5", "difference": "27.5"}
    with translation.override("en"):
        assert findings[0].message == (
            "The gross weight 100 kg is 27.5 kg below the total gross weight of the lists (127.5 kg)."
        )
