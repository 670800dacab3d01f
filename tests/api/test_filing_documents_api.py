"""Filing documents over the API: listed with a download URL of the API's own, served only to the tenant."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tests import factories as f

pytestmark = pytest.mark.django_db

LEASE = b"%PDF-1.4 lease contract of exporter A"


@pytest.fixture
def document(exporter_a):
    filing = f.WarehouseFilingFactory(warehouse=f.OverseasWarehouseFactory(enterprise=exporter_a))
    return f.WarehouseDocumentFactory(filing=filing, file__filename="lease.pdf", file__data=LEASE)


def _url(document, filing_pk=None):
    return reverse(
        "api-filing-document", kwargs={"pk": filing_pk or document.filing_id, "document_id": document.pk}
    )


def test_filing_lists_the_api_download_url(api_a, document):
    response = api_a.get(reverse("api-filing-detail", args=[document.filing_id]))

    assert response.status_code == 200
    [listed] = response.json()["documents"]
    assert listed["file_name"].startswith("lease") and listed["file_name"].endswith(".pdf")
    assert listed["download_url"] == f"http://testserver{_url(document)}"
    assert "file" not in listed  # no media path that nothing serves


def test_owner_downloads_the_bytes(api_a, document):
    response = api_a.get(_url(document))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == LEASE
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_other_tenant_and_undelegated_broker_get_404(api_b, document, exporter_a):
    broker = f.EnterpriseFactory(is_exporter=False, is_broker=True)
    broker_client = APIClient()
    broker_client.force_authenticate(f.MembershipFactory(enterprise=broker).user)

    for client in (api_b, broker_client):
        response = client.get(_url(document))
        assert response.status_code == 404
        assert LEASE not in response.content


def test_document_of_another_filing_is_404(api_a, document, exporter_a):
    own_other_filing = f.WarehouseFilingFactory(warehouse=f.OverseasWarehouseFactory(enterprise=exporter_a))

    assert api_a.get(_url(document, filing_pk=own_other_filing.pk)).status_code == 404


def test_anonymous_is_401(document):
    assert APIClient().get(_url(document)).status_code == 401
