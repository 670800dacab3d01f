"""reader.normaliser (the per-column fast path the reader uses) gives exactly what reader.normalise gives."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from declarations.spreadsheets.columns import GOODS_COLUMNS, HEAD_COLUMNS
from declarations.spreadsheets.reader import normalise, normaliser

COLUMNS = {c.key: c for c in (*HEAD_COLUMNS, *GOODS_COLUMNS)}
ALL_COLUMNS = [*HEAD_COLUMNS, *GOODS_COLUMNS]

# What calamine hands over, plus the awkward text a person types into Excel.
CELLS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**17), max_value=10**17),
    st.floats(allow_nan=True, allow_infinity=True),
    st.dates(),
    st.datetimes(),
    st.text(
        alphabet=st.sampled_from("0123456789.,-/年月日 \t\u3000\u00a0\u200b\ufeff\x1cＡ１２（）abcY无否是"),
        max_size=14,
    ),
    st.text(max_size=12),
)


def outcome(clean, cell):
    """Type and exact text of the result (Decimal("-0") == Decimal("0"), NaN != NaN), or the exception raised."""
    try:
        value = clean(cell)
    except (
        Exception
    ) as exc:  # normalise itself refuses some floats (1e300 in a decimal column): so must the fast path
        return ("raises", type(exc))
    return (type(value), str(value))


@settings(max_examples=400, deadline=None)
@given(cells=st.lists(CELLS, min_size=1, max_size=6), column=st.sampled_from(ALL_COLUMNS))
def test_fast_path_equals_normalise_for_every_column(cells, column):
    clean = normaliser(column)
    # Twice: the second pass is answered from the column's cache.
    for cell in [*cells, *cells]:
        assert outcome(clean, cell) == outcome(lambda c: normalise(c, column), cell), (column.key, cell)


@pytest.mark.parametrize(
    ("key", "cells", "expected"),
    [
        ("qty", [True, 1, 1.0], ["Y", Decimal("1"), Decimal("1")]),  # equal as dict keys, not as cells
        ("packNo", [1.0, True, 1], [1, "Y", 1]),
        ("freight", [0.0, -0.0], [Decimal("0"), Decimal("-0")]),
        ("unit", [7.0, "7", 7], ["007", "7", "007"]),
        ("licence", ["N", False, 0, "0"], [False, False, False, False]),
        ("country", ["502 美国", "502", " 502 "], ["502", "502", "502"]),
        ("gname", [" 保温杯\u3000", "保温杯", None], ["保温杯", "保温杯", ""]),
        ("ieDate", ["2026-01-05", 46027.0, datetime.date(2026, 1, 5)], [datetime.date(2026, 1, 5)] * 3),
    ],
)
def test_values_equal_as_keys_stay_apart(key, cells, expected):
    clean = normaliser(COLUMNS[key])
    got = [clean(cell) for cell in cells]
    assert [(type(v), str(v)) for v in got] == [(type(v), str(v)) for v in expected]


def test_clean_ascii_codes_are_returned_as_they_are():
    clean = normaliser(COLUMNS["copNo"])
    cell = "BENCH-0000001"
    assert clean(cell) is cell
