"""Message signing (spec §2.5): an enveloped XML-DSig ds:Signature, SM2-SM3 with the enterprise's e-port key.

The portal holds no key. By default messages stay unsigned with appStatus 1 (暂存) and the official client signs
and declares them; a deployment with a signing service (a server crypto device, the e-port card via a local
agent) configures settings.MESSAGE_SIGNER and then messages go out signed with appStatus 2 (申报).
"""

from __future__ import annotations

import base64
from typing import Protocol, runtime_checkable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string
from lxml import etree

from .common import APP_STATUS_DECLARE, APP_STATUS_DRAFT, CEB_NS, DS_NS, DS_PREFIX, serialise

C14N = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
ENVELOPED = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"
SM2_SM3 = "http://www.chinaport.gov.cn/2022/04/xmldsig#sm2-sm3"
SM3 = "http://www.chinaport.gov.cn/2022/04/xmldsig#sm3"

# The signature goes after these (XSD: BaseTransfer, BaseSubscribe*, ds:Signature?, ExtendMessage?).
_SIGNATURE_FOLLOWS = frozenset({f"{{{CEB_NS}}}BaseTransfer", f"{{{CEB_NS}}}BaseSubscribe"})


class SigningError(RuntimeError):
    pass


@runtime_checkable
class Signer(Protocol):
    """Turns an unsigned CEB message into the bytes to send.

    `signs` says whether the output carries a real business signature: only then is appStatus 2 sent.
    """

    signs: bool

    def sign(self, xml: bytes) -> bytes: ...


class UnsignedSigner:
    """The default: no signature; the official client signs (appStatus 1)."""

    signs = False

    def sign(self, xml: bytes) -> bytes:
        return xml


class EnvelopedSigner:
    """Base of real signers: builds the enveloped ds:Signature; subclasses supply the cryptography.

    A subclass implements `digest` (SM3 of the canonical document), `sign_value` (SM2 over the canonical
    SignedInfo), `certificate` (DER) and `key_name` (the certificate number), typically by calling the signing
    service. The algorithm URIs are the spec's SM2-SM3 ones.
    """

    signs = True
    signature_method = SM2_SM3
    digest_method = SM3

    def digest(self, data: bytes) -> bytes:
        raise NotImplementedError

    def sign_value(self, data: bytes) -> bytes:
        raise NotImplementedError

    def certificate(self) -> bytes:
        raise NotImplementedError

    def key_name(self) -> str:
        raise NotImplementedError

    def sign(self, xml: bytes) -> bytes:
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
        root = etree.fromstring(xml, parser)
        if root.find(f"{{{DS_NS}}}Signature") is not None:
            raise SigningError("the message is already signed")
        # Enveloped transform: the digest covers the document as it is before the signature is inserted.
        digest = self.digest(_c14n(root))

        signature = _build_signature(self, digest)
        root.insert(_signature_index(root), signature)
        signed_info = signature.find(f"{{{DS_NS}}}SignedInfo")
        # Canonicalised in place, so the inherited namespace declarations are part of what is signed.
        value = self.sign_value(_c14n(signed_info))
        signature.find(f"{{{DS_NS}}}SignatureValue").text = _b64(value)
        return serialise(root, pretty=False)


def _c14n(element: etree._Element) -> bytes:
    # Inclusive C14N 1.0 without comments: both the URI="" reference and the CanonicalizationMethod drop them.
    return etree.tostring(element, method="c14n", with_comments=False)


def _ds(parent: etree._Element | None, name: str, **attributes: str) -> etree._Element:
    tag = f"{{{DS_NS}}}{name}"
    if parent is None:
        return etree.Element(tag, attributes, nsmap={DS_PREFIX: DS_NS})
    return etree.SubElement(parent, tag, attributes)


def _build_signature(signer: EnvelopedSigner, digest: bytes) -> etree._Element:
    signature = _ds(None, "Signature")
    signed_info = _ds(signature, "SignedInfo")
    _ds(signed_info, "CanonicalizationMethod", Algorithm=C14N)
    _ds(signed_info, "SignatureMethod", Algorithm=signer.signature_method)
    reference = _ds(signed_info, "Reference", URI="")
    _ds(_ds(reference, "Transforms"), "Transform", Algorithm=ENVELOPED)
    _ds(reference, "DigestMethod", Algorithm=signer.digest_method)
    _ds(reference, "DigestValue").text = _b64(digest)
    _ds(signature, "SignatureValue")
    key_info = _ds(signature, "KeyInfo")
    _ds(key_info, "KeyName").text = signer.key_name()
    _ds(_ds(key_info, "X509Data"), "X509Certificate").text = _b64(signer.certificate())
    return signature


def _signature_index(root: etree._Element) -> int:
    positions = [i for i, child in enumerate(root) if child.tag in _SIGNATURE_FOLLOWS]
    if not positions:
        raise SigningError("no BaseTransfer: not a CEB declaration message")
    return positions[-1] + 1


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def app_status_for(signer: Signer) -> str:
    """appStatus 2 (申报) only with a real signature; otherwise 1 (暂存) for the official client to sign."""
    return APP_STATUS_DECLARE if signer.signs else APP_STATUS_DRAFT


def get_signer() -> Signer:
    """The signer of settings.MESSAGE_SIGNER (dotted path of a class or instance); empty means unsigned."""
    path = getattr(settings, "MESSAGE_SIGNER", "")
    if not path:
        return UnsignedSigner()
    try:
        target = import_string(path)
    except ImportError as exc:
        raise ImproperlyConfigured(f"MESSAGE_SIGNER {path!r} cannot be imported: {exc}") from exc
    signer = target() if isinstance(target, type) else target
    if not isinstance(signer, Signer):
        raise ImproperlyConfigured(f"MESSAGE_SIGNER {path!r} does not provide `signs` and `sign(xml)`")
    return signer
