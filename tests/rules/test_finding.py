"""Finding: severity from the catalogue, JSON round trip, messages in the active language."""

import datetime
import json
from decimal import Decimal

import pytest
from django.utils import translation

from declarations.rules.finding import Finding, field_label


def test_of_takes_the_catalogue_severity():
    assert Finding.of("REQUIRED", "orderNo").severity == "error"
    assert Finding.of("HS_NOT_IN_HS2022", "gcode", 1, subheading="999900").severity == "warning"


def test_unknown_severity_is_refused():
    with pytest.raises(ValueError):
        Finding("REQUIRED", "fatal", "orderNo")


def test_round_trip_through_json():
    finding = Finding.of(
        "TOTAL_PRICE_MISMATCH", "totalPrice", 3, total=Decimal("1.50"), expected=Decimal("2")
    )
    stored = json.loads(json.dumps(finding.as_dict()))
    assert stored == {
        "code": "TOTAL_PRICE_MISMATCH",
        "severity": "error",
        "field": "totalPrice",
        "gnum": 3,
        "params": {"total": "1.50", "expected": "2"},
    }
    assert Finding.from_dict(stored) == finding


def test_params_are_json_safe():
    finding = Finding.of(
        "EXCHANGE_RATE_MISSING", "currency", None, currency="502", month=datetime.date(2025, 6, 1)
    )
    assert finding.params == {"currency": "502", "month": "2025-06-01"}
    json.dumps(finding.as_dict())


def test_findings_are_hashable_and_comparable():
    a = Finding.of("REQUIRED", "qty", 1)
    assert {a, Finding.of("REQUIRED", "qty", 1)} == {a}
    assert a != Finding.of("REQUIRED", "qty", 2)


def test_message_uses_the_field_label_of_head_or_line():
    with translation.override("en"):
        assert Finding.of("REQUIRED", "grossWeight").message == "gross weight (kg) is required."
        assert Finding.of("REQUIRED", "qty", 2).message == "quantity is required."
        assert Finding.of("REQUIRED", "ebcCode").message == "e-commerce enterprise (consignor) is required."


def test_message_renders_in_the_active_language():
    finding = Finding.of("REQUIRED", "grossWeight")
    with translation.override("en"):
        english = finding.message
    with translation.override("zh-hans"):
        chinese = finding.message
    assert english.endswith("is required.")
    assert chinese  # the zh-hans text comes from the .po file; until then it falls back to English


def test_stored_finding_with_missing_params_or_retired_code_still_renders():
    with translation.override("en"):
        assert Finding.from_dict({"code": "TOO_LONG", "field": "orderNo"}).message == (
            "order / booking number is too long: ? characters, at most ? are allowed."
        )
        assert Finding.from_dict({"code": "RETIRED_RULE", "field": "x"}).message == "RETIRED_RULE"


def test_field_label_for_pseudo_fields():
    with translation.override("en"):
        assert field_label("lines", line=False) == "goods lines"
        assert field_label("licence", line=True) == "needs a licence"
        assert field_label("nonsense", line=False) == "nonsense"
