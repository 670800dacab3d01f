"""Dates and times inside CEB messages must be real calendar values, not only the right length.

The XSD gives ieDate (YYYYMMDD) and appTime, accountingDate, returnTime… (YYYYMMDDhhmmss) as fixed-length
strings, so "20261305" passes it; customs refuses a date that does not exist. Pure: takes (element, text) pairs.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from .finding import Finding
from .identifiers import short

# CEB element -> the format as the XSD annotation writes it; its length is the element's fixed length.
DATE_ELEMENTS: dict[str, str] = {
    "ieDate": "YYYYMMDD",
    "appTime": "YYYYMMDDhhmmss",
    "accountingDate": "YYYYMMDDhhmmss",
    "returnTime": "YYYYMMDDhhmmss",
    "leaveTime": "YYYYMMDDhhmmss",
    "startTime": "YYYYMMDDhhmmss",
    "endTime": "YYYYMMDDhhmmss",
    "opDate": "YYYYMMDDhhmmssfff",
}
# (start, end) of year, month, day, hour, minute, second, milliseconds in the text
_PARTS = ((0, 4), (4, 6), (6, 8), (8, 10), (10, 12), (12, 14), (14, 17))


def _shaped(element: str, text: str) -> bool:
    pattern = DATE_ELEMENTS.get(element)
    return pattern is not None and len(text) == len(pattern) and text.isdigit()


def parse_calendar(element: str, text: str) -> datetime.datetime | None:
    """The value as a datetime, or None when it is not a real date (or the element is not a date)."""
    text = (text or "").strip()
    if not _shaped(element, text):
        return None
    parts = [int(text[start:end]) for start, end in _PARTS if end <= len(text)]
    if len(parts) == 7:
        parts[6] *= 1000  # milliseconds -> microseconds
    try:
        return datetime.datetime(*parts)
    except ValueError:
        return None


def check_calendar_values(values: Iterable[tuple[str, str]]) -> list[Finding]:
    """One finding per date element whose text has the XSD's length and digits but is no real date.
    Other shapes (wrong length, letters) are the XSD's to report."""
    findings = []
    for element, text in values:
        text = (text or "").strip()
        if _shaped(element, text) and parse_calendar(element, text) is None:
            findings.append(
                Finding.of(
                    "INVALID_CALENDAR_DATE",
                    element,
                    element=element,
                    value=short(text),
                    format=DATE_ELEMENTS[element],
                )
            )
    return findings
