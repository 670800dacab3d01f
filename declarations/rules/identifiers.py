"""Enterprise identifiers: 统一社会信用代码 (USCC) check character, 10-character customs registration codes.

Fields typed "10位海关代码或者18位信用代码" accept either; ebpCode may be 无 (foreign platform without a
code) and ownerCode NO (producer not registered with customs). The checks live in declarations.identifiers.
"""

from __future__ import annotations

from declarations.identifiers import is_valid_customs_code, is_valid_uscc

from .context import NO_PLATFORM_CODE
from .fields import NO_OWNER_CODE, related, text_value
from .finding import Finding

_PARAM_MAX = 40  # keep stored params short whatever was typed


def short(value: str) -> str:
    return value if len(value) <= _PARAM_MAX else value[: _PARAM_MAX - 1] + "…"


def check_enterprise_code(value, field: str, *, placeholder: str | None = None) -> list[Finding]:
    """Either identifier; an 18-character value must carry a correct USCC check character."""
    code = text_value(value).strip()
    if not code or code == placeholder:
        return []
    if len(code) == 18:
        return [] if is_valid_uscc(code) else [Finding.of("INVALID_USCC", field, value=short(code))]
    if is_valid_customs_code(code):
        return []
    return [Finding.of("INVALID_ENTERPRISE_CODE", field, value=short(code))]


def check_party(enterprise, field: str) -> list[Finding]:
    """An Enterprise record: its USCC must be valid, its customs code (when known) well formed."""
    if enterprise is None:
        return []  # REQUIRED, from fields.py
    uscc = text_value(getattr(enterprise, "uscc", None)).strip()
    if not uscc:
        return [Finding.of("REQUIRED", field)]
    if not is_valid_uscc(uscc):
        return [Finding.of("INVALID_USCC", field, value=short(uscc))]
    customs_code = text_value(getattr(enterprise, "customs_code", None)).strip()
    if customs_code and not is_valid_customs_code(customs_code):
        return [Finding.of("INVALID_ENTERPRISE_CODE", field, value=short(customs_code))]
    return []


def check_identifiers(head) -> list[Finding]:
    findings = check_party(related(head, "enterprise"), "ebcCode")
    findings += check_party(related(head, "agent"), "agentCode")
    findings += check_enterprise_code(
        getattr(head, "ebp_code", None), "ebpCode", placeholder=NO_PLATFORM_CODE
    )
    findings += check_enterprise_code(getattr(head, "logistics_code", None), "logisticsCode")
    findings += check_enterprise_code(
        getattr(head, "owner_code", None), "ownerCode", placeholder=NO_OWNER_CODE
    )
    return findings
