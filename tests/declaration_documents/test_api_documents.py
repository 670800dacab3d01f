"""The API twin of a declaration's documents: list, upload, download, generate; the same checks and tenancy as
the portal (another tenant: 404, a user who sees but may not change: 403; nothing changes either way)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader

from declarations.models import DeclarationDocument, Delegation
from tests import factories as f
from tests.documents import real_pdf

pytestmark = pytest.mark.django_db

CONTRACT = real_pdf("contract via API")


def _list(declaration):
    return f"/api/declarations/{declaration.pk}/documents/"


def _one(declaration, document):
    return f"/api/declarations/{declaration.pk}/documents/{document.pk}/"


def _generate(declaration):
    return f"/api/declarations/{declaration.pk}/documents/generate/"


def _upload(api, declaration, name="contract.pdf", data=CONTRACT, doc_type="contract"):
    return api.post(
        _list(declaration), {"docType": doc_type, "file": SimpleUploadedFile(name, data)}, format="multipart"
    )


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.fixture
def contract(declaration_a):
    return f.DeclarationDocumentFactory(declaration=declaration_a, file__data=CONTRACT)


def test_upload_list_and_download(api_a, declaration_a):
    response = _upload(api_a, declaration_a)
    assert response.status_code == 201, response.json()
    document = DeclarationDocument.objects.get()
    assert response.json() == {
        "id": document.pk,
        "docType": "contract",
        "fileName": "contract.pdf",
        "size": len(CONTRACT),
        "generated": False,
        "declarationVersion": None,
        "current": None,
        "createdAt": response.json()["createdAt"],
        "downloadUrl": f"http://testserver{_one(declaration_a, document)}",
    }
    listed = api_a.get(_list(declaration_a)).json()
    assert [row["id"] for row in listed] == [document.pk]
    download = api_a.get(_one(declaration_a, document))
    assert download.status_code == 200 and _body(download) == CONTRACT
    assert download["Content-Type"] == "application/octet-stream"
    assert download["Content-Disposition"] == 'attachment; filename="contract.pdf"'


def test_a_refused_upload_names_the_field_and_stores_nothing(api_a, declaration_a):
    response = _upload(api_a, declaration_a, name="contract.png")
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["field"] == "file"
    assert "contract.png" in error["message"]
    bad_type = _upload(api_a, declaration_a, doc_type="passport")
    assert bad_type.status_code == 400 and bad_type.json()["errors"][0]["field"] == "docType"
    assert DeclarationDocument.objects.count() == 0


def test_generate_the_packing_list(api_a, codes, declaration_a):
    response = api_a.post(
        _generate(declaration_a),
        {"kind": "packing_list", "buyerName": "Acme Imports LLC", "buyerAddress": "1 Main St"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["docType"], body["generated"], body["declarationVersion"], body["current"]) == (
        "packing_list",
        True,
        2,
        True,
    )
    assert body["fileName"] == f"{declaration_a.cop_no}_packing_list_v2.pdf"
    download = api_a.get(body["downloadUrl"])
    text = PdfReader(io.BytesIO(_body(download))).pages[0].extract_text()
    assert "PACKING LIST" in text and "保温杯" in text and "Acme Imports LLC" in text


def test_a_refused_generation_names_the_field_and_stores_nothing(api_a, declaration_a):
    response = api_a.post(_generate(declaration_a), {"kind": "invoice", "buyerName": " "}, format="json")
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["buyerName"]
    response = api_a.post(_generate(declaration_a), {"kind": "bill", "buyerName": "Acme"}, format="json")
    assert [e["field"] for e in response.json()["errors"]] == ["kind"]
    assert DeclarationDocument.objects.count() == 0


def _assert_all_refused(api, declaration, document, status):
    assert api.get(_list(declaration)).status_code == status
    assert api.get(_one(declaration, document)).status_code == status
    assert _upload(api, declaration).status_code == status
    generate = api.post(_generate(declaration), {"kind": "invoice", "buyerName": "Mallory"}, format="json")
    assert generate.status_code == status
    assert list(DeclarationDocument.objects.values_list("pk", flat=True)) == [document.pk]


def test_another_tenant_gets_404_and_nothing_changes(api_b, declaration_a, contract):
    _assert_all_refused(api_b, declaration_a, contract, 404)


def test_a_broker_whose_delegation_ended_gets_404(api_broker, broker_c, declaration_a, contract):
    assert api_broker.get(_list(declaration_a)).status_code == 200
    Delegation.objects.filter(broker=broker_c).update(status="ended")
    _assert_all_refused(api_broker, declaration_a, contract, 404)


def test_a_broker_sees_its_agent_filing_but_changes_nothing_once_the_delegation_ended(
    api_broker, broker_c, exporter_a
):
    declaration = f.DeclarationFactory(enterprise=exporter_a, agent=broker_c)
    f.DeclarationLineFactory(declaration=declaration)
    document = f.DeclarationDocumentFactory(declaration=declaration, file__data=CONTRACT)
    Delegation.objects.filter(broker=broker_c).update(status="ended")
    assert api_broker.get(_one(declaration, document)).status_code == 200
    assert _upload(api_broker, declaration).status_code == 403
    generate = api_broker.post(_generate(declaration), {"kind": "invoice", "buyerName": "X"}, format="json")
    assert generate.status_code == 403
    assert list(DeclarationDocument.objects.values_list("pk", flat=True)) == [document.pk]


def test_the_routes_are_in_the_schema(api_a):
    schema = api_a.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    paths = schema["paths"]
    assert set(paths["/api/declarations/{id}/documents/"]) == {"get", "post"}
    assert set(paths["/api/declarations/{id}/documents/generate/"]) == {"post"}
    assert set(paths["/api/declarations/{id}/documents/{document_id}/"]) == {"get"}
    upload = paths["/api/declarations/{id}/documents/"]["post"]
    assert set(upload["responses"]) >= {"201", "400", "401", "403", "404", "409", "413", "415"}


def test_the_document_types_do_not_replace_the_filings_document_types(api_a):
    # Both fields are a "doc type": each keeps its own enum in the schema.
    schemas = api_a.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()["components"]
    schemas = schemas["schemas"]
    assert schemas["DocTypeEnum"]["enum"] == ["ownership", "lease", "inbound", "other"]
    assert schemas["DeclarationDocumentTypeEnum"]["enum"] == [
        "contract",
        "invoice",
        "packing_list",
        "screenshot",
        "other",
    ]
