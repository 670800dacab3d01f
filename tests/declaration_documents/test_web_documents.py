"""A declaration's documents in the portal: the panel on its page, upload, generate, download; the tenancy of
every route (another tenant: 404 and nothing changed; a broker whose delegation ended: nothing more)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from declarations.models import DeclarationDocument, Delegation
from declarations.services.staff import reviewer_group_ensure
from tests import factories as f
from tests.documents import real_pdf

pytestmark = pytest.mark.django_db

CONTRACT = real_pdf("sales contract A")


def _urls(declaration, document=None):
    urls = {
        "panel": reverse("declaration_documents", args=[declaration.pk]),
        "upload": reverse("declaration_document_upload", args=[declaration.pk]),
        "generate": reverse("declaration_document_generate", args=[declaration.pk]),
    }
    if document is not None:
        urls["download"] = reverse("declaration_document", args=[declaration.pk, document.pk])
    return urls


def _upload(client, declaration, name="contract.pdf", data=CONTRACT, doc_type="contract"):
    return client.post(
        _urls(declaration)["upload"], {"doc_type": doc_type, "file": SimpleUploadedFile(name, data)}
    )


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.fixture
def contract(declaration_a):
    return f.DeclarationDocumentFactory(declaration=declaration_a, file__data=CONTRACT)


def test_the_declaration_page_loads_the_documents_panel(client_a, declaration_a):
    body = client_a.get(reverse("declaration_detail", args=[declaration_a.pk])).content.decode()
    url = reverse("declaration_documents", args=[declaration_a.pk])
    assert f'hx-get="{url}"' in body
    panel = client_a.get(url, headers={"HX-Request": "true"}).content.decode()
    assert panel.startswith('<section class="card" id="documents">')
    assert 'id="no-documents"' in panel and 'id="upload-form"' in panel and 'id="generate-form"' in panel


def test_owner_uploads_and_downloads_a_contract(client_a, user_a, declaration_a):
    response = _upload(client_a, declaration_a)
    assert response.status_code == 302
    assert response["Location"] == reverse("declaration_detail", args=[declaration_a.pk]) + "#documents"
    document = DeclarationDocument.objects.get()
    assert (document.doc_type, document.file_name, document.uploaded_by) == (
        "contract",
        "contract.pdf",
        user_a,
    )
    panel = client_a.get(_urls(declaration_a)["panel"], headers={"HX-Request": "true"}).content.decode()
    assert "contract.pdf" in panel and "合同" in panel
    download = client_a.get(_urls(declaration_a, document)["download"])
    assert download.status_code == 200
    assert _body(download) == CONTRACT
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == 'attachment; filename="contract.pdf"'
    assert download["X-Content-Type-Options"] == "nosniff"


def test_a_refused_upload_shows_the_error_on_its_field_and_stores_nothing(client_a, declaration_a):
    response = _upload(client_a, declaration_a, name="contract.exe")
    assert response.status_code == 400
    assert "文件: 仅接受 PDF、JPEG 或 PNG 文件，不接受“contract.exe”。" in response.content.decode()
    assert DeclarationDocument.objects.count() == 0


def test_owner_generates_the_invoice_and_downloads_it(client_a, codes, declaration_a):
    response = client_a.post(
        _urls(declaration_a)["generate"],
        {"kind": "invoice", "buyer_name": "Acme Imports LLC", "buyer_address": "1 Main St"},
    )
    assert response.status_code == 302
    document = DeclarationDocument.objects.get()
    assert (document.doc_type, document.generated, document.declaration_version) == ("invoice", True, 2)
    download = client_a.get(_urls(declaration_a, document)["download"])
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == f'attachment; filename="{declaration_a.cop_no}_invoice_v2.pdf"'
    text = PdfReader(io.BytesIO(_body(download))).pages[0].extract_text()
    assert "Acme Imports LLC" in text and "蓝牙耳机" in text
    panel = client_a.get(_urls(declaration_a)["panel"], headers={"HX-Request": "true"}).content.decode()
    assert "由版本 2 生成" in panel and 'value="Acme Imports LLC"' in panel


def test_a_refused_generation_names_the_buyer_and_stores_nothing(client_a, declaration_a):
    response = client_a.post(_urls(declaration_a)["generate"], {"kind": "invoice", "buyer_name": ""})
    assert response.status_code == 400
    assert "买方（收货人）: 该字段是必填项。" in response.content.decode()
    assert DeclarationDocument.objects.count() == 0


def _assert_all_refused(client, declaration, document, status):
    urls = _urls(declaration, document)
    assert client.get(urls["panel"]).status_code == status
    assert client.get(urls["panel"], headers={"HX-Request": "true"}).status_code == status
    assert client.get(urls["download"]).status_code == status
    assert _upload(client, declaration).status_code == status
    generate = client.post(urls["generate"], {"kind": "invoice", "buyer_name": "Mallory"})
    assert generate.status_code == status
    assert list(DeclarationDocument.objects.values_list("pk", "file_name")) == [
        (document.pk, document.file_name)
    ]


def test_another_tenant_gets_404_on_every_route_and_nothing_changes(client_b, declaration_a, contract):
    _assert_all_refused(client_b, declaration_a, contract, 404)


def test_a_document_under_another_declaration_id_is_404(client_b, user_b, exporter_b, contract):
    # exporter B's own declaration id with A's document id: still 404
    own = f.DeclarationFactory(enterprise=exporter_b)
    response = client_b.get(reverse("declaration_document", args=[own.pk, contract.pk]))
    assert response.status_code == 404


def test_a_delegated_broker_uploads_and_loses_everything_when_the_delegation_ends(
    client_broker, broker_c, declaration_a, contract
):
    assert _upload(client_broker, declaration_a, name="order.pdf", doc_type="screenshot").status_code == 302
    assert DeclarationDocument.objects.count() == 2
    DeclarationDocument.objects.exclude(pk=contract.pk).delete()
    Delegation.objects.filter(broker=broker_c).update(status="ended")
    _assert_all_refused(client_broker, declaration_a, contract, 404)


def test_a_broker_sees_its_agent_filing_after_the_delegation_ended_but_changes_nothing(
    client_broker, broker_c, exporter_a
):
    declaration = f.DeclarationFactory(enterprise=exporter_a, agent=broker_c)
    f.DeclarationLineFactory(declaration=declaration)
    document = f.DeclarationDocumentFactory(declaration=declaration, file__data=CONTRACT)
    Delegation.objects.filter(broker=broker_c).update(status="ended")
    urls = _urls(declaration, document)
    assert client_broker.get(urls["download"]).status_code == 200
    panel = client_broker.get(urls["panel"], headers={"HX-Request": "true"}).content.decode()
    assert "upload-form" not in panel and "generate-form" not in panel
    assert _upload(client_broker, declaration).status_code == 403
    assert client_broker.post(urls["generate"], {"kind": "invoice", "buyer_name": "X"}).status_code == 403
    assert list(DeclarationDocument.objects.values_list("pk", flat=True)) == [document.pk]


def test_a_reviewer_downloads_any_document_a_staff_member_without_the_permission_does_not(contract):
    reviewer = f.UserFactory(is_staff=True)
    reviewer.groups.add(reviewer_group_ensure())
    client = Client()
    client.force_login(reviewer)
    urls = _urls(contract.declaration, contract)
    assert _body(client.get(urls["download"])) == CONTRACT
    # a reviewer changes nothing
    assert _upload(client, contract.declaration).status_code == 404
    staff = Client()
    staff.force_login(f.UserFactory(is_staff=True))
    assert staff.get(urls["download"]).status_code == 404
