"""Master bills (清单总分单): list, file for chosen lists, check, confirm and send, follow the receipts."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from declarations.choices import EventSource
from declarations.forms_master_bills import MasterBillForm
from declarations.messages.common import RenderError
from declarations.models import CustomsOffice, MasterBill, TransportMode
from declarations.rules.finding import Finding
from declarations.rules.master_bill import REQUIRED_HEAD
from declarations.selectors_master_bills import (
    master_bill_agents_for_user,
    master_bill_candidate_lists,
    master_bill_for_user,
    master_bill_items,
    master_bill_lists_visible,
    master_bills_for_user,
)
from declarations.services.master_bills import (
    HEAD_FIELDS,
    MasterBillBlocked,
    master_bill_create,
    master_bill_defaults,
    master_bill_delete,
    master_bill_file_name,
    master_bill_preview,
    master_bill_submit,
)

# Finding field (CEB element) -> form field, so a finding shows at its input.
_FORM_FIELDS = {**REQUIRED_HEAD, "lists": "lists"}


@require_GET
@login_required
def master_bill_list(request):
    bills = master_bills_for_user(user=request.user).order_by("-created_at")[:200]
    return render(request, "declarations/master_bill_list.html", {"bills": bills})


def _form(request, data=None, initial=None):
    agents = master_bill_agents_for_user(user=request.user)
    if not agents.exists():
        raise PermissionDenied
    candidates = list(master_bill_candidate_lists(user=request.user)[:500])
    form = MasterBillForm(data, agents=agents, candidates=candidates, initial=initial or {})
    return form, candidates


@require_http_methods(["GET", "POST"])
@login_required
def master_bill_create_view(request):
    if request.method == "GET":
        preselected = [int(v) for v in request.GET.getlist("lists") if v.isdigit()]
        form, candidates = _form(request, initial={"lists": preselected})
        return _render_form(request, form, candidates)
    form, candidates = _form(request, request.POST)
    if not form.is_valid():
        return _render_form(request, form, candidates)
    chosen = master_bill_lists_visible(user=request.user, ids=form.cleaned_data["lists"])
    if request.POST.get("action") == "prefill":
        initial = {**{k: form.cleaned_data.get(k) for k in HEAD_FIELDS}, "agent": form.cleaned_data["agent"]}
        defaults = master_bill_defaults(declarations=chosen)
        if defaults.get("gross_weight") is not None:  # as the user would type it: 127.5, not 127.50000
            defaults["gross_weight"] = format(defaults["gross_weight"].normalize(), "f")
        initial.update({k: v for k, v in defaults.items() if v not in ("", None)})
        initial["lists"] = [d.pk for d in chosen]
        form, candidates = _form(request, initial=initial)
        messages.info(request, _("Filled in from the selected lists; check every field, then save."))
        return _render_form(request, form, candidates)
    head = {k: form.cleaned_data.get(k) for k in HEAD_FIELDS}
    head = {k: ("" if v is None and k not in ("gross_weight", "pack_no") else v) for k, v in head.items()}
    try:
        bill = master_bill_create(
            agent=form.cleaned_data["agent"], declarations=chosen, head=head, actor=request.user
        )
    except MasterBillBlocked as exc:
        _attach_findings(form, exc.findings, chosen)
        return _render_form(request, form, candidates, findings=exc.findings)
    messages.success(request, _("Master bill saved. Check it, then send it to customs."))
    return redirect("master_bill_detail", pk=bill.pk)


def _attach_findings(form, findings: list[Finding], chosen) -> None:
    for finding in findings:
        name = _FORM_FIELDS.get(finding.field)
        if name in form.fields and finding.is_error:
            form.add_error(name if name != "lists" else None, finding.message)


def _render_form(request, form, candidates, findings=None):
    selected = {int(v) for v in (form["lists"].value() or []) if str(v).isdigit()}
    head_fields = [form[name] for name in form.fields if name != "lists"]
    return render(
        request,
        "declarations/master_bill_form.html",
        {
            "form": form,
            "head_fields": head_fields,
            "candidates": candidates,
            "selected": selected,
            "findings": findings or [],
        },
    )


def _detail_context(request, bill: MasterBill) -> dict:
    statuses = dict(MasterBill.Status.choices)
    sources = dict(EventSource.choices)
    events = list(bill.events.all())
    for event in events:
        event.from_label = statuses.get(event.from_status, "")
        event.to_label = statuses.get(event.to_status, event.to_status)
        event.source_label = sources.get(event.source, event.source)
    items = list(master_bill_items(master_bill=bill))
    total = sum((i.declaration.gross_weight or 0 for i in items), 0)
    mode = TransportMode.objects.filter(code=bill.traf_mode).first()
    office = CustomsOffice.objects.filter(code=bill.customs_code).first()
    return {
        "bill": bill,
        "traf_mode_label": mode.label if mode else bill.traf_mode,
        "customs_label": office.label if office else bill.customs_code,
        "items": items,
        "lists_gross_weight": total,
        "events": events,
        "receipts": list(bill.receipts.order_by("return_time", "id")),
        "findings": [Finding.from_dict(d) for d in bill.findings or []],
        "is_draft": bill.status == MasterBill.Status.DRAFT,
    }


@require_GET
@login_required
def master_bill_detail(request, pk: int):
    bill = master_bill_for_user(user=request.user, pk=pk)
    return render(request, "declarations/master_bill_detail.html", _detail_context(request, bill))


@require_http_methods(["GET", "POST"])
@login_required
def master_bill_submit_view(request, pk: int):
    """GET: what will be sent, to confirm; POST: send it."""
    bill = master_bill_for_user(user=request.user, pk=pk)
    if request.method == "GET":
        if bill.status != MasterBill.Status.DRAFT:
            return redirect("master_bill_detail", pk=pk)
        return render(request, "declarations/master_bill_confirm.html", _detail_context(request, bill))
    try:
        master_bill_submit(master_bill=bill, actor=request.user)
    except MasterBillBlocked as exc:
        messages.error(request, str(exc))
        for finding in exc.findings:
            messages.error(request, finding.message)
        return redirect("master_bill_detail", pk=pk)
    messages.success(request, _("The master bill was sent to customs (CEB607)."))
    return redirect("master_bill_detail", pk=pk)


@require_POST
@login_required
def master_bill_delete_view(request, pk: int):
    bill = master_bill_for_user(user=request.user, pk=pk)
    try:
        master_bill_delete(master_bill=bill)
    except MasterBillBlocked as exc:
        messages.error(request, str(exc))
        return redirect("master_bill_detail", pk=pk)
    messages.success(request, _("The draft master bill was deleted."))
    return redirect("master_bill_list")


@require_GET
@login_required
def master_bill_message(request, pk: int):
    """The CEB607 as sent; for a draft, a preview of what would be sent (not stored, its guid not kept)."""
    bill = master_bill_for_user(user=request.user, pk=pk)
    if bill.message_content:
        content, name = bytes(bill.message_content), master_bill_file_name(bill)
    else:
        try:
            content = master_bill_preview(master_bill=bill)
        except RenderError as exc:
            return HttpResponse(str(exc), status=409, content_type="text/plain; charset=utf-8")
        name = "CEB607_preview.xml"
    response = HttpResponse(content, content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response
