"""Exact bytes of every CEB message for the four demo business types, with fixed guids and times.

The renderers are tuned for speed (issue 5); these golden files pin their output byte for byte, so a faster
builder cannot change a single character. The files were written by the renderers before that tuning.
Regenerate deliberately with ``GOLDEN_UPDATE=1 .venv/bin/pytest tests/messages/test_golden_render.py``.
"""

from __future__ import annotations

import datetime
import itertools
import os
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from declarations.messages import common
from declarations.messages.render import render_one
from declarations.messages.signing import UnsignedSigner
from declarations.models import Declaration
from declarations.services.demo import demo_load
from tests.messages import lxml_reference
from tests.messages.test_render_business_types import assert_valid_both

GOLDEN_DIR = Path(__file__).resolve().parent / "samples" / "golden"
AT = datetime.datetime(2026, 3, 15, 9, 30, 5, tzinfo=common.CHINA_TZ)
IE_DATE = datetime.date(2026, 3, 14)
LEAVE_TIME = datetime.datetime(2026, 3, 16, 1, 2, 3, tzinfo=datetime.UTC)  # 09:02:03 China time
DEMO_COP_NOS = ("DEMO-9710-LIST", "DEMO-9710-DECL", "DEMO-9810-LIST", "DEMO-9810-DECL")
MESSAGE_TYPES = ("CEB303", "CEB505", "CEB603", "CEB507", "CEB509", "CEB605")


@pytest.fixture
def fixed_guids(monkeypatch):
    counter = itertools.count(1)
    monkeypatch.setattr(common, "new_guid", lambda: f"00000000-0000-4000-8000-{next(counter):012d}")


@pytest.fixture
def demo(db, settings):
    settings.DXP_WRAP = False
    settings.SIMPLIFIED_HS_PADDING = "0000"
    demo_load()


def _prepared(cop_no: str) -> tuple[Declaration, list]:
    declaration = (
        Declaration.objects.select_related("enterprise", "agent", "warehouse", "site_operator")
        .prefetch_related("lines")
        .get(cop_no=cop_no)
    )
    # Dates the demo takes from today, and what only later messages (departure, cancel) need.
    declaration.ie_date = IE_DATE
    declaration.leave_time = LEAVE_TIME
    declaration.domestic_traf_no = "粤A00001"
    declaration.invt_no = "51412026E000000001"
    declaration.cancel_reason = "订单取消 order cancelled"
    return declaration, list(declaration.lines.all())


def _with_every_optional(declaration: Declaration, lines: list) -> tuple[Declaration, list]:
    """Every optional element filled, values with surrounding spaces and trailing zeros, a second line."""
    declaration.note = "  备注 note  "
    declaration.pre_no = "514120260000000001"
    declaration.traf_name = "CZ3101"
    declaration.voyage_no = "CZ3101/20260316"
    declaration.bill_no = "784-12345678"
    declaration.total_package_no = "784-12345678"
    declaration.loct_no = "5141W001"
    declaration.license_no = "LIC-2026-0001"
    declaration.owner_code = "NO"
    declaration.owner_name = ""
    declaration.freight = Decimal("150.50000")
    declaration.insured_fee = Decimal("0.00")
    declaration.goods_info = ""
    first = lines[0]
    first.note = "line note & <escaped>"
    first.qty2 = Decimal("12.50000")
    first.unit2 = "035"
    first.bar_code = ""
    second = type(first)(
        declaration=declaration,
        gnum=2,
        item_no="SKU-002",
        item_name="",
        gcode="3924100000",
        gname="硅胶杯盖",
        gmodel="硅胶|无品牌",
        bar_code="6901234567892",
        country="502",
        currency=first.currency,
        qty=Decimal("3"),
        unit="007",
        qty1=Decimal("0.123"),
        unit1="035",
        price=Decimal("0.00001"),
        total_price=Decimal("0.00003"),
    )
    # Out of gnum order on purpose: the renderers sort.
    return declaration, [second, first]


def _cases():
    for cop_no in DEMO_COP_NOS:
        yield pytest.param(cop_no, False, id=cop_no)
    yield pytest.param("DEMO-9710-LIST", True, id="DEMO-9710-LIST-every-optional")


@pytest.mark.parametrize(("cop_no", "every_optional"), list(_cases()))
def test_rendered_bytes_match_golden_files(demo, fixed_guids, cop_no, every_optional):
    declaration, lines = _prepared(cop_no)
    name = cop_no.lower()
    if every_optional:
        declaration, lines = _with_every_optional(declaration, lines)
        name += "-every-optional"
    for message_type in MESSAGE_TYPES:
        rendered = render_one(message_type, declaration, lines, signer=UnsignedSigner(), at=AT)
        path = GOLDEN_DIR / f"{name}_{message_type}.xml"
        if os.environ.get("GOLDEN_UPDATE"):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(rendered.content)
        assert rendered.content == path.read_bytes(), path.name


def test_golden_files_are_valid_against_our_and_the_official_xsd():
    files = sorted(GOLDEN_DIR.glob("*.xml"))
    assert len(files) == len(DEMO_COP_NOS) * len(MESSAGE_TYPES) + len(MESSAGE_TYPES)
    assert_valid_both(*(path.read_bytes() for path in files))


# --- the text builder writes what the lxml tree would -----------------------------------------------------------

FIELDS = common.xsd_sequence("a b? c?")
GUID = "00000000-0000-4000-8000-000000000001"
SENDER = type("Sender", (), {"ceb_code": "4401960ABC", "name": "甲 & 乙", "dxp_id": ""})()


def _outcome(build):
    try:
        return build()
    except Exception as exc:  # the same exception, with the same message, is part of "the same output"
        return type(exc), str(exc)


def _via_lxml(values):
    root = lxml_reference.message_root("CEB303", GUID)
    holder = etree.SubElement(root, common.ceb("Order"))
    lxml_reference.add_node(holder, "OrderHead", FIELDS, values)
    lxml_reference.add_node(holder, "OrderList", FIELDS, {"a": "x"})
    lxml_reference.base_transfer(SENDER, root)
    return common.serialise(root)


def _via_writer(values):
    writer = common.MessageWriter("CEB303", GUID)
    order = common.Container("Order", 1)
    writer.open(order)
    writer.node(common.Node("OrderHead", FIELDS, 2), values)
    writer.node(common.Node("OrderList", FIELDS, 2), {"a": "x"})
    writer.end(order)
    common.write_base_transfer(writer, SENDER)
    return writer.finish()


def _code_points():
    # Every boundary of libxml2's escaping and lxml's refusals: ASCII, Latin-1, CJK, surrogates, U+FFFE/F, astral.
    ranges = [(0, 0x3100), (0xD7F0, 0xE010), (0xFFF0, 0x10010), (0x1F600, 0x1F610), (0x10FFF0, 0x110000)]
    return [chr(cp) for start, stop in ranges for cp in range(start, stop)]


def test_text_builder_matches_lxml_for_every_character_class():
    for char in _code_points():
        values = {"a": f"v{char}w", "c": f"{char}{char}"}
        assert _outcome(lambda values=values: _via_writer(values)) == _outcome(
            lambda values=values: _via_lxml(values)
        ), repr(char)


@pytest.mark.parametrize(
    "values",
    [
        {"a": "  padded  ", "b": "  ", "c": None},
        {"a": "x\r\ny\tz", "b": "&amp; <b> ]]> \"'"},
        {"a": Decimal("12.50000"), "b": Decimal("-0.000"), "c": Decimal("1E+3")},
        {"a": Decimal("1.000001")},
        {"a": Decimal("NaN")},
        {"a": 7, "b": 2.5, "c": "3.10"},
        {"a": True},
        {"a": datetime.date(2026, 1, 2)},
        {"a": ""},
        {"b": "x"},
        {"a": "x", "z": "unknown"},
        {"a": "x\x00", "c": "\ud800"},
        {"a": "x\ud800\x01"},
    ],
)
def test_text_builder_matches_lxml_for_values_and_errors(values):
    assert _outcome(lambda: _via_writer(values)) == _outcome(lambda: _via_lxml(values))
