"""appTime: China time, YYYYMMDDhhmmss, whatever zone the given moment is in."""

import datetime
from zoneinfo import ZoneInfo

from declarations.messages.common import app_time


def test_an_aware_moment_is_written_in_china_time():
    assert app_time(datetime.datetime(2026, 12, 3, 16, 5, 9, tzinfo=datetime.UTC)) == "20261204000509"
    # The same moment from another zone: the same text (and a cached value never stands for another zone's).
    assert app_time(datetime.datetime(2026, 12, 3, 11, 5, 9, tzinfo=ZoneInfo("America/New_York"))) == (
        "20261204000509"
    )


def test_a_naive_moment_is_taken_as_china_time_not_as_the_equal_utc_one():
    assert app_time(datetime.datetime(2026, 12, 3, 16, 5, 9, tzinfo=datetime.UTC)) == "20261204000509"
    assert app_time(datetime.datetime(2026, 12, 3, 16, 5, 9)) == "20261203160509"


def test_no_moment_is_now(monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "now", lambda: datetime.datetime(2026, 1, 1, 0, 0, 1, tzinfo=datetime.UTC))
    assert app_time() == "20260101080001"
    monkeypatch.setattr(timezone, "now", lambda: datetime.datetime(2026, 1, 1, 0, 0, 2, tzinfo=datetime.UTC))
    assert app_time() == "20260101080002"
