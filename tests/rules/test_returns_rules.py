"""The pure rules of a return (退运) and the conditions of the tax-free return under 2026 No. 16."""

import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from declarations.rules.returns import (
    FOOD_HS_CHAPTERS,
    LineState,
    add_months,
    check_return,
    is_food,
    returned_value,
    tax_free,
    tax_free_checks,
)

D = Decimal
EXPORT = datetime.date(2026, 3, 10)
LINES = [LineState(1, D("100"), D("0"), "9617001100"), LineState(2, D("50"), D("20"), "8518300000")]
REASONS = ["unsold", "buyer_return", "quality", "other"]


def _check(**overrides):
    args = dict(
        status="released",
        status_label="已放行",
        lines=LINES,
        quantities={1: D("10")},
        reason="unsold",
        reason_note="",
        return_date=datetime.date(2026, 5, 1),
        export_date=EXPORT,
        port_code="5141",
        known_ports={"5141"},
        reasons=REASONS,
    )
    args.update(overrides)
    return check_return(**args)


def _codes(found):
    return [(c.code, c.field, c.gnum) for c in found]


def test_a_good_return_has_no_finding():
    assert _check() == []
    assert _check(status="closed", quantities={1: D("100"), 2: D("30")}) == []


@pytest.mark.parametrize("status", ["draft", "sent", "accepted", "rejected", "cancelled", "cancel_requested"])
def test_only_released_goods_come_back(status):
    assert _codes(_check(status=status)) == [("RETURN_NOT_RELEASED", "declaration", None)]


def test_no_line_chosen():
    assert _codes(_check(quantities={})) == [("RETURN_NO_LINES", "lines", None)]
    assert _codes(_check(quantities={1: D("0"), 2: D("0")})) == [("RETURN_NO_LINES", "lines", None)]


def test_quantity_above_what_is_left_names_the_line_and_the_figures():
    found = _check(quantities={1: D("10"), 2: D("30.5")})
    assert _codes(found) == [("RETURN_QTY_ABOVE_REMAINING", "qty", 2)]
    with translation.override("en"):
        assert found[0].message == (
            "Line 2: 30.5 come back, but only 30 of the 50 exported can (20 returned before)."
        )
    with translation.override("zh-hans"):
        assert "30.5" in found[0].message and found[0].message != (
            "Line 2: 30.5 come back, but only 30 of the 50 exported can (20 returned before)."
        )


def test_exactly_what_is_left_is_accepted():
    assert _check(quantities={2: D("30")}) == []


def test_negative_and_unknown_lines():
    assert _codes(_check(quantities={1: D("-1"), 7: D("1")})) == [
        ("RETURN_QTY_NOT_POSITIVE", "qty", 1),
        ("RETURN_UNKNOWN_LINE", "lines", 7),
    ]


def test_reason_date_and_port():
    assert _codes(_check(reason="", return_date=datetime.date(2026, 3, 9), port_code="9999")) == [
        ("RETURN_REASON_REQUIRED", "reason", None),
        ("RETURN_DATE_BEFORE_EXPORT", "return_date", None),
        ("RETURN_UNKNOWN_PORT", "port_code", None),
    ]
    assert _codes(_check(reason="other", reason_note="  ")) == [
        ("RETURN_REASON_NOTE_REQUIRED", "reason_note", None)
    ]


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (datetime.date(2026, 3, 10), 6, datetime.date(2026, 9, 10)),
        (datetime.date(2026, 8, 31), 6, datetime.date(2027, 2, 28)),
        (datetime.date(2027, 12, 31), 6, datetime.date(2028, 6, 30)),
    ],
)
def test_add_months(day, months, expected):
    assert add_months(day, months) == expected


def _tax(**overrides):
    args = dict(
        mode="9710",
        export_date=EXPORT,
        return_date=datetime.date(2026, 9, 10),
        original_state=True,
        reason="buyer_return",
        reason_label="退货",
        returned_lines=[LINES[0]],
    )
    args.update(overrides)
    return tax_free_checks(**args)


def _failed(checks):
    return [c.code for c in checks if not c.passed]


def test_eligible_return_passes_every_condition():
    checks = _tax()
    assert [c.code for c in checks] == [
        "TAXFREE_MODE",
        "TAXFREE_EXPORT_PERIOD",
        "TAXFREE_SIX_MONTHS",
        "TAXFREE_ORIGINAL_STATE",
        "TAXFREE_REASON",
        "TAXFREE_NOT_FOOD",
    ]
    assert tax_free(checks) is True
    with translation.override("en"):
        assert checks[2].message == "Returned on 2026-09-10, within 6 months of export (by 2026-09-10)."


@pytest.mark.parametrize(
    ("overrides", "failed"),
    [
        ({"return_date": datetime.date(2026, 9, 11)}, ["TAXFREE_SIX_MONTHS"]),
        (
            {"export_date": datetime.date(2025, 12, 31), "return_date": datetime.date(2026, 1, 5)},
            ["TAXFREE_EXPORT_PERIOD"],
        ),
        (
            {"export_date": datetime.date(2028, 1, 1), "return_date": datetime.date(2028, 2, 1)},
            ["TAXFREE_EXPORT_PERIOD"],
        ),
        ({"export_date": None}, ["TAXFREE_EXPORT_PERIOD", "TAXFREE_SIX_MONTHS"]),
        ({"original_state": False}, ["TAXFREE_ORIGINAL_STATE"]),
        ({"reason": "quality", "reason_label": "品质"}, ["TAXFREE_REASON"]),
        ({"mode": "0110"}, ["TAXFREE_MODE"]),
        ({"returned_lines": [LineState(3, D("5"), gcode="0901210000"), LINES[0]]}, ["TAXFREE_NOT_FOOD"]),
        (
            {"returned_lines": [LineState(4, D("5"), gcode="3924100000", inspection="R/S")]},
            ["TAXFREE_NOT_FOOD"],
        ),
    ],
)
def test_each_failed_condition_says_why(overrides, failed):
    checks = _tax(**overrides)
    assert _failed(checks) == failed
    assert tax_free(checks) is False


def test_food_lines_are_named():
    checks = _tax(
        returned_lines=[LineState(3, D("5"), gcode="2009110000"), LineState(1, D("1"), gcode="0401100000")]
    )
    with translation.override("en"):
        assert checks[-1].message.startswith("Line(s) 1, 3 are food")


def test_food_is_hs_chapters_01_to_24_or_inspection_r():
    assert FOOD_HS_CHAPTERS == {f"{n:02d}" for n in range(1, 25)}
    assert is_food(gcode="2401101000") and not is_food(gcode="2501001100")
    assert is_food(gcode="9617001100", inspection="r") and not is_food(gcode="9617001100", inspection="N")


def test_returned_value_keeps_the_total_of_a_whole_line():
    assert returned_value(qty=D("3"), exported_qty=D("3"), price=D("3.33333"), total_price=D("10")) == D("10")
    assert returned_value(qty=D("2"), exported_qty=D("3"), price=D("3.333335"), total_price=D("10")) == D(
        "6.66667"
    )
