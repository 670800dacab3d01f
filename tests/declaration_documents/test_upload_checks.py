"""Uploading a document to a declaration: the portal's shared checks (type, size, structure) refuse the file
with a message naming it, under the ``file`` field, and nothing is stored."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from declarations.documents import MAX_UPLOAD_BYTES
from declarations.models import DeclarationDocument
from declarations.services.declaration_documents import declaration_document_upload
from tests.documents import real_image, real_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """The messages are asserted in the source language (their translations: tests/i18n)."""
    with translation.override("en"):
        yield


def _upload(declaration, name, data, doc_type="contract"):
    return declaration_document_upload(
        declaration=declaration, doc_type=doc_type, file=SimpleUploadedFile(name, data)
    )


@pytest.mark.parametrize(
    ("name", "data", "doc_type"),
    [
        ("contract.pdf", real_pdf("contract"), "contract"),
        ("screenshot.png", real_image("PNG"), "screenshot"),
        ("order.jpg", real_image("JPEG"), "screenshot"),
        ("invoice.PDF", real_pdf("invoice"), "invoice"),
        ("packing.jpeg", real_image("JPEG"), "packing_list"),
        ("other.pdf", real_pdf("other"), "other"),
    ],
)
def test_accepted_types_are_stored_with_name_size_and_type(declaration_a, user_a, name, data, doc_type):
    document = declaration_document_upload(
        declaration=declaration_a, doc_type=doc_type, file=SimpleUploadedFile(name, data), actor=user_a
    )
    document.refresh_from_db()
    assert (document.declaration_id, document.doc_type, document.file_name, document.size) == (
        declaration_a.pk,
        doc_type,
        name,
        len(data),
    )
    assert (document.generated, document.declaration_version, document.uploaded_by) == (False, None, user_a)
    with document.file.open("rb") as handle:
        assert handle.read() == data


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("contract.exe", real_pdf(), "Only PDF, JPEG or PNG files are accepted, not “contract.exe”."),
        ("contract", real_pdf(), "Only PDF, JPEG or PNG files are accepted, not “contract”."),
        ("contract.png", real_pdf(), "The content of “contract.png” is not a PNG file."),
        (
            "contract.pdf",
            b"%PDF-1.4 not really a pdf",
            "“contract.pdf” is not a valid PDF file: it cannot be read",
        ),
        ("contract.pdf", b"%PDF" + b"0" * MAX_UPLOAD_BYTES, "The file is 10 MB; at most 10 MB are accepted."),
        (
            "shot.png",
            real_image("PNG") + b"<script>alert(1)</script>",
            "also contains content of another kind",
        ),
        ("contract.pdf", real_pdf() + b"PK\x03\x04zip", "also contains content of another kind"),
    ],
)
def test_refused_file_names_the_field_and_stores_nothing(declaration_a, name, data, message):
    with pytest.raises(ValidationError) as exc:
        _upload(declaration_a, name, data)
    assert list(exc.value.message_dict) == ["file"]
    assert message in exc.value.message_dict["file"][0]
    assert DeclarationDocument.objects.count() == 0


def test_unknown_type_is_refused_on_its_field(declaration_a):
    with pytest.raises(ValidationError) as exc:
        _upload(declaration_a, "contract.pdf", real_pdf(), doc_type="passport")
    assert list(exc.value.message_dict) == ["doc_type"]
    assert DeclarationDocument.objects.count() == 0


def test_the_filings_use_the_same_check():
    # One check for every proof document of the portal (registrations, filings, declarations).
    from declarations import documents, forms

    assert forms.check_document is documents.check_document
