"""A declaration's documents on its page: the list, upload, generating the invoice and packing list, download.

The panel is loaded into the declaration page by htmx (``declaration_documents``); the same URL without htmx is
a page of its own, which also shows a refused upload with its errors. Changes go through
services.declaration_documents after ``require_declaration_change``, exactly as the API's twin does.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from declarations.forms_documents import DeclarationDocumentForm, TradeDocumentForm
from declarations.messages.trade_documents import INVOICE
from declarations.permissions import can_change_declaration, require_declaration_change
from declarations.selectors import declaration_for_user
from declarations.selectors_documents import declaration_document_for_user, declaration_documents
from declarations.services.declaration_documents import (
    buyer_defaults,
    declaration_document_generate,
    declaration_document_upload,
)
from declarations.views.common import attachment_header

PANEL = "declarations/documents/panel.html"
PAGE = "declarations/documents/page.html"


def _context(request, declaration, *, upload_form=None, generate_form=None) -> dict:
    changeable = can_change_declaration(user=request.user, declaration=declaration)
    defaults = buyer_defaults(declaration=declaration) if changeable else {}
    return {
        "declaration": declaration,
        "documents": declaration_documents(declaration=declaration),
        "changeable": changeable,
        "upload_form": upload_form or DeclarationDocumentForm(),
        "generate_form": generate_form or TradeDocumentForm(initial={"kind": INVOICE, **defaults}),
    }


def _back(pk):
    return redirect(reverse("declaration_detail", args=[pk]) + "#documents")


@require_GET
@login_required
def declaration_documents_view(request, pk: int):
    """htmx: the panel for the declaration page; otherwise the documents page."""
    declaration = declaration_for_user(user=request.user, pk=pk)
    template = PANEL if request.headers.get("HX-Request") else PAGE
    return render(request, template, _context(request, declaration))


def _form_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@require_POST
@login_required
def declaration_document_upload_view(request, pk: int):
    declaration = declaration_for_user(user=request.user, pk=pk)
    require_declaration_change(user=request.user, declaration=declaration)
    form = DeclarationDocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            document = declaration_document_upload(
                declaration=declaration,
                doc_type=form.cleaned_data["doc_type"],
                file=form.cleaned_data["file"],
                actor=request.user,
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(type)s “%(name)s” uploaded.")
                % {"type": document.get_doc_type_display(), "name": document.file_name},
            )
            return _back(pk)
    return render(request, PAGE, _context(request, declaration, upload_form=form), status=400)


@require_POST
@login_required
def declaration_document_generate_view(request, pk: int):
    declaration = declaration_for_user(user=request.user, pk=pk)
    require_declaration_change(user=request.user, declaration=declaration)
    form = TradeDocumentForm(request.POST)
    if form.is_valid():
        try:
            document = declaration_document_generate(
                declaration=declaration, actor=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(type)s generated from version %(version)s of the declaration.")
                % {"type": document.get_doc_type_display(), "version": document.declaration_version},
            )
            return _back(pk)
    return render(request, PAGE, _context(request, declaration, generate_form=form), status=400)


@require_GET
@login_required
def declaration_document_download(request, pk: int, document_id: int):
    """The file, only to users who see the declaration and to reviewers (another tenant's: 404)."""
    document = declaration_document_for_user(user=request.user, declaration_id=pk, document_id=document_id)
    try:
        handle = document.file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type=_content_type(document.file.name))
    response["Content-Disposition"] = attachment_header(document.file_name or "document")
    # Never let a browser render an uploaded file inline as something else (HTML in a "PDF", say).
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _content_type(name: str) -> str:
    extension = name.rsplit(".", 1)[-1].lower()
    return {"pdf": "application/pdf", "png": "image/png"}.get(extension, "image/jpeg")
