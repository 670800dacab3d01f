"""Enterprise identifiers: USCC check character, 10-character customs codes, the 无 / NO placeholders."""

import pytest

from declarations.rules.identifiers import check_enterprise_code, check_identifiers
from tests.rules.helpers import Case, make_enterprise, run_failing, run_passing, scenario, set_head, triples

VALID_USCC = "91440300MA5F000181"  # domain notes §5.2 test vectors
BAD_CHECK = "91440300MA5F000182"


def _enterprise(**values):
    def apply(s):
        for name, value in values.items():
            setattr(s.head.enterprise, name, value)

    return apply


def _agent(**values):
    def apply(s):
        s.head.agent = make_enterprise(pk=2, **values)

    return apply


CASES = [
    Case("INVALID_USCC", "ebcCode", None, bad=_enterprise(uscc=BAD_CHECK), ok=_enterprise(uscc=VALID_USCC)),
    Case("INVALID_USCC", "agentCode", None, bad=_agent(uscc="91330100MA27AB124I"), name="agent-letter-I"),
    Case(
        "INVALID_USCC",
        "logisticsCode",
        None,
        bad=set_head(logistics_code=BAD_CHECK),
        ok=set_head(logistics_code="91110108100023453W"),
        name="logistics",
    ),
    Case(
        "INVALID_USCC",
        "ebpCode",
        None,
        bad=set_head(ebp_code=BAD_CHECK),
        ok=set_head(ebp_code="无"),
        name="ebp",
    ),
    Case(
        "INVALID_ENTERPRISE_CODE",
        "logisticsCode",
        None,
        bad=set_head(logistics_code="4401-980"),
        ok=set_head(logistics_code="44306650K2"),
    ),
    Case(
        "INVALID_ENTERPRISE_CODE",
        "ebcCode",
        None,
        bad=_enterprise(customs_code="4401abc123"),
        ok=_enterprise(customs_code=""),
        name="exporter-customs-code",
    ),
    Case(
        "INVALID_ENTERPRISE_CODE",
        "ownerCode",
        None,
        bad=set_head(owner_code="no", owner_name="x"),
        ok=set_head(owner_code="NO", owner_name=""),
        name="owner",
    ),
    Case("INVALID_ENTERPRISE_CODE", "ebpCode", None, bad=set_head(ebp_code="无无"), name="ebp"),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_rule_fires(case):
    run_failing(case)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_rule_does_not_fire_on_near_miss(case):
    run_passing(case)


@pytest.mark.parametrize(
    "code", ["91440300MA5F000181", "91330100MA27AB124U", "91110108100023453W", "1105910159"]
)
def test_valid_codes(code):
    assert check_enterprise_code(code, "logisticsCode") == []


def test_baseline_identifiers_are_valid():
    s = scenario()
    assert check_identifiers(s.head) == []


def test_enterprise_without_uscc_is_required():
    s = scenario()
    s.head.enterprise.uscc = ""  # the factory's agent is the exporter itself
    assert triples(check_identifiers(s.head)) == [
        ("REQUIRED", "ebcCode", None),
        ("REQUIRED", "agentCode", None),
    ]


def test_long_values_are_shortened_in_params():
    finding = check_enterprise_code("X" * 500, "logisticsCode")[0]
    assert len(finding.params["value"]) == 40
