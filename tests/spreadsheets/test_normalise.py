"""Cell normalisation, in the one place that does it."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from declarations.spreadsheets.columns import GOODS_COLUMNS, HEAD_COLUMNS
from declarations.spreadsheets.reader import (
    normalise,
    normalise_code,
    normalise_date,
    normalise_decimal,
    normalise_flag,
    normalise_integer,
)

COLUMN = {c.key: c for c in (*HEAD_COLUMNS, *GOODS_COLUMNS)}
GOODS = {c.key: c for c in GOODS_COLUMNS}


@pytest.mark.parametrize(
    ("value", "width", "expected"),
    [
        (8517620000.0, 0, "8517620000"),
        (8517620000, 0, "8517620000"),
        ("８５１７６２００００", 0, "8517620000"),
        (" 8517 6200 00\u3000", 0, "8517620000"),
        (7.0, 3, "007"),
        ("7", 3, "7"),  # text stays as typed: the rules report its length
        ("007", 3, "007"),
        ("0x7", 3, "0x7"),
        (None, 0, ""),
    ],
)
def test_code(value, width, expected):
    assert normalise_code(value, width=width) == expected


def test_dropdown_entry_keeps_only_the_code():
    assert normalise("502 美国", GOODS["country"]) == "502"
    assert normalise("007 个", GOODS["unit"]) == "007"
    assert normalise("9617 0011 00", GOODS["gcode"]) == "9617001100"  # no dropdown: spaces removed


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (42.5, Decimal("42.5")),
        (0.1, Decimal("0.1")),
        (8517620000.0, Decimal("8517620000")),
        (3, Decimal("3")),
        ("１２３．５", Decimal("123.5")),
        (" 1,234.50 ", Decimal("1234.50")),
        ("", None),
        (None, None),
        ("heavy", "heavy"),
        ("nan", "nan"),
    ],
)
def test_decimal(value, expected):
    assert normalise_decimal(value) == expected


@pytest.mark.parametrize(("value", "expected"), [(4.0, 4), ("４", 4), ("4.5", "4.5"), ("", None), ("x", "x")])
def test_integer(value, expected):
    assert normalise_integer(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (45658, datetime.date(2025, 1, 1)),
        (45658.75, datetime.date(2025, 1, 1)),
        (datetime.datetime(2025, 3, 1, 8, 30), datetime.date(2025, 3, 1)),
        (datetime.date(2025, 3, 1), datetime.date(2025, 3, 1)),
        ("2025-03-01", datetime.date(2025, 3, 1)),
        ("2025/3/1", datetime.date(2025, 3, 1)),
        ("2025.03.01", datetime.date(2025, 3, 1)),
        ("2025年3月1日", datetime.date(2025, 3, 1)),
        ("20250301", datetime.date(2025, 3, 1)),
        ("２０２５－０３－０１", datetime.date(2025, 3, 1)),
        ("2025-03-01 00:00:00", datetime.date(2025, 3, 1)),
        ("2025-02-31", "2025-02-31"),
        ("soon", "soon"),
        ("", None),
    ],
)
def test_date(value, expected):
    assert normalise_date(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Y", True),
        ("y ", True),
        ("是", True),
        (True, True),
        (1.0, True),
        ("N", False),
        ("否", False),
        (None, False),
        ("", False),
        ("maybe", "maybe"),
    ],
)
def test_flag(value, expected):
    assert normalise_flag(value) == expected


def test_free_text_keeps_characters_but_not_edge_spaces():
    assert normalise("\u3000 不锈钢|500ml，无品牌  ", GOODS["gmodel"]) == "不锈钢|500ml，无品牌"


@given(st.decimals(min_value=0, max_value=10**9, places=5, allow_nan=False))
def test_decimal_text_round_trips(number):
    assert normalise_decimal(format(number, "f")) == number


@given(st.integers(min_value=0, max_value=10**15))
def test_whole_float_codes_lose_the_fraction(number):
    assert normalise_code(float(number)) == str(int(float(number)))


@given(st.dates(min_value=datetime.date(1900, 3, 1), max_value=datetime.date(9999, 12, 31)))
def test_excel_serials_and_text_dates_agree(day):
    serial = (day - datetime.date(1899, 12, 30)).days
    assert normalise_date(serial) == day
    assert normalise_date(day.strftime("%Y/%m/%d")) == day
    assert normalise(day.isoformat(), COLUMN["ieDate"]) == day
