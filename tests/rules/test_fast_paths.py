"""The fast acceptance paths of the field checks give exactly the findings of the spec-by-spec checks.

``check_head`` / ``check_line`` skip check_text / check_number for values they recognise as valid with a few
cheap tests, and ``fits`` / ``int_value`` / ``amount`` avoid building digit tuples. The references below are
the straightforward definitions; any value at all must get the same answer.
"""

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from declarations.choices import Channel, Mode
from declarations.rules import fields
from declarations.rules.fields import (
    HEAD_FIELDS,
    ITEM_NO_MAX_LIST,
    ITEM_NO_MAX_ORDER,
    LINE_FIELDS,
    NO_OWNER_CODE,
    Number,
    Text,
    amount,
    channel_of,
    check_date,
    check_head,
    check_line,
    check_number,
    check_text,
    decimal_value,
    digits,
    fits,
    int_value,
    is_list,
    line_ref,
    related,
    text_value,
)
from declarations.rules.finding import Finding
from tests.rules.helpers import make_head, make_line
from tests.rules.test_properties import ANY, EXTREME_DECIMALS

NUMBERS = st.one_of(
    st.decimals(allow_nan=False, allow_infinity=False),
    st.decimals(allow_nan=False, allow_infinity=False, places=7),
    st.sampled_from(EXTREME_DECIMALS[:6]),
    st.integers(min_value=-(10**25), max_value=10**25),
)
VALUES = st.one_of(
    ANY,
    NUMBERS,
    st.sampled_from(
        ["  ", "\u3000", "\x01x", "x" * 31, "y" * 21, "z" * 20, "500ml", Mode.DIRECT, Channel.LIST]
    ),
)


def _reference_head(head, channel):
    """check_head as written before the fast paths (spec by spec)."""
    findings = []
    mode = text_value(getattr(head, "mode", None))
    if not mode.strip():
        findings.append(Finding.of("REQUIRED", "tradeMode"))
    if related(head, "enterprise") is None:
        findings.append(Finding.of("REQUIRED", "ebcCode"))
    if related(head, "agent") is None:
        findings.append(Finding.of("REQUIRED", "agentCode"))
    for spec in HEAD_FIELDS:
        value = getattr(head, spec.attr, None)
        if spec.ceb == "ebpName" and getattr(head, "mode", None) == Mode.WAREHOUSE:
            continue
        if isinstance(spec, Text):
            findings += check_text(spec, value, channel=channel)
        elif isinstance(spec, Number):
            findings += check_number(spec, value, channel=channel)
        else:
            findings += check_date(spec, value, channel=channel)
    owner_code = text_value(getattr(head, "owner_code", None)).strip()
    owner_name = text_value(getattr(head, "owner_name", None)).strip()
    if owner_code and owner_code != NO_OWNER_CODE and not owner_name:
        findings.append(Finding.of("REQUIRED", "ownerName"))
    return findings


def _reference_line(line, index, channel):
    """check_line as written before the fast paths (spec by spec)."""
    gnum = line_ref(line, index)
    findings = []
    for spec in LINE_FIELDS:
        value = getattr(line, spec.attr, None)
        if isinstance(spec, Number):
            findings += check_number(spec, value, channel=channel, gnum=gnum)
        elif spec.ceb == "itemNo":
            top = ITEM_NO_MAX_LIST if is_list(channel) else ITEM_NO_MAX_ORDER
            findings += check_text(spec, value, channel=channel, gnum=gnum, max_len=top)
        else:
            findings += check_text(spec, value, channel=channel, gnum=gnum)
    has_qty2 = getattr(line, "qty2", None) not in (None, "")
    has_unit2 = bool(text_value(getattr(line, "unit2", None)).strip())
    if has_qty2 and not has_unit2:
        findings.append(Finding.of("REQUIRED", "unit2", gnum))
    elif has_unit2 and not has_qty2:
        findings.append(Finding.of("REQUIRED", "qty2", gnum))
    return findings


CHANNELS = st.sampled_from(["", "list", "customs_declaration"])


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(attr=st.sampled_from([spec.attr for spec in LINE_FIELDS]), value=VALUES, channel=CHANNELS)
def test_line_field_findings_equal_the_spec_checks(attr, value, channel):
    line = make_line(make_head())
    setattr(line, attr, value)

    assert check_line(line, 0, channel=channel) == _reference_line(line, 0, channel)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(attr=st.sampled_from([spec.attr for spec in HEAD_FIELDS]), value=VALUES, channel=CHANNELS)
def test_head_field_findings_equal_the_spec_checks(attr, value, channel):
    head = make_head()
    setattr(head, attr, value)

    assert check_head(head, channel=channel) == _reference_head(head, channel)


def _reference_fits(value, integer, fraction):
    int_digits, frac_digits = digits(value)
    return int_digits <= integer and frac_digits <= fraction


@given(value=NUMBERS, integer=st.integers(0, 20), fraction=st.integers(0, 12))
def test_fits_agrees_with_the_digit_count(value, integer, fraction):
    number = Decimal(value)
    assert fits(number, integer, fraction) == _reference_fits(number, integer, fraction)


@given(value=st.one_of(VALUES, st.integers(min_value=-(10**20), max_value=10**20)))
def test_int_value_and_amount_agree_with_the_decimal_route(value):
    number = decimal_value(value)
    expected_int = None
    if not isinstance(value, bool) and number is not None:
        int_digits, frac_digits = digits(number)
        expected_int = None if frac_digits or int_digits > 18 else int(number)
    expected_amount = None if number is None or number < 0 or not _reference_fits(number, 14, 5) else number

    assert int_value(value) == expected_int
    assert amount(value) == expected_amount


def test_channel_of_reads_known_channels_only():
    class Head:
        pass

    head = Head()
    for value, expected in [
        ("list", "list"),
        (Channel.LIST, "list"),
        ("customs_declaration", "customs_declaration"),
        ("", ""),
        ("LIST", ""),
        (None, ""),
        (["list"], ""),
    ]:
        head.channel = value
        assert channel_of(head) == expected
        assert type(channel_of(head)) is str


def test_the_fast_limits_match_the_specs():
    text = {spec.attr: (spec.min, spec.max) for spec in LINE_FIELDS if isinstance(spec, Text)}
    plan = {
        row.attr: (row.low, row.high, row.high_list) for row in fields._LINE_PLAN if row.kind == fields._TEXT
    }
    assert plan["item_no"] == (0, ITEM_NO_MAX_ORDER, ITEM_NO_MAX_LIST)
    assert {attr: (low, high) for attr, (low, high, _l) in plan.items()} == text
