"""What customs accepts of a declaration it already has: a change (appType 2) or a withdrawal (appType 3).

Pure: the verdicts read a plain state (``AmendmentState``) and query nothing. The spec defines appType
(1 新增 / 2 变更 / 3 删除) in every CEB head but does not list the states in which customs accepts 2 or 3; its
error table (S1-PDF 表7-2) does: "-621011 不存在已申报的清单，无法进行改单操作" (a change needs a list customs
holds), "-621012 清单的申报状态不符合改单申报的条件" (and one in a state that allows it), "-623005 清单的状态
不符合撤单申报要求" (after release the list is cancelled with CEB605, not deleted). The portal therefore offers
both only for a declaration customs returned (退单, returnStatus 100): customs holds it and has handed it back.
A negative returnStatus means the e-port refused the message itself (nothing held: declare it again as new);
while customs processes a list (入库 … 审结) it accepts neither; a released list is cancelled (CEB605).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from declarations.choices import Channel, DeclarationStatus

S = DeclarationStatus

APP_TYPE_NEW = "1"
APP_TYPE_CHANGE = "2"
APP_TYPE_DELETE = "3"
RETURNED_BY_CUSTOMS = "100"  # returnStatus 海关退单

CHANGE = "change"
WITHDRAW = "withdraw"

# Stable codes (docs/rules.md, "Change and withdrawal"): code -> message (gettext, %(name)s parameters).
AMENDMENT_RULES: dict[str, object] = {
    "AMEND_CHANGE_ACCEPTED": _(
        "Customs returned this declaration (%(code)s %(info)s): correct it and declare it again as a change "
        "(appType 2, same copNo %(cop_no)s, new guids, version %(next_version)s)."
    ),
    "AMEND_WITHDRAW_ACCEPTED": _(
        "Customs returned this list: it can be withdrawn (appType 3, 删除) instead of being corrected."
    ),
    "AMEND_NOT_SENT": _("Not declared yet: customs holds nothing to change or withdraw."),
    "AMEND_REFUSED_BY_EPORT": _(
        "The e-port refused the message itself (%(code)s %(info)s): customs holds no declaration to change or "
        "withdraw. Correct it and submit it again as a new declaration."
    ),
    "AMEND_IN_PROGRESS": _(
        "Customs is processing this declaration (%(status)s): it accepts neither a change nor a withdrawal "
        "until it returns or releases it."
    ),
    "AMEND_RELEASED": _(
        "Customs released this list: it can no longer be changed or withdrawn, only cancelled (撤销申请, CEB605)."
    ),
    "AMEND_FINISHED": _(
        "The declaration’s status is “%(status)s”: customs accepts no change or withdrawal any more."
    ),
    "AMEND_PENDING": _("A withdrawal is waiting for customs' answer."),
    "AMEND_WITHDRAW_LIST_ONLY": _(
        "Only an inventory list (申报清单) is withdrawn here; a customs declaration (报关单) is withdrawn in "
        "the customs declaration system."
    ),
}

_IN_PROGRESS = frozenset({S.SENT, S.DECLARING, S.SEND_FAILED, S.ACCEPTED, S.MANUAL_REVIEW, S.INSPECTION})
_IN_PROGRESS |= frozenset({S.DETAINED, S.CONCLUDED, S.SUBMITTED})
_RELEASED = frozenset({S.RELEASED, S.CANCEL_REQUESTED})
_FINISHED = frozenset({S.CANCELLED, S.CLOSED, S.RETURNED, S.WITHDRAWN})


@dataclass(frozen=True)
class AmendmentState:
    """What the verdicts read of a declaration (a model instance has these attributes)."""

    channel: str
    status: str
    last_return_status: str = ""
    last_return_info: str = ""
    cop_no: str = ""
    version: int = 0
    app_type: str = APP_TYPE_NEW  # of the current version's messages

    @classmethod
    def of(cls, declaration) -> AmendmentState:
        return cls(
            channel=declaration.effective_channel,
            status=declaration.status,
            last_return_status=declaration.last_return_status or "",
            last_return_info=declaration.last_return_info or "",
            cop_no=declaration.cop_no,
            version=declaration.version,
            app_type=declaration.app_type or APP_TYPE_NEW,
        )


@dataclass(frozen=True)
class Verdict:
    action: str  # CHANGE or WITHDRAW
    allowed: bool
    code: str
    params: dict = field(default_factory=dict)

    @property
    def message(self) -> str:
        return str(AMENDMENT_RULES[self.code]) % self.params


def _status_label(status: str) -> str:
    try:
        return str(S(status).label)
    except ValueError:
        return status


def is_returned(state: AmendmentState) -> bool:
    """Customs holds the declaration and has returned it (退单): the one state it accepts appType 2 or 3 in.
    Also when a change or withdrawal of it was then refused by the e-port: customs still holds that version."""
    if state.status != S.REJECTED:
        return False
    return state.last_return_status == RETURNED_BY_CUSTOMS or state.app_type in (
        APP_TYPE_CHANGE,
        APP_TYPE_DELETE,
    )


def _refusal(action: str, state: AmendmentState) -> Verdict:
    params = {"status": _status_label(state.status)}
    if state.status == S.WITHDRAWAL_REQUESTED:
        return Verdict(action, False, "AMEND_PENDING")
    if state.status in _RELEASED:
        return Verdict(action, False, "AMEND_RELEASED")
    if state.status in _FINISHED:
        return Verdict(action, False, "AMEND_FINISHED", params)
    if state.status in _IN_PROGRESS:
        return Verdict(action, False, "AMEND_IN_PROGRESS", params)
    if state.status == S.REJECTED:  # a negative code: the e-port refused the message itself
        info = {"code": state.last_return_status, "info": state.last_return_info}
        return Verdict(action, False, "AMEND_REFUSED_BY_EPORT", info)
    return Verdict(action, False, "AMEND_NOT_SENT")


def change_verdict(state: AmendmentState) -> Verdict:
    if not is_returned(state):
        return _refusal(CHANGE, state)
    params = {
        "code": state.last_return_status,
        "info": state.last_return_info,
        "cop_no": state.cop_no,
        "next_version": state.version + 1,
    }
    return Verdict(CHANGE, True, "AMEND_CHANGE_ACCEPTED", params)


def withdraw_verdict(state: AmendmentState) -> Verdict:
    if state.channel != Channel.LIST:
        return Verdict(WITHDRAW, False, "AMEND_WITHDRAW_LIST_ONLY")
    if not is_returned(state):
        return _refusal(WITHDRAW, state)
    return Verdict(WITHDRAW, True, "AMEND_WITHDRAW_ACCEPTED")


def amendment_verdicts(state: AmendmentState) -> list[Verdict]:
    return [change_verdict(state), withdraw_verdict(state)]


def next_app_type(state: AmendmentState) -> str:
    """appType of the next submission: a change once customs holds a returned declaration; it stays a change
    for every later version (customs still holds it), otherwise what it was."""
    if is_returned(state):
        return APP_TYPE_CHANGE
    return state.app_type if state.app_type in (APP_TYPE_NEW, APP_TYPE_CHANGE) else APP_TYPE_NEW


# CEB604 answering a withdrawal (CEB603 appType 3): 399 审结 grants it, 100 refuses it (the list stays
# returned). Other codes (2 申报中 …) only report progress. Our inference; the spec has no deletion receipt.
WITHDRAW_RETURN_STATUS_MAP: dict[str, str] = {"399": S.WITHDRAWN, "800": S.WITHDRAWN, "100": S.REJECTED}


def withdrawal_target(return_status: str) -> str | None:
    """The status a CEB604 moves a WITHDRAWAL_REQUESTED list to (negative: refused, back to REJECTED)."""
    if return_status.startswith("-"):
        return S.REJECTED
    return WITHDRAW_RETURN_STATUS_MAP.get(return_status)


def markdown_table() -> str:
    """The codes as the table in docs/rules.md (tests/rules/test_amendments.py keeps them in step)."""
    from django.utils.translation import override

    rows = ["| code | zh-hans | English |", "|---|---|---|"]
    for code, message in AMENDMENT_RULES.items():
        with override("zh-hans"):
            zh = str(message)
        with override("en"):
            en = str(message)
        rows.append(f"| `{code}` | {zh} | {en} |")
    return "\n".join(rows)
