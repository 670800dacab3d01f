"""Uploaded registration attachments and warehouse documents: downloads checked per tenant, never a public path."""

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse
from django.views import static

from declarations.models import Membership
from tests import factories as f

pytestmark = pytest.mark.django_db

LICENCE = b"%PDF-1.4 licence of exporter A"
LEASE = b"%PDF-1.4 lease contract of exporter A"


@pytest.fixture
def attachment(exporter_a):
    return f.RegistrationAttachmentFactory(
        registration=f.RegistrationFactory(enterprise=exporter_a),
        file__filename="licence.pdf",
        file__data=LICENCE,
    )


@pytest.fixture
def document(exporter_a):
    filing = f.WarehouseFilingFactory(warehouse=f.OverseasWarehouseFactory(enterprise=exporter_a))
    return f.WarehouseDocumentFactory(filing=filing, file__filename="lease.pdf", file__data=LEASE)


def _attachment_url(attachment, registration=None):
    return reverse(
        "registration_attachment", args=[(registration or attachment.registration).pk, attachment.pk]
    )


def _document_url(document, filing=None):
    return reverse("warehouse_document", args=[(filing or document.filing).pk, document.pk])


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def _assert_download(response, data: bytes, stored):
    assert response.status_code == 200
    assert _body(response) == data
    # The stored name (storage may have added a suffix to keep it unique), without the private folder path.
    name = stored.file.name.rsplit("/", 1)[-1]
    assert name.startswith(("licence", "lease")) and name.endswith(".pdf")
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_owner_downloads_the_attachment(client_a, attachment):
    _assert_download(client_a.get(_attachment_url(attachment)), LICENCE, attachment)


def test_owner_downloads_the_warehouse_document(client_a, document):
    _assert_download(client_a.get(_document_url(document)), LEASE, document)


def test_delegated_broker_downloads_like_it_sees_the_registration(client_broker, attachment, document):
    # The broker declares for exporter A and sees its registrations and filings, so it sees their documents.
    _assert_download(client_broker.get(_attachment_url(attachment)), LICENCE, attachment)
    _assert_download(client_broker.get(_document_url(document)), LEASE, document)


def test_other_tenant_gets_404(client_b, attachment, document):
    for url in (_attachment_url(attachment), _document_url(document)):
        response = client_b.get(url)
        assert response.status_code == 404
        assert LICENCE not in response.content and LEASE not in response.content


def test_broker_without_delegation_gets_404(attachment, document):
    broker = f.EnterpriseFactory(is_exporter=False, is_broker=True)
    client = Client()
    client.force_login(f.MembershipFactory(enterprise=broker, role=Membership.Role.ADMIN).user)
    assert client.get(_attachment_url(attachment)).status_code == 404
    assert client.get(_document_url(document)).status_code == 404


def test_own_parent_with_another_tenants_document_id_is_404(
    client_b, user_b, exporter_b, attachment, document
):
    # B may see its own registration and filing, but not reach A's files through them.
    own_registration = f.RegistrationFactory(enterprise=exporter_b)
    own_filing = f.WarehouseFilingFactory(warehouse=f.OverseasWarehouseFactory(enterprise=exporter_b))
    assert client_b.get(_attachment_url(attachment, own_registration)).status_code == 404
    assert client_b.get(_document_url(document, own_filing)).status_code == 404


def test_anonymous_is_sent_to_login(attachment, document):
    client = Client()
    for url in (_attachment_url(attachment), _document_url(document)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('login')}?next={url}"


def test_download_is_get_only(client_a, attachment):
    assert client_a.post(_attachment_url(attachment)).status_code == 405


def test_missing_file_is_404_not_500(client_a, attachment):
    attachment.file.storage.delete(attachment.file.name)
    assert client_a.get(_attachment_url(attachment)).status_code == 404


def test_detail_pages_link_to_the_checked_views(client_a, attachment, document):
    page = client_a.get(reverse("registration_detail", args=[attachment.registration.pk])).content.decode()
    assert f'href="{_attachment_url(attachment)}"' in page
    assert attachment.file.name not in page
    page = client_a.get(reverse("warehouse_filing_detail", args=[document.filing.pk])).content.decode()
    assert f'href="{_document_url(document)}"' in page
    assert document.file.name not in page


def _views(patterns):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _views(pattern.url_patterns)
        else:
            yield pattern.callback


def test_nothing_serves_media_root_statically(client_a, attachment, document, settings):
    assert static.serve not in set(_views(get_resolver().url_patterns))
    for stored in (attachment.file, document.file):
        assert (
            client_a.get(f"/{settings.MEDIA_URL.strip('/')}/{stored.name}".replace("//", "/")).status_code
            == 404
        )
