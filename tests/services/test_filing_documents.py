"""Documents are added through the filings service, only while the record can still be submitted."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from declarations.choices import ReviewStatus
from declarations.models import RegistrationAttachment, WarehouseDocument
from declarations.services.filings import registration_attachment_add, warehouse_document_add
from tests import factories as f

pytestmark = pytest.mark.django_db


def _pdf(name="proof.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 proof", content_type="application/pdf")


@pytest.mark.parametrize("status", [ReviewStatus.DRAFT, ReviewStatus.REJECTED])
def test_attachment_added_while_open(status):
    registration = f.RegistrationFactory(status=status)
    attachment = registration_attachment_add(registration=registration, title="营业执照", file=_pdf())
    assert list(registration.attachments.all()) == [attachment]
    assert attachment.title == "营业执照"


@pytest.mark.parametrize("status", [ReviewStatus.SUBMITTED, ReviewStatus.APPROVED])
def test_attachment_refused_once_submitted_and_nothing_stored(status):
    registration = f.RegistrationFactory(status=status)
    with pytest.raises(ValidationError) as exc:
        registration_attachment_add(registration=registration, title="x", file=_pdf())
    assert exc.value.code == "not_open"
    assert RegistrationAttachment.objects.count() == 0


def test_warehouse_document_added_to_a_draft_filing():
    filing = f.WarehouseFilingFactory(status=ReviewStatus.DRAFT)
    document = warehouse_document_add(filing=filing, doc_type="lease", file=_pdf("lease.pdf"))
    assert list(filing.documents.all()) == [document]


def test_warehouse_document_refused_on_a_submitted_filing():
    filing = f.WarehouseFilingFactory(status=ReviewStatus.SUBMITTED)
    with pytest.raises(ValidationError):
        warehouse_document_add(filing=filing, doc_type="lease", file=_pdf("lease.pdf"))
    assert WarehouseDocument.objects.count() == 0
