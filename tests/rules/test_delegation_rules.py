"""Pure rules of delegations (rules/delegations.py): scope, liveness, terms, transitions."""

import datetime

import pytest

from declarations.rules.delegations import (
    DelegationScope,
    check_terms,
    check_transition,
    is_live,
    scopes_cover,
)

TODAY = datetime.date(2026, 12, 5)


@pytest.mark.parametrize(
    "modes,offices,mode,office,covered",
    [
        ((), (), "9810", "5208", True),
        (("9710",), (), "9710", "5208", True),
        (("9710",), (), "9810", "5141", False),
        ((), ("5141",), "9710", "5208", False),
        (("9710", "9810"), ("5141", "5208"), "9810", "5208", True),
    ],
)
def test_scope(modes, offices, mode, office, covered):
    scope = DelegationScope(modes=frozenset(modes), offices=frozenset(offices))
    assert scope.covers(mode=mode, office=office) is covered


def test_any_live_delegation_may_cover():
    scopes = [DelegationScope(modes=frozenset({"9810"})), DelegationScope(offices=frozenset({"5141"}))]
    assert scopes_cover(scopes, mode="9710", office="5141")
    assert not scopes_cover(scopes, mode="9710", office="5208")
    assert not scopes_cover([], mode="9710", office="5141")


@pytest.mark.parametrize(
    "status,start,end,live",
    [
        ("accepted", None, None, True),
        ("accepted", TODAY, TODAY, True),
        ("accepted", TODAY + datetime.timedelta(days=1), None, False),
        ("accepted", None, TODAY - datetime.timedelta(days=1), False),
        ("pending", None, None, False),
        ("ended", None, None, False),
        ("expired", None, None, False),
    ],
)
def test_is_live(status, start, end, live):
    assert is_live(status=status, valid_from=start, valid_until=end, today=TODAY) is live


def test_terms():
    assert check_terms(modes=["9710"], valid_from=None, valid_until=None, today=TODAY) == []
    codes = [p.code for p in check_terms(modes=["1210"], valid_from=TODAY, valid_until=TODAY, today=TODAY)]
    assert codes == ["DLG_UNKNOWN_MODE"]


@pytest.mark.parametrize(
    "action,status,allowed",
    [
        ("accept", "pending", True),
        ("accept", "accepted", False),
        ("end", "accepted", True),
        ("end", "refused", False),
    ],
)
def test_transitions(action, status, allowed):
    assert (check_transition(action=action, status=status) == []) is allowed
