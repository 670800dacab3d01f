import pytest
from django.core.exceptions import ValidationError

from declarations.identifiers import (
    USCC_ALPHABET,
    is_valid_customs_code,
    is_valid_enterprise_code,
    is_valid_uscc,
    new_guid,
    validate_uscc,
)

VECTORS = ["91440300MA5F000181", "91330100MA27AB124U", "91110108100023453W"]


@pytest.mark.parametrize("code", VECTORS)
def test_uscc_vectors_are_valid(code):
    assert is_valid_uscc(code)
    validate_uscc(code)


@pytest.mark.parametrize("code", VECTORS)
def test_every_single_character_corruption_is_invalid(code):
    corrupted = 0
    for pos in range(18):
        for ch in USCC_ALPHABET:
            if ch == code[pos]:
                continue
            candidate = code[:pos] + ch + code[pos + 1 :]
            assert not is_valid_uscc(candidate), candidate
            corrupted += 1
    assert corrupted == 18 * 30


@pytest.mark.parametrize(
    "bad", ["", "9144030MA5F00018", "91440300MA5F0001811", "91440300ma5f000181", "91440300MA5F00018I"]
)
def test_uscc_malformed(bad):
    assert not is_valid_uscc(bad)
    with pytest.raises(ValidationError):
        validate_uscc(bad)


def test_customs_code_pattern_accepts_letters():
    assert is_valid_customs_code("44306650K2")
    assert is_valid_customs_code("1105910159")
    assert not is_valid_customs_code("4430665K2")
    assert not is_valid_customs_code("44306650k2")
    assert is_valid_enterprise_code("91440300MA5F000181")
    assert not is_valid_enterprise_code("无")


def test_guid_is_uppercase_36():
    guid = new_guid()
    assert len(guid) == 36
    assert guid == guid.upper()
