"""What customs accepts of a declaration it holds: change (appType 2) and withdrawal (appType 3), with codes."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from declarations.choices import DeclarationStatus as S
from declarations.rules.amendments import (
    AMENDMENT_RULES,
    AmendmentState,
    change_verdict,
    markdown_table,
    next_app_type,
    withdraw_verdict,
    withdrawal_target,
)


def _state(status, last="", channel="list", app_type="1"):
    return AmendmentState(
        channel=channel,
        status=status,
        last_return_status=last,
        last_return_info="退单原因",
        cop_no="COP1",
        version=1,
        app_type=app_type,
    )


# (status, last receipt, channel, appType) -> (change code, withdraw code)
CASES = [
    (S.REJECTED, "100", "list", "1", "AMEND_CHANGE_ACCEPTED", "AMEND_WITHDRAW_ACCEPTED"),
    (S.REJECTED, "100", "customs_declaration", "1", "AMEND_CHANGE_ACCEPTED", "AMEND_WITHDRAW_LIST_ONLY"),
    (S.REJECTED, "-621001", "list", "1", "AMEND_REFUSED_BY_EPORT", "AMEND_REFUSED_BY_EPORT"),
    (S.REJECTED, "-621001", "list", "2", "AMEND_CHANGE_ACCEPTED", "AMEND_WITHDRAW_ACCEPTED"),
    (S.DRAFT, "", "list", "1", "AMEND_NOT_SENT", "AMEND_NOT_SENT"),
    (S.RENDER_FAILED, "", "list", "1", "AMEND_NOT_SENT", "AMEND_NOT_SENT"),
    (S.DECLARING, "2", "list", "1", "AMEND_IN_PROGRESS", "AMEND_IN_PROGRESS"),
    (S.ACCEPTED, "120", "list", "1", "AMEND_IN_PROGRESS", "AMEND_IN_PROGRESS"),
    (S.INSPECTION, "500", "list", "1", "AMEND_IN_PROGRESS", "AMEND_IN_PROGRESS"),
    (S.RELEASED, "800", "list", "1", "AMEND_RELEASED", "AMEND_RELEASED"),
    (S.CANCEL_REQUESTED, "800", "list", "1", "AMEND_RELEASED", "AMEND_RELEASED"),
    (S.CLOSED, "899", "list", "1", "AMEND_FINISHED", "AMEND_FINISHED"),
    (S.WITHDRAWN, "399", "list", "3", "AMEND_FINISHED", "AMEND_FINISHED"),
    (S.WITHDRAWAL_REQUESTED, "100", "list", "3", "AMEND_PENDING", "AMEND_PENDING"),
]


@pytest.mark.parametrize(("status", "last", "channel", "app_type", "change", "withdraw"), CASES)
def test_verdicts(status, last, channel, app_type, change, withdraw):
    state = _state(status, last, channel, app_type)
    assert (change_verdict(state).code, withdraw_verdict(state).code) == (change, withdraw)
    assert change_verdict(state).allowed is (change == "AMEND_CHANGE_ACCEPTED")
    assert withdraw_verdict(state).allowed is (withdraw == "AMEND_WITHDRAW_ACCEPTED")


def test_every_code_is_reached_by_a_case():
    reached = {c[4] for c in CASES} | {c[5] for c in CASES}
    assert reached == set(AMENDMENT_RULES)


def test_the_change_message_names_the_return_and_the_next_version():
    verdict = change_verdict(_state(S.REJECTED, "100"))
    from django.utils.translation import override

    with override("en"):
        assert verdict.message == (
            "Customs returned this declaration (100 退单原因): correct it and declare it again as a change "
            "(appType 2, same copNo COP1, new guids, version 2)."
        )


@pytest.mark.parametrize(
    ("status", "last", "app_type", "expected"),
    [
        (S.REJECTED, "100", "1", "2"),  # customs returned it: a change
        (S.REJECTED, "-621001", "1", "1"),  # the e-port refused the message: new again
        (S.REJECTED, "-621001", "2", "2"),  # a refused change: still a change
        (S.SEND_FAILED, "4", "1", "1"),
        (S.DRAFT, "", "1", "1"),
        (S.REJECTED, "100", "3", "2"),  # a refused withdrawal, corrected instead: a change
    ],
)
def test_next_app_type(status, last, app_type, expected):
    assert next_app_type(_state(status, last, app_type=app_type)) == expected


@pytest.mark.parametrize(
    ("code", "target"),
    [("399", S.WITHDRAWN), ("800", S.WITHDRAWN), ("100", S.REJECTED), ("-623013", S.REJECTED), ("2", None)],
)
def test_withdrawal_receipts(code, target):
    assert withdrawal_target(code) == target


def test_docs_list_every_code_in_both_languages():
    text = (Path(settings.BASE_DIR) / "docs" / "rules.md").read_text(encoding="utf-8")
    match = re.search(r"<!-- amendments:start -->\n(.*?)<!-- amendments:end -->", text, re.S)
    assert match, "docs/rules.md lacks the amendments markers"
    assert match.group(1).strip() == markdown_table()
