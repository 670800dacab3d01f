"""Issue 25 part 3 in the browser: on a declaration's page the user uploads a contract (a wrong file first,
refused on its field), generates the commercial invoice and the packing list and downloads both as PDFs whose
text holds the declaration's lines in Chinese and English."""

import io

import pytest
from pypdf import PdfReader

from declarations.choices import DeclarationStatus
from declarations.models import DeclarationDocument, Membership
from tests import factories as f
from tests.documents import real_pdf
from tests.e2e.test_history_and_confirm import _shot

pytestmark = pytest.mark.e2e


def _download_text(page, doc_type: str) -> tuple[str, str]:
    with page.expect_download() as info:
        page.click(f"#document-list tr[data-type={doc_type}] td.file a")
    download = info.value
    data = open(download.path(), "rb").read()
    text = " ".join(page_.extract_text() for page_ in PdfReader(io.BytesIO(data)).pages)
    return download.suggested_filename, " ".join(text.split())


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_upload_a_contract_and_download_the_invoice_and_packing_list(
    live_server, page, login, user, codes, language
):
    enterprise = f.EnterpriseFactory(name="单证出口有限公司", name_en="Docs Export Co., Ltd.")
    Membership.objects.create(user=user, enterprise=enterprise, role=Membership.Role.ADMIN)
    declaration = f.DeclarationFactory(
        enterprise=enterprise,
        status=DeclarationStatus.RELEASED,
        version=1,
        currency="502",
        order_no="E2E-DOCS-1",
    )
    f.DeclarationLineFactory(declaration=declaration, gnum=1, currency="502")
    f.DeclarationLineFactory(
        declaration=declaration,
        gnum=2,
        gname="蓝牙耳机",
        item_name="蓝牙耳机",
        gcode="8518300000",
        qty="20",
        qty1="20",
        price="12.5",
        total_price="250",
        currency="502",
    )
    login(user)
    base = live_server.url if language == "zh-hans" else f"{live_server.url}/en"
    page.goto(f"{base}/declarations/{declaration.pk}/")
    page.wait_for_selector("#upload-form")  # the panel, loaded by htmx
    assert page.is_visible("#no-documents")

    # A file that is not a PDF, JPEG or PNG: refused on its field, nothing stored.
    page.select_option("#id_doc_type", "contract")
    page.set_input_files(
        "#id_file",
        {"name": "contract.exe", "mimeType": "application/octet-stream", "buffer": b"MZ not a document"},
    )
    with page.expect_navigation():
        page.click("#upload-form button[type=submit]")
    error = page.inner_text("#upload-form .has-error .error")
    assert "contract.exe" in error
    _shot(page, f"documents-refused-{language}")
    assert DeclarationDocument.objects.count() == 0

    page.select_option("#id_doc_type", "contract")
    page.set_input_files(
        "#id_file",
        {"name": "sales-contract.pdf", "mimeType": "application/pdf", "buffer": real_pdf("contract")},
    )
    with page.expect_navigation():
        page.click("#upload-form button[type=submit]")
    page.wait_for_selector("#document-list tr[data-type=contract]")
    assert "sales-contract.pdf" in page.inner_text("#document-list")

    page.fill("#id_buyer_name", "Acme Imports LLC")
    page.fill("#id_buyer_address", "100 Market Street, San Francisco, CA 94105, USA")
    with page.expect_navigation():
        page.click("#generate-form button[value=invoice]")
    page.wait_for_selector("#document-list tr[data-type=invoice]")
    # the buyer is proposed again for the packing list
    assert page.input_value("#id_buyer_name") == "Acme Imports LLC"
    with page.expect_navigation():
        page.click("#generate-form button[value=packing_list]")
    page.wait_for_selector("#document-list tr[data-type=packing_list]")
    _shot(page, f"documents-{language}")

    name, invoice = _download_text(page, "invoice")
    assert name == f"{declaration.cop_no}_invoice_v1.pdf"
    for expected in (
        "商业发票",
        "COMMERCIAL INVOICE",
        "Acme Imports LLC",
        "单证出口有限公司",
        "Docs Export Co., Ltd.",
        "保温杯",
        "蓝牙耳机",
        "100 个",
        "20 个",
        "3,200.00",
        "250.00",
        "USD 3,450.00",
        "Total",
    ):
        assert expected in invoice, expected
    name, packing = _download_text(page, "packing_list")
    assert name == f"{declaration.cop_no}_packing_list_v1.pdf"
    for expected in ("装箱单", "PACKING LIST", "保温杯", "蓝牙耳机", "120 个", "Gross weight (kg)", "42.5"):
        assert expected in packing, expected
    assert sorted(DeclarationDocument.objects.values_list("doc_type", "generated")) == [
        ("contract", False),
        ("invoice", True),
        ("packing_list", True),
    ]
