"""Signer interface: unsigned by default (appStatus 1); a configured signer gives appStatus 2 and a ds:Signature."""

import base64
import hashlib
import hmac

import pytest
from django.core.exceptions import ImproperlyConfigured
from lxml import etree

from declarations.messages.ceb303 import render_order
from declarations.messages.common import CEB_NS, DS_NS, RenderError
from declarations.messages.render import render_all, render_one
from declarations.messages.signing import (
    SM2_SM3,
    SM3,
    EnvelopedSigner,
    SigningError,
    UnsignedSigner,
    app_status_for,
    get_signer,
)
from tests.messages.test_render_business_types import (
    assert_valid_both,
    child_names,
    find_text,
    make_business_type,
    parse,
)

pytestmark = pytest.mark.django_db

FAKE_KEY = b"test-only key, not a real SM2 key"
FAKE_CERTIFICATE = b"0\x82test-only certificate"


class FakeSigner(EnvelopedSigner):
    """Test-only: real enveloped structure, SM3 digest (SHA-256 where OpenSSL lacks SM3), HMAC as the 'signature'."""

    @staticmethod
    def hash(data: bytes) -> bytes:
        name = "sm3" if "sm3" in hashlib.algorithms_available else "sha256"
        return hashlib.new(name, data).digest()

    def digest(self, data: bytes) -> bytes:
        return self.hash(data)

    def sign_value(self, data: bytes) -> bytes:
        return hmac.new(FAKE_KEY, data, hashlib.sha256).digest()

    def certificate(self) -> bytes:
        return FAKE_CERTIFICATE

    def key_name(self) -> str:
        return "0001"


fake_signer_instance = FakeSigner()
not_a_signer = object()


def signature_of(root):
    return root.find(f"{{{DS_NS}}}Signature")


def test_default_is_unsigned_with_app_status_1(settings):
    settings.MESSAGE_SIGNER = ""
    declaration, lines = make_business_type()

    signer = get_signer()
    rendered = render_all(declaration, lines)

    assert isinstance(signer, UnsignedSigner)
    assert app_status_for(signer) == "1"
    for message in rendered:
        root = parse(message.content)
        assert message.signed is False
        assert find_text(root, "//ceb:appStatus") == "1"
        assert signature_of(root) is None


def test_configured_signer_gives_app_status_2_and_a_signature_after_base_transfer(settings):
    settings.MESSAGE_SIGNER = "tests.messages.test_signing.FakeSigner"
    declaration, lines = make_business_type()

    rendered = render_all(declaration, lines)

    assert [message.message_type for message in rendered] == ["CEB303", "CEB505", "CEB603"]
    for message in rendered:
        root = parse(message.content)
        assert message.signed is True
        assert find_text(root, "//ceb:appStatus") == "2"
        names = child_names(root)
        assert names[-2:] == ["BaseTransfer", "Signature"]
        signature = signature_of(root)
        assert signature is not None and signature.prefix == "ds"
        assert child_names(signature) == ["SignedInfo", "SignatureValue", "KeyInfo"]
        signed_info = signature.find(f"{{{DS_NS}}}SignedInfo")
        assert signed_info.find("{*}SignatureMethod").get("Algorithm") == SM2_SM3
        assert signed_info.find("{*}Reference/{*}DigestMethod").get("Algorithm") == SM3
        assert signed_info.find("{*}Reference").get("URI") == ""
        assert find_text(signature, "ds:KeyInfo/ds:KeyName") == "0001"
        certificate = find_text(signature, "ds:KeyInfo/ds:X509Data/ds:X509Certificate")
        assert base64.b64decode(certificate) == FAKE_CERTIFICATE
    # The official XSD imports xmldsig, so it checks the signature's structure too.
    assert_valid_both(*(message.content for message in rendered))


def test_digest_and_signature_value_verify():
    declaration, lines = make_business_type()
    unsigned = render_order(declaration, lines, app_status="2").content

    signed = FakeSigner().sign(unsigned)

    root = parse(signed)
    signature = signature_of(root)
    signed_info_c14n = etree.tostring(
        signature.find(f"{{{DS_NS}}}SignedInfo"), method="c14n", with_comments=False
    )
    expected_value = hmac.new(FAKE_KEY, signed_info_c14n, hashlib.sha256).digest()
    assert base64.b64decode(find_text(signature, "ds:SignatureValue")) == expected_value
    digest_value = find_text(signature, "ds:SignedInfo/ds:Reference/ds:DigestValue")
    root.remove(signature)  # the enveloped-signature transform
    assert base64.b64decode(digest_value) == FakeSigner.hash(
        etree.tostring(root, method="c14n", with_comments=False)
    )
    assert etree.tostring(root, method="c14n") == etree.tostring(parse(unsigned), method="c14n")


def test_comments_are_not_part_of_the_digest():
    declaration, lines = make_business_type()
    unsigned = render_order(declaration, lines, app_status="2").content
    commented = unsigned.replace(b"<ceb:Order>", b"<ceb:Order><!-- a comment -->", 1)

    digests = [find_text(parse(FakeSigner().sign(xml)), "//ds:DigestValue") for xml in (unsigned, commented)]

    assert digests[0] == digests[1]


def test_signature_goes_before_extend_message():
    declaration, lines = make_business_type()
    root = parse(render_order(declaration, lines, app_status="2").content)
    etree.SubElement(root, f"{{{CEB_NS}}}ExtendMessage")
    unsigned = etree.tostring(root, xml_declaration=True, encoding="UTF-8")

    signed = parse(FakeSigner().sign(unsigned))

    assert child_names(signed)[-3:] == ["BaseTransfer", "Signature", "ExtendMessage"]


def test_a_signed_message_is_not_signed_twice():
    declaration, lines = make_business_type()
    signed = FakeSigner().sign(render_order(declaration, lines).content)

    with pytest.raises(SigningError, match="already signed"):
        FakeSigner().sign(signed)


def test_signer_from_settings_accepts_an_instance_and_rejects_bad_paths(settings):
    settings.MESSAGE_SIGNER = "tests.messages.test_signing.fake_signer_instance"
    assert get_signer() is fake_signer_instance
    assert app_status_for(get_signer()) == "2"

    settings.MESSAGE_SIGNER = "tests.messages.test_signing.NoSuchSigner"
    with pytest.raises(ImproperlyConfigured, match="cannot be imported"):
        get_signer()

    settings.MESSAGE_SIGNER = "tests.messages.test_signing.not_a_signer"
    with pytest.raises(ImproperlyConfigured, match="sign"):
        get_signer()


def test_app_status_cannot_be_forced_past_the_signer():
    declaration, lines = make_business_type()

    with pytest.raises(RenderError, match="appStatus"):
        render_one("CEB303", declaration, lines, signer=UnsignedSigner(), app_status="2")
