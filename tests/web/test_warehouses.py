import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from declarations.choices import ReviewStatus
from declarations.forms import MAX_UPLOAD_BYTES
from declarations.models import OverseasWarehouse, WarehouseDocument, WarehouseFiling
from tests import factories as f
from tests.documents import real_pdf

pytestmark = pytest.mark.django_db


def _warehouse_data(enterprise, **overrides):
    country = f.CountryFactory()
    data = {
        "enterprise": enterprise.pk,
        "name": "Ontario DC",
        "country": country.pk,
        "address": "1 Way, Ontario, CA",
        "ownership": "leased",
        "lease_start": "2025-01-01",
        "lease_end": "2027-12-31",
    }
    data.update(overrides)
    return data


def test_create_warehouse_then_file_upload_submit(client_a, exporter_a):
    response = client_a.post(reverse("warehouse_create"), _warehouse_data(exporter_a))
    warehouse = OverseasWarehouse.objects.get(enterprise=exporter_a)
    assert response["Location"] == reverse("warehouse_detail", args=[warehouse.pk])
    client_a.post(reverse("warehouse_filing_create", args=[warehouse.pk]))
    filing = WarehouseFiling.objects.get(warehouse=warehouse)
    assert filing.status == ReviewStatus.DRAFT
    # a leased warehouse needs the lease contract
    client_a.post(reverse("warehouse_filing_submit", args=[filing.pk]))
    filing.refresh_from_db()
    assert filing.status == ReviewStatus.DRAFT
    pdf = SimpleUploadedFile("lease.pdf", real_pdf("lease"), content_type="application/pdf")
    client_a.post(reverse("warehouse_filing_detail", args=[filing.pk]), {"doc_type": "lease", "file": pdf})
    client_a.post(reverse("warehouse_filing_submit", args=[filing.pk]))
    filing.refresh_from_db()
    assert filing.status == ReviewStatus.SUBMITTED


def test_leased_needs_dates(client_a, exporter_a):
    response = client_a.post(reverse("warehouse_create"), _warehouse_data(exporter_a, lease_end=""))
    assert response.status_code == 200
    assert OverseasWarehouse.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "data"),
    [("lease.exe", b"%PDF-1.4"), ("lease.png", b"%PDF-1.4"), ("big.pdf", b"%PDF" + b"0" * MAX_UPLOAD_BYTES)],
)
def test_document_type_and_size_checks(client_a, exporter_a, name, data):
    filing = f.WarehouseFilingFactory(warehouse__enterprise=exporter_a, status=ReviewStatus.DRAFT)
    response = client_a.post(
        reverse("warehouse_filing_detail", args=[filing.pk]),
        {"doc_type": "lease", "file": SimpleUploadedFile(name, data)},
    )
    assert response.status_code == 200
    assert WarehouseDocument.objects.count() == 0


def test_other_tenant_is_404_and_unchanged(client_b, exporter_a):
    filing = f.WarehouseFilingFactory(warehouse__enterprise=exporter_a, status=ReviewStatus.DRAFT)
    f.WarehouseDocumentFactory(filing=filing)
    warehouse = filing.warehouse
    for url in (
        reverse("warehouse_detail", args=[warehouse.pk]),
        reverse("warehouse_edit", args=[warehouse.pk]),
        reverse("warehouse_filing_detail", args=[filing.pk]),
    ):
        assert client_b.get(url).status_code == 404
    assert client_b.post(reverse("warehouse_filing_submit", args=[filing.pk])).status_code == 404
    assert client_b.post(reverse("warehouse_filing_create", args=[warehouse.pk])).status_code == 404
    response = client_b.post(
        reverse("warehouse_edit", args=[warehouse.pk]), _warehouse_data(exporter_a, name="X")
    )
    assert response.status_code == 404
    filing.refresh_from_db()
    warehouse.refresh_from_db()
    assert (filing.status, warehouse.name, WarehouseFiling.objects.count()) == (
        ReviewStatus.DRAFT,
        f.OverseasWarehouseFactory._meta.model.objects.get().name,
        1,
    )


def test_broker_sees_but_cannot_submit(client_broker, exporter_a):
    filing = f.WarehouseFilingFactory(warehouse__enterprise=exporter_a, status=ReviewStatus.DRAFT)
    f.WarehouseDocumentFactory(filing=filing)
    assert client_broker.get(reverse("warehouse_filing_detail", args=[filing.pk])).status_code == 200
    assert client_broker.post(reverse("warehouse_filing_submit", args=[filing.pk])).status_code == 403
    filing.refresh_from_db()
    assert filing.status == ReviewStatus.DRAFT


def test_review_reason_is_shown(client_a, exporter_a):
    filing = f.WarehouseFilingFactory(
        warehouse__enterprise=exporter_a, status=ReviewStatus.REJECTED, reason="租赁合同不清晰"
    )
    assert (
        "租赁合同不清晰"
        in client_a.get(reverse("warehouse_filing_detail", args=[filing.pk])).content.decode()
    )
