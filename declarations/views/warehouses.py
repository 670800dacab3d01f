"""Overseas warehouses and their filings: create, upload proof documents, submit, follow the review."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from declarations.forms import WarehouseDocumentForm, WarehouseForm
from declarations.models import WarehouseDocument
from declarations.permissions import require_filing_change, require_filing_submit
from declarations.review_selectors import warehouse_document_for_user
from declarations.selectors import get_object_for_user, warehouse_filings_for_user, warehouses_for_user
from declarations.services import filings as filing_services
from declarations.services.filings import REQUIRED_PROOF, warehouse_document_add, warehouse_filing_submit
from declarations.views.common import member_enterprises, private_file_response, require_member


@login_required
def warehouse_list(request):
    warehouses = warehouses_for_user(user=request.user).select_related("enterprise", "country")
    return render(request, "declarations/warehouse_list.html", {"warehouses": warehouses})


@login_required
def warehouse_create(request):
    form = WarehouseForm(request.POST or None, enterprises=member_enterprises(user=request.user))
    if request.method == "POST" and form.is_valid():
        warehouse = filing_services.warehouse_save(**form.cleaned_data)
        messages.success(request, _("Warehouse %(name)s saved.") % {"name": warehouse.name})
        return redirect("warehouse_detail", pk=warehouse.pk)
    return render(request, "declarations/warehouse_form.html", {"form": form})


def _warehouse(request, pk):
    return get_object_for_user(warehouses_for_user(user=request.user).select_related("enterprise"), pk=pk)


@login_required
def warehouse_edit(request, pk: int):
    warehouse = _warehouse(request, pk)
    if request.method == "POST":
        require_member(user=request.user, enterprise=warehouse.enterprise)
    form = WarehouseForm(
        request.POST or None, instance=warehouse, enterprises=member_enterprises(user=request.user)
    )
    refile_fields = []
    if request.method == "POST" and form.is_valid():
        try:
            filing_services.warehouse_save(
                warehouse=warehouse,
                refile_confirmed=request.POST.get("confirm_refile") == "1",
                actor=request.user,
                **form.cleaned_data,
            )
        except filing_services.RefileNotConfirmed:
            # Warn first: the same form again, with what will happen and a confirming button.
            refile_fields = filing_services.warehouse_filing_changes(
                warehouse=warehouse, fields=form.cleaned_data
            )
        else:
            messages.success(request, _("Warehouse %(name)s saved.") % {"name": warehouse.name})
            return redirect("warehouse_detail", pk=pk)
    stored = warehouses_for_user(user=request.user).get(pk=pk)
    return render(
        request,
        "declarations/warehouse_form.html",
        {
            "form": form,
            "warehouse": stored,
            "refile_fields": refile_fields,
            "has_approved_filing": stored.approved_filing is not None,
        },
    )


@login_required
def warehouse_detail(request, pk: int):
    warehouse = _warehouse(request, pk)
    return render(
        request,
        "declarations/warehouse_detail.html",
        {"warehouse": warehouse, "filings": warehouse.filings.all()},
    )


@require_POST
@login_required
def warehouse_filing_create(request, pk: int):
    warehouse = _warehouse(request, pk)
    require_member(user=request.user, enterprise=warehouse.enterprise)
    filing = filing_services.warehouse_filing_open(warehouse=warehouse)
    return redirect("warehouse_filing_detail", pk=filing.pk)


def _filing(request, pk):
    return get_object_for_user(
        warehouse_filings_for_user(user=request.user).select_related("warehouse__enterprise"), pk=pk
    )


@login_required
def warehouse_filing_detail(request, pk: int):
    filing = _filing(request, pk)
    form = WarehouseDocumentForm(initial={"doc_type": REQUIRED_PROOF.get(filing.warehouse.ownership)})
    if request.method == "POST":
        require_filing_change(user=request.user, filing=filing)
        form = WarehouseDocumentForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                warehouse_document_add(
                    filing=filing, doc_type=form.cleaned_data["doc_type"], file=form.cleaned_data["file"]
                )
            except ValidationError as exc:
                messages.error(request, exc.messages[0])
                return redirect("warehouse_filing_detail", pk=pk)
            messages.success(request, _("Document uploaded."))
            return redirect("warehouse_filing_detail", pk=pk)
    return render(
        request,
        "declarations/warehouse_filing_detail.html",
        {
            "filing": filing,
            "warehouse": filing.warehouse,
            "documents": filing.documents.all(),
            "form": form,
            "required_proof": WarehouseDocument.DocType(REQUIRED_PROOF[filing.warehouse.ownership]).label
            if filing.warehouse.ownership in REQUIRED_PROOF
            else "",
        },
    )


@require_POST
@login_required
def warehouse_filing_submit_view(request, pk: int):
    filing = _filing(request, pk)
    require_filing_submit(user=request.user, filing=filing)
    try:
        warehouse_filing_submit(filing=filing, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Filing submitted for review."))
    return redirect("warehouse_filing_detail", pk=pk)


@require_GET
@login_required
def warehouse_document_download(request, pk: int, document_id: int):
    """A proof document, only to users who may see the filing and to reviewers (another tenant's: 404)."""
    document = warehouse_document_for_user(user=request.user, filing_id=pk, document_id=document_id)
    return private_file_response(document.file)
