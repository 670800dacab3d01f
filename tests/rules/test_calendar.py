"""Every date of an import is a real calendar date: the reader hands an impossible date on as text and the rules
refuse it (INVALID_DATE on ieDate); message dates are judged by rules.calendar (INVALID_CALENDAR_DATE)."""

import datetime

import pytest

from declarations.rules.calendar import check_calendar_values, parse_calendar
from declarations.spreadsheets.reader import normalise_date
from tests.rules.helpers import engine, scenario, triples


@pytest.mark.parametrize("cell", ["2026-13-05", "20261305", "2026-02-30", "2025/04/31"])
def test_an_impossible_date_in_a_workbook_is_an_error_on_its_field(cell):
    s = scenario()
    s.head.ie_date = normalise_date(cell)
    assert ("INVALID_DATE", "ieDate", None) in triples(engine(s))


@pytest.mark.parametrize("cell", ["2026-12-31", "20240229", datetime.date(2026, 1, 5)])
def test_a_real_date_in_a_workbook_is_fine(cell):
    s = scenario()
    s.head.ie_date = normalise_date(cell)
    assert "INVALID_DATE" not in [f.code for f in engine(s)]


def test_message_values_parse_to_real_datetimes():
    assert parse_calendar("appTime", "20261205135959") == datetime.datetime(2026, 12, 5, 13, 59, 59)
    assert parse_calendar("opDate", "20261205135959123") == datetime.datetime(2026, 12, 5, 13, 59, 59, 123000)
    assert parse_calendar("ieDate", "20261305") is None
    assert parse_calendar("gname", "20261205") is None  # not a date element


def test_shapes_the_xsd_reports_are_left_to_it():
    # wrong length or letters: the XSD (length) reports them; only well-shaped impossible values are ours
    assert check_calendar_values([("ieDate", "2026130"), ("ieDate", "2026AB05"), ("appTime", "")]) == []
    (finding,) = check_calendar_values([("ieDate", "20260431")])
    assert (finding.code, finding.field, finding.params["format"]) == (
        "INVALID_CALENDAR_DATE",
        "ieDate",
        "YYYYMMDD",
    )
