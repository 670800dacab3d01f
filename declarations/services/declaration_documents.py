"""Documents of a declaration (随附单证): upload one, or generate the commercial invoice and packing list.

Both the portal and the API call these, after ``permissions.require_declaration_change``. An upload passes the
same checks as every proof document of the portal (``documents.check_document``: type, size, structure); a
generated PDF is stored as a document marked ``generated``, with the declaration's message version and the
digest of the data it shows. A refused call stores nothing.
"""

import os

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from declarations.documents import check_document
from declarations.messages.trade_documents import (
    INVOICE,
    PACKING_LIST,
    render_trade_document_pdf,
    source_digest,
    trade_document_data,
)
from declarations.models import Declaration, DeclarationDocument

GENERATED_KINDS = {
    INVOICE: DeclarationDocument.DocType.INVOICE,
    PACKING_LIST: DeclarationDocument.DocType.PACKING_LIST,
}
BUYER_NAME_MAX = 200
BUYER_ADDRESS_MAX = 400


@transaction.atomic
def declaration_document_upload(
    *, declaration: Declaration, doc_type: str, file, actor=None
) -> DeclarationDocument:
    """Store an uploaded document; ValidationError naming the field when the type or the file is refused."""
    if doc_type not in DeclarationDocument.DocType.values:
        raise ValidationError(
            {
                "doc_type": _(
                    "Choose the document type: contract, commercial invoice, packing list, order or "
                    "platform screenshot, or other."
                )
            },
            code="invalid_choice",
        )
    if file is None:
        raise ValidationError({"file": _("Choose a file to upload.")}, code="required")
    try:
        check_document(file)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}, code="document_refused") from exc
    locked = Declaration.objects.select_for_update().only("pk").get(pk=declaration.pk)
    return DeclarationDocument.objects.create(
        declaration=locked,
        doc_type=doc_type,
        file=file,
        file_name=os.path.basename(file.name)[:255],
        size=file.size,
        uploaded_by=actor,
    )


def buyer_defaults(*, declaration: Declaration) -> dict:
    """The buyer the last generated document named; for a 9810 booking without one, the overseas warehouse."""
    last = (
        declaration.documents.filter(generated=True)
        .exclude(details={})
        .order_by("-created_at", "-pk")
        .values_list("details", flat=True)
        .first()
    )
    if last:
        return {"buyer_name": last.get("buyer_name", ""), "buyer_address": last.get("buyer_address", "")}
    warehouse = declaration.warehouse
    if warehouse is not None:
        return {"buyer_name": warehouse.name, "buyer_address": warehouse.address}
    return {"buyer_name": "", "buyer_address": ""}


def _check_buyer(buyer_name: str, buyer_address: str) -> dict:
    errors = {}
    if not buyer_name:
        errors["buyer_name"] = _("Enter the buyer (consignee) named on the invoice and packing list.")
    elif len(buyer_name) > BUYER_NAME_MAX:
        errors["buyer_name"] = _("At most %(limit)d characters.") % {"limit": BUYER_NAME_MAX}
    if len(buyer_address) > BUYER_ADDRESS_MAX:
        errors["buyer_address"] = _("At most %(limit)d characters.") % {"limit": BUYER_ADDRESS_MAX}
    for field, value in (("buyer_name", buyer_name), ("buyer_address", buyer_address)):
        if any(ord(char) < 32 and char not in "\n\t" for char in value):
            errors.setdefault(field, _("Control characters are not allowed."))
    return errors


@transaction.atomic
def declaration_document_generate(
    *, declaration: Declaration, kind: str, buyer_name: str, buyer_address: str = "", actor=None
) -> DeclarationDocument:
    """Render the commercial invoice or packing list of the declaration as it is now and store it."""
    if kind not in GENERATED_KINDS:
        raise ValidationError(
            {"kind": _("Choose the commercial invoice or the packing list.")}, code="invalid"
        )
    buyer_name, buyer_address = (buyer_name or "").strip(), (buyer_address or "").strip()
    errors = _check_buyer(buyer_name, buyer_address)
    if errors:
        raise ValidationError(errors)
    locked = Declaration.objects.select_for_update().select_related("enterprise").get(pk=declaration.pk)
    lines = list(locked.lines.all())
    if not lines:
        raise ValidationError(
            _("The declaration has no goods lines to put on the document."), code="no_lines"
        )
    data = trade_document_data(locked, lines, buyer_name=buyer_name, buyer_address=buyer_address)
    pdf = render_trade_document_pdf(kind, data)
    name = f"{locked.cop_no}_{kind}_v{locked.version}.pdf"
    return DeclarationDocument.objects.create(
        declaration=locked,
        doc_type=GENERATED_KINDS[kind],
        file=ContentFile(pdf, name=f"{kind}_{locked.pk}_v{locked.version}.pdf"),
        file_name=name[:255],
        size=len(pdf),
        generated=True,
        declaration_version=locked.version,
        source_digest=source_digest(locked, lines),
        details={"buyer_name": buyer_name, "buyer_address": buyer_address},
        uploaded_by=actor,
    )
