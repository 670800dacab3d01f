"""The generated commercial invoice and packing list: their text (read back with pypdf) holds the declaration's
parties, lines, quantities, packages, weights and totals, with every label in Chinese and in English."""

import io

import pytest
from pypdf import PdfReader

from declarations.messages.trade_documents import INVOICE, PACKING_LIST
from declarations.models import DeclarationDocument
from declarations.services.declaration_documents import declaration_document_generate

pytestmark = pytest.mark.django_db


def _text(document: DeclarationDocument) -> str:
    with document.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return "\n".join(page.extract_text() for page in reader.pages)


def _generate(declaration, kind):
    return declaration_document_generate(
        declaration=declaration,
        kind=kind,
        buyer_name="Acme Imports LLC",
        buyer_address="100 Market Street, San Francisco, CA 94105, USA",
    )


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_invoice_holds_parties_lines_and_totals_in_both_languages(codes, declaration_a):
    text = _flat(_text(_generate(declaration_a, INVOICE)))
    for expected in (
        "商业发票",
        "COMMERCIAL INVOICE",
        "甲出口贸易有限公司",
        "Jia Export Trading Co., Ltd.",
        declaration_a.enterprise.uscc,
        "Acme Imports LLC",
        "100 Market Street, San Francisco",
        declaration_a.cop_no,
        declaration_a.order_no,
        # the lines: names, models, HS codes, quantities with units in both languages, prices, amounts
        "保温杯",
        "不锈钢保温杯",
        "蓝牙耳机",
        "无线|入耳式|无品牌",
        "8518300000",
        "100 个",
        "20.5 千克",
        "32.00",
        "3,200.00",
        "12.40",
        "254.20",
        # totals: amount in USD (FOB) and the quantity per unit
        "USD 3,454.20",
        "FOB",
        # labels in Chinese and English
        "买方（收货人）",
        "Buyer (consignee)",
        "出口商（卖方）",
        "Exporter (seller)",
        "Description of goods",
        "Unit price",
        "Amount",
        "美国",
        "United States",
        "9710",
    ):
        assert expected in text, expected


def test_packing_list_holds_lines_packages_and_weights_in_both_languages(codes, declaration_a):
    text = _flat(_text(_generate(declaration_a, PACKING_LIST)))
    for expected in (
        "装箱单",
        "PACKING LIST",
        "Acme Imports LLC",
        "保温杯",
        "蓝牙耳机",
        "100 个",
        "20.5 千克",
        "件数",
        "Packages",
        "毛重（千克）",
        "Gross weight (kg)",
        "净重（千克）",
        "Net weight (kg)",
        "42.5",
        "40",
        "唛头",
        "Shipping marks",
    ):
        assert expected in text, expected
    # A packing list shows no prices.
    assert "3,200.00" not in text and "Unit price" not in text


def test_the_document_is_stored_with_the_version_it_came_from(codes, declaration_a):
    document = _generate(declaration_a, INVOICE)
    document.refresh_from_db()
    assert document.generated is True
    assert document.doc_type == DeclarationDocument.DocType.INVOICE
    assert document.declaration_version == 2
    assert document.file_name == f"{declaration_a.cop_no}_invoice_v2.pdf"
    assert len(document.source_digest) == 64
    assert document.details == {
        "buyer_name": "Acme Imports LLC",
        "buyer_address": "100 Market Street, San Francisco, CA 94105, USA",
    }
    with document.file.open("rb") as handle:
        data = handle.read()
    assert data.startswith(b"%PDF-") and document.size == len(data)
    assert "version 2" in _flat(_text(document))
