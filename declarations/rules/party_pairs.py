"""Code and name pairs of the parties a sheet names (电商平台, 物流企业, 生产销售单位): a name never travels without
its code, and a code never travels with another enterprise's name (issue 20 part 3).

Plain values in, findings out: the caller gives the names the enterprise records hold per code.
"""

from __future__ import annotations

import unicodedata

from django.utils.translation import gettext as _

# (code key, name key) as the spreadsheet columns and CEB elements call them.
PARTY_PAIRS = (("ebpCode", "ebpName"), ("logisticsCode", "logisticsName"), ("ownerCode", "ownerName"))
PARTY_CODE_MISSING = "PARTY_CODE_MISSING"
PARTY_NAME_MISMATCH = "PARTY_NAME_MISMATCH"
_NO_CODE = {"", "无"}  # 无: the template's "none" for a platform


def comparable_name(name) -> str:
    """Names compare without width, case or spacing differences (（） and () are the same)."""
    text = unicodedata.normalize("NFKC", str(name or ""))
    return "".join(text.split()).casefold()


def party_codes(values: dict) -> set[str]:
    """The codes of a row's parties, for the caller to look up."""
    return {str(values.get(code) or "").strip().upper() for code, _name in PARTY_PAIRS} - _NO_CODE


def names_by_code(records) -> dict[str, dict[str, str]]:
    """code -> {comparable name: name} from (customs code, name, English name) of enterprise records."""
    names: dict[str, dict[str, str]] = {}
    for code, name, name_en in records:
        for each in (name, name_en):
            if each:
                names.setdefault(code.upper(), {})[comparable_name(each)] = each
    return names


def check_party_pairs(values: dict, names: dict[str, dict[str, str]]) -> list[tuple[str, str, str]]:
    """(key, code, message) per problem: a name with a blank code on the code's cell; a name that is not the
    name of any enterprise registered with the code on the name's cell (``names``: from names_by_code)."""
    problems = []
    for code_key, name_key in PARTY_PAIRS:
        code = str(values.get(code_key) or "").strip()
        name = str(values.get(name_key) or "").strip()
        if not name:
            continue
        if not code:
            problems.append(
                (
                    code_key,
                    PARTY_CODE_MISSING,
                    _("“%(name)s” is given without its code: fill in the code of this enterprise.")
                    % {"name": name},
                )
            )
            continue
        known = names.get(code.upper())
        if known and comparable_name(name) not in known:
            problems.append(
                (
                    name_key,
                    PARTY_NAME_MISMATCH,
                    _(
                        "“%(name)s” is not the name registered for the code %(code)s (%(registered)s): check "
                        "which of the two is wrong."
                    )
                    % {"name": name, "code": code, "registered": "、".join(sorted(known.values()))},
                )
            )
    return problems
