"""Code-table membership and the shape of HS codes and barcodes."""

import pytest

from declarations.choices import Mode
from declarations.rules.calendar import check_calendar_values
from declarations.rules.codes import check_codes, gtin_check_digit_ok, is_six_digit_hs
from declarations.rules.tariff import TariffFacts
from tests.rules.helpers import (
    COUNTRIES,
    CURRENCIES,
    OFFICES,
    Case,
    run_failing,
    run_passing,
    scenario,
    set_head,
    set_line,
    steps,
)


def _as_customs_applies_them(s):
    """The context as rule_context_load builds it from the fixtures' flags: DEM obsolete, 142/999 no destination,
    headquarters 0000 and the directorate heading 5100 not declarable."""
    s.update_ctx(
        currencies=CURRENCIES | {"304"},
        inactive_currencies=frozenset({"304"}),
        countries=COUNTRIES | {"142", "999"},
        non_destination_countries=frozenset({"142", "999", "701", "702"}),
        customs_offices=OFFICES | {"0000"},
        non_declarable_offices=frozenset({"0000", "5100"}),
    )


def _customs(*functions):
    return steps(_as_customs_applies_them, *functions)


def _dates(s):
    return check_calendar_values(
        s.extra.get("dates", [("ieDate", "20250618"), ("appTime", "20250618093000")])
    )


def _date(element, text):
    def apply(s):
        s.extra["dates"] = [(element, text)]

    return apply


THERMOS = {"9617001100": TariffFacts("9617001100", "保温杯", unit1="007")}

CASES = [
    Case(
        "UNKNOWN_CUSTOMS_OFFICE",
        "customsCode",
        None,
        bad=set_head(customs_code="9999"),
        ok=set_head(customs_code="5141"),
    ),
    Case(
        "UNKNOWN_CUSTOMS_OFFICE",
        "portCode",
        None,
        bad=set_head(port_code="0000"),
        ok=set_head(port_code="2233"),
        name="port",
    ),
    Case("UNKNOWN_COUNTRY", "country", None, bad=set_head(country="100"), ok=set_head(country="303")),
    Case(
        "UNKNOWN_COUNTRY", "country", 1, bad=set_line(country="USA"), ok=set_line(country="304"), name="line"
    ),
    Case("UNKNOWN_CURRENCY", "currency", None, bad=set_head(currency="USD"), ok=set_head(currency="142")),
    Case("UNKNOWN_CURRENCY", "currency", 1, bad=set_line(currency="999"), name="line"),
    Case("UNKNOWN_UNIT", "unit", 1, bad=set_line(unit="999"), ok=set_line(unit="011")),
    Case("UNKNOWN_UNIT", "unit1", 1, bad=set_line(unit1="122"), name="unit1"),
    Case(
        "UNKNOWN_UNIT",
        "unit2",
        1,
        bad=set_line(unit2="12", qty2=1),
        ok=set_line(unit2="035", qty2=1),
        name="unit2",
    ),
    Case("UNKNOWN_TRANSPORT_MODE", "trafMode", None, bad=set_head(traf_mode="Q"), ok=set_head(traf_mode="5")),
    Case("UNKNOWN_PACKING_TYPE", "wrapType", None, bad=set_head(wrap_type="9"), ok=set_head(wrap_type="7")),
    Case("UNKNOWN_TRADE_MODE", "tradeMode", None, bad=set_head(mode="9610"), ok=set_head(mode=Mode.DIRECT)),
    Case("HS_CODE_FORMAT", "gcode", 1, bad=set_line(gcode="9617.00"), ok=set_line(gcode="961700")),
    Case("HS_CODE_FORMAT", "gcode", 1, bad=set_line(gcode="9617"), name="four-digits"),
    Case("HS_NOT_IN_HS2022", "gcode", 1, bad=set_line(gcode="9999001100"), ok=set_line(gcode="8518300000")),
    Case(
        "BARCODE_CHECK_DIGIT",
        "barCode",
        1,
        bad=set_line(bar_code="4006381333932"),
        ok=set_line(bar_code="4006381333931"),
    ),
    Case("BARCODE_CHECK_DIGIT", "barCode", 1, bad=set_line(bar_code="036000291453"), name="upc-a"),
    Case(
        "CURRENCY_INACTIVE",
        "currency",
        None,
        bad=_customs(set_head(currency="304"), set_line(currency="304")),
        ok=_customs(set_head(currency="300"), set_line(currency="300")),
    ),
    Case(
        "CURRENCY_INACTIVE",
        "currency",
        1,
        bad=_customs(set_line(currency="304")),
        ok=_customs(set_line(currency="142")),
        name="line",
    ),
    # the clean twin: origin 142 (made in China) on a goods line is what the table allows for origin
    Case(
        "COUNTRY_NOT_DESTINATION",
        "country",
        None,
        bad=_customs(set_head(country="142")),
        ok=_customs(set_line(country="142")),
    ),
    Case(
        "COUNTRY_NOT_DESTINATION",
        "country",
        None,
        bad=_customs(set_head(country="999")),
        ok=_customs(set_line(country="999"), set_head(country="303")),
        name="neutral-packaging",
    ),
    Case(
        "CUSTOMS_OFFICE_NOT_DECLARABLE",
        "customsCode",
        None,
        bad=_customs(set_head(customs_code="0000")),
        ok=_customs(set_head(customs_code="5141")),
    ),
    Case(
        "CUSTOMS_OFFICE_NOT_DECLARABLE",
        "portCode",
        None,
        bad=_customs(set_head(port_code="5100")),
        ok=_customs(set_head(port_code="2233")),
        name="port-directorate",
    ),
    Case(
        "INVALID_CALENDAR_DATE",
        "ieDate",
        None,
        bad=_date("ieDate", "20261305"),
        ok=_date("ieDate", "20261231"),
        check=_dates,
    ),
    Case(
        "INVALID_CALENDAR_DATE",
        "appTime",
        None,
        bad=_date("appTime", "20250230120000"),
        ok=_date("appTime", "20240229235959"),
        check=_dates,
        name="app-time",
    ),
    Case(
        "INVALID_CALENDAR_DATE",
        "appTime",
        None,
        bad=_date("appTime", "20250618240000"),
        ok=_date("appTime", "20250618000000"),
        check=_dates,
        name="hour-24",
    ),
    # The tariff knows the line's code (9617001100, legal unit 个 007): another first legal unit is a finding.
    Case(
        "TARIFF_UNIT_MISMATCH",
        "unit1",
        1,
        bad=steps(lambda s: s.update_ctx(tariff_for=THERMOS.get), set_line(unit1="035")),
        ok=steps(lambda s: s.update_ctx(tariff_for=THERMOS.get), set_line(unit1="007")),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_rule_fires(case):
    run_failing(case)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_rule_does_not_fire_on_near_miss(case):
    run_passing(case)


def test_baseline_codes_are_known():
    s = scenario(2)
    assert check_codes(s.head, s.lines, ctx=s.ctx) == []


def test_codes_are_compared_as_sent():
    """The renderer sends values unstripped, so ' 502' is not 502 (fields.py reports its length too)."""
    s = scenario()
    steps(set_line(unit2="07 ", qty2=1))(s)
    assert [f.code for f in check_codes(s.head, s.lines, ctx=s.ctx)] == ["UNKNOWN_UNIT"]


def test_warning_severity():
    s = scenario()
    s.lines[0].gcode = "9999001100"
    (finding,) = check_codes(s.head, s.lines, ctx=s.ctx)
    assert finding.severity == "warning"
    assert finding.params == {"subheading": "999900"}


@pytest.mark.parametrize("code", ["96385074", "4006381333931", "036000291452", "10012345678902"])
def test_gtin_check_digits(code):
    assert gtin_check_digit_ok(code)


def test_six_digit_hs():
    assert is_six_digit_hs("961700")
    assert is_six_digit_hs(" 961700 ")
    assert not is_six_digit_hs("9617001100")
    assert not is_six_digit_hs(None)
