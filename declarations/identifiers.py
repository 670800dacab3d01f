"""Identifier formats, pure functions shared by model validators and rules.

统一社会信用代码 (USCC, GB 32100-2015) and 海关注册编码 (customs registration code).
"""

import re
import uuid

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
# 3^(i-1) mod 31 for positions 1..17.
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_SHAPE = re.compile(rf"^[{USCC_ALPHABET}]{{18}}$")
CUSTOMS_CODE_RE = re.compile(r"^[0-9A-Z]{10}$")


def uscc_check_character(first17: str) -> str:
    total = sum(USCC_ALPHABET.index(ch) * w for ch, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def is_valid_uscc(value: str) -> bool:
    if not isinstance(value, str) or not _USCC_SHAPE.match(value):
        return False
    return uscc_check_character(value[:17]) == value[17]


def is_valid_customs_code(value: str) -> bool:
    """Only the pattern: real codes contain letters, so positional semantics are not enforced."""
    return isinstance(value, str) and bool(CUSTOMS_CODE_RE.match(value))


def is_valid_enterprise_code(value: str) -> bool:
    """Fields typed '10位海关代码或者18位信用代码' accept either identifier."""
    return is_valid_customs_code(value) or is_valid_uscc(value)


def validate_uscc(value: str) -> None:
    if not is_valid_uscc(value):
        raise ValidationError(
            _(
                "%(value)s is not a valid unified social credit code (18 characters with a correct check character)."
            ),
            code="invalid_uscc",
            params={"value": value},
        )


def validate_customs_code(value: str) -> None:
    if not is_valid_customs_code(value):
        raise ValidationError(
            _("%(value)s is not a valid customs registration code (10 digits or capital letters)."),
            code="invalid_customs_code",
            params={"value": value},
        )


# Identifiers (copNo, orderNo, waybill and the other numbers of a declaration) travel into XML messages, file
# names and HTTP headers: printable characters only (no CR, LF, TAB or other control or format characters, no
# line separators, no space but the plain one) and none of the characters that quote or mark up.
IDENTIFIER_FORBIDDEN_PUNCTUATION = "\"'<>&\\`"
_IDENTIFIER_PUNCTUATION = re.compile("[" + re.escape(IDENTIFIER_FORBIDDEN_PUNCTUATION) + "]")


def identifier_characters_ok(value: str) -> bool:
    """The one character rule of identifiers, shared by forms, the API serializers and the rules engine (which
    the spreadsheet import runs)."""
    return value.isprintable() and not _IDENTIFIER_PUNCTUATION.search(value)


def validate_identifier_characters(value) -> None:
    if isinstance(value, str) and value and not identifier_characters_ok(value):
        raise ValidationError(
            _(
                "Use printable characters only: no line breaks, tabs or control characters, and none of "
                "\" ' < > & \\ `."
            ),
            code="INVALID_IDENTIFIER",
        )


def new_guid() -> str:
    """Uppercase 36-character guid, as the CEB messages demand."""
    return str(uuid.uuid4()).upper()
