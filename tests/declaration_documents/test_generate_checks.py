"""Generating the invoice or packing list: refused input names its field and stores nothing; the buyer is
prefilled from the last generated document (or, for 9810, from the overseas warehouse); a generated document
says whether the declaration changed since."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from declarations.models import DeclarationDocument
from declarations.selectors_documents import declaration_documents
from declarations.services.declaration_documents import buyer_defaults, declaration_document_generate
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """The messages are asserted in the source language (their translations: tests/i18n)."""
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"kind": "certificate"}, "kind", "Choose the commercial invoice or the packing list."),
        (
            {"buyer_name": "  "},
            "buyer_name",
            "Enter the buyer (consignee) named on the invoice and packing list.",
        ),
        ({"buyer_name": "x" * 201}, "buyer_name", "At most 200 characters."),
        ({"buyer_address": "y" * 401}, "buyer_address", "At most 400 characters."),
        ({"buyer_name": "Acme\x00"}, "buyer_name", "Control characters are not allowed."),
    ],
)
def test_refused_input_names_the_field_and_stores_nothing(declaration_a, kwargs, field, message):
    arguments = {"kind": "invoice", "buyer_name": "Acme Imports LLC", "buyer_address": "", **kwargs}
    with pytest.raises(ValidationError) as exc:
        declaration_document_generate(declaration=declaration_a, **arguments)
    assert exc.value.message_dict == {field: [message]}
    assert DeclarationDocument.objects.count() == 0


def test_a_declaration_without_lines_gets_no_document(exporter_a):
    declaration = f.DeclarationFactory(enterprise=exporter_a)
    with pytest.raises(ValidationError) as exc:
        declaration_document_generate(declaration=declaration, kind="invoice", buyer_name="Acme")
    assert exc.value.messages == ["The declaration has no goods lines to put on the document."]
    assert DeclarationDocument.objects.count() == 0


def test_buyer_is_prefilled_from_the_last_generated_document(declaration_a):
    assert buyer_defaults(declaration=declaration_a) == {"buyer_name": "", "buyer_address": ""}
    declaration_document_generate(
        declaration=declaration_a, kind="invoice", buyer_name="Acme Imports LLC", buyer_address="1 Main St"
    )
    assert buyer_defaults(declaration=declaration_a) == {
        "buyer_name": "Acme Imports LLC",
        "buyer_address": "1 Main St",
    }


def test_a_9810_booking_proposes_its_overseas_warehouse(exporter_a):
    warehouse = f.OverseasWarehouseFactory(enterprise=exporter_a, name="Ontario DC")
    declaration = f.DeclarationFactory(enterprise=exporter_a, mode="9810", warehouse=warehouse)
    assert buyer_defaults(declaration=declaration) == {
        "buyer_name": "Ontario DC",
        "buyer_address": "1 Warehouse Way, Ontario, CA 91761, USA",
    }


def test_a_generated_document_knows_when_the_declaration_changed(declaration_a):
    declaration_document_generate(declaration=declaration_a, kind="packing_list", buyer_name="Acme")
    [document] = declaration_documents(declaration=declaration_a)
    assert document.current is True
    # A status change is not a change of what the document shows...
    declaration_a.status = "inspection"
    declaration_a.save()
    assert declaration_documents(declaration=declaration_a)[0].current is True
    # ...a quantity is.
    line = declaration_a.lines.get(gnum=1)
    line.qty = 99
    line.save()
    assert declaration_documents(declaration=declaration_a)[0].current is False
