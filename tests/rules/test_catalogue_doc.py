"""docs/rules.md matches the catalogue; every message is a well-formed lazy literal; every code is tested."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import override

from declarations.rules.catalogue import CATALOGUE, SEVERITIES
from declarations.rules.channel import ADVICE_REASONS
from tests.master_bills import test_master_bill_rules
from tests.rules import (
    test_amounts,
    test_channel,
    test_codes,
    test_consistency,
    test_fields,
    test_identifiers,
)

DOC = Path(settings.BASE_DIR) / "docs" / "rules.md"
ROW = re.compile(r"^\| `([A-Z0-9_]+)` \| (\w+) \| (.*) \| (.*) \|$")
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _section(name: str) -> list[str]:
    text = DOC.read_text(encoding="utf-8")
    match = re.search(rf"<!-- {name}:start -->\n(.*?)<!-- {name}:end -->", text, re.S)
    assert match, f"docs/rules.md lacks the {name} markers"
    return match.group(1).strip().splitlines()


def test_doc_table_matches_the_catalogue():
    documented = {}
    for line in _section("catalogue")[2:]:
        match = ROW.match(line)
        assert match, f"unreadable row in docs/rules.md: {line!r}"
        code, severity, meaning, example = match.groups()
        assert code not in documented, f"{code} documented twice"
        documented[code] = (severity, meaning, example)
    expected = {code: (rule.severity, rule.meaning, rule.example) for code, rule in CATALOGUE.items()}
    assert sorted(set(expected) - set(documented)) == [], "codes missing from docs/rules.md"
    assert sorted(set(documented) - set(expected)) == [], "stale codes in docs/rules.md"
    assert documented == expected, "docs/rules.md differs: regenerate it with catalogue.markdown_table()"


def test_doc_lists_the_advice_reasons():
    documented = {line.split("`")[1] for line in _section("advice")[2:]}
    assert documented == set(ADVICE_REASONS)


@pytest.mark.parametrize("code", CATALOGUE)
def test_catalogue_entry_is_well_formed(code):
    rule = CATALOGUE[code]
    assert re.fullmatch(r"[A-Z][A-Z0-9_]+", code)
    assert rule.severity in SEVERITIES
    assert isinstance(rule.message, Promise), "messages must be gettext_lazy literals"
    assert rule.meaning and rule.example and "|" not in rule.meaning + rule.example
    params = {name: "x" for name in PLACEHOLDER.findall(str(rule.message))}
    with override("en"):
        text = str(rule.message) % params
    assert "%(" not in text


def test_every_code_has_a_failing_and_a_passing_case():
    tables = (test_fields, test_identifiers, test_codes, test_amounts, test_channel, test_consistency)
    covered = {case.code for module in tables for case in module.CASES}
    covered |= test_master_bill_rules.COVERED  # the master bill's rules, each beside a clean bill
    assert sorted(set(CATALOGUE) - covered) == []
    assert sorted(covered - set(CATALOGUE)) == []
