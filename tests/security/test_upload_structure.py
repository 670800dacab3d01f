"""Proof documents are checked by their structure, not only their first bytes (declarations.documents): a file that
starts like a PDF / PNG / JPEG but is not one, and a polyglot (HTML or script inside, an archive appended, data
after the end, active PDF content), is refused by the upload form with a clear message and nothing is stored."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from declarations.choices import ReviewStatus
from declarations.documents import DocumentRefused, document_check
from declarations.models import RegistrationAttachment, WarehouseDocument
from tests import factories as f
from tests.documents import real_image, real_pdf

pytestmark = pytest.mark.django_db

HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"


def _pdf_with_javascript() -> bytes:
    from pypdf import PdfWriter
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    action = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert('hi');"),
        }
    )
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _png_with_html_text_chunk() -> bytes:
    from PIL import Image, PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", HTML.decode())
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buffer, "PNG", pnginfo=info)
    return buffer.getvalue()


VALID = {"pdf": real_pdf("lease"), "png": real_image("PNG"), "jpg": real_image("JPEG")}

NOT_VALID = {
    "pdf magic only": ("pdf", b"%PDF-1.4 just text, no document %%EOF"),
    "pdf truncated": ("pdf", real_pdf()[:200]),
    "png magic only": ("png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64),
    "png bad crc": ("png", real_image("PNG")[:40] + b"\x00" + real_image("PNG")[41:]),
    "jpeg magic only": ("jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 64),
    "png named jpg": ("jpg", real_image("PNG")),
}

POLYGLOTS = {
    "pdf + html appended": ("pdf", real_pdf() + HTML),
    "pdf with html in a comment": ("pdf", b"%PDF-1.7\n%" + HTML + b"\n" + real_pdf()[9:]),
    "png + zip appended": ("png", real_image("PNG") + b"PK\x03\x04" + b"\x00" * 26),
    "png with html in a text chunk": ("png", _png_with_html_text_chunk()),
    "jpeg + script appended": ("jpg", real_image("JPEG") + b"<script>alert(1)</script>"),
    "jpeg + data after EOI": ("jpg", real_image("JPEG") + b"MZ\x90\x00 an executable"),
}


@pytest.mark.parametrize("extension", VALID)
def test_real_documents_pass(extension):
    document_check(VALID[extension], extension=extension, name=f"proof.{extension}")


@pytest.mark.parametrize("case", NOT_VALID)
def test_files_that_only_start_right_are_refused(case):
    extension, data = NOT_VALID[case]
    with translation.override("en"), pytest.raises(DocumentRefused, match="cannot be read as one"):
        document_check(data, extension=extension, name=f"proof.{extension}")


@pytest.mark.parametrize("case", POLYGLOTS)
def test_polyglots_are_refused(case):
    extension, data = POLYGLOTS[case]
    with translation.override("en"), pytest.raises(DocumentRefused, match="another kind|cannot be read"):
        document_check(data, extension=extension, name=f"proof.{extension}")


def test_pdf_with_javascript_is_refused_as_active_content():
    with translation.override("en"), pytest.raises(DocumentRefused, match="active content"):
        document_check(_pdf_with_javascript(), extension="pdf", name="lease.pdf")


def test_messages_in_chinese():
    with translation.override("zh-hans"), pytest.raises(DocumentRefused, match="还含有其他类型的内容"):
        document_check(POLYGLOTS["png + zip appended"][1], extension="png", name="x.png")


# --- through the portal's upload forms ---------------------------------------------------------------------------


@pytest.fixture
def client_a(client, exporter_a):
    client.force_login(f.MembershipFactory(enterprise=exporter_a).user)
    return client


@pytest.fixture
def filing(exporter_a):
    return f.WarehouseFilingFactory(warehouse__enterprise=exporter_a, status=ReviewStatus.DRAFT)


@pytest.mark.parametrize(
    "case", ["pdf + html appended", "png with html in a text chunk", "jpeg + script appended"]
)
def test_filing_upload_form_refuses_a_polyglot_and_stores_nothing(client_a, filing, case):
    extension, data = POLYGLOTS[case]
    upload = SimpleUploadedFile(f"lease.{extension}", data)
    response = client_a.post(
        reverse("warehouse_filing_detail", args=[filing.pk]),
        {"doc_type": "lease", "file": upload},
    )
    assert response.status_code == 200
    assert "还含有其他类型的内容" in response.content.decode()  # zh-hans, the default
    assert WarehouseDocument.objects.count() == 0


def test_registration_upload_form_refuses_a_fake_pdf(client_a, exporter_a):
    registration = f.RegistrationFactory(enterprise=exporter_a, status=ReviewStatus.DRAFT)
    upload = SimpleUploadedFile("licence.pdf", b"%PDF-1.4 licence %%EOF")
    response = client_a.post(
        reverse("registration_detail", args=[registration.pk]), {"title": "营业执照", "file": upload}
    )
    assert response.status_code == 200
    assert "不是有效的 PDF 文件" in response.content.decode()
    assert RegistrationAttachment.objects.filter(registration=registration).count() == 0


def test_a_real_pdf_is_stored(client_a, filing):
    upload = SimpleUploadedFile("lease.pdf", VALID["pdf"])
    response = client_a.post(
        reverse("warehouse_filing_detail", args=[filing.pk]), {"doc_type": "lease", "file": upload}
    )
    assert response.status_code == 302
    assert WarehouseDocument.objects.get(filing=filing).file.read() == VALID["pdf"]
