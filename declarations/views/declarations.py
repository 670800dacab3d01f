"""Declarations: list with filters and search, create / edit with goods lines, submit, follow, messages."""

import functools
import io
import zipfile
from collections.abc import Sequence

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import models
from django.db.models import Q
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import localize
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from declarations.choices import (
    EDITABLE_STATUSES,
    STATUS_RANK,
    Channel,
    DeclarationStatus,
    EventSource,
    Mode,
    ReceiptState,
)
from declarations.code_labels import amount_text, code_label, quantity_text
from declarations.forms import (
    HEAD_SECTIONS,
    LINE_FIELDS,
    DeclarationFilterForm,
    DeclarationForm,
    DeclarationLineFormSet,
)
from declarations.models import CatalogueItem, CustomsEntryResult, Declaration
from declarations.models.customs_entry import EntryResult
from declarations.permissions import can_change_declaration, require_declaration_change
from declarations.rules.finding import HEAD_FINDING_FIELDS, LINE_FINDING_FIELDS, Finding
from declarations.selectors import (
    channel_advice,
    channel_advice_and_value,
    declaration_events,
    declaration_for_user,
    declaration_goods_lines,
    declaration_list_sides,
    declaration_message_list,
    declaration_receipt_list,
    declarations_page,
    enterprise_ids_for_user,
    enterprises_for_user,
    get_object_for_user,
    warehouses_for_user,
)
from declarations.selectors_rule_context import tariff_reader
from declarations.services.customs_entry import customs_entry_allowed_now
from declarations.services.declarations import (
    DeclarationNotEditable,
    declaration_copy,
    declaration_delete,
    declaration_save,
)
from declarations.services.submission import SubmissionBlocked, declaration_submit
from declarations.services.submission_preview import declaration_submit_preview
from declarations.views.common import attachment_header, is_htmx

PAGE_SIZE = 25
LINES_PREFIX = "lines"
# Finding.field (CEB element name, or a model field for data without one) -> form field.
# Statuses in which the worker or customs will still move the declaration: the status fragment keeps polling.
# The columns the list's table reads; the rest of a declaration (findings, 40-odd head fields) stays in the database.
LIST_COLUMNS = (
    "cop_no",
    "order_no",
    "logistics_no",
    "mode",
    "channel",
    "recommended_channel",
    "customs_code",
    "status",
    "created_at",
    "enterprise__name",
)
# The detail page reads every column of the declaration but only the names of its enterprise, agent, warehouse.
DETAIL_COLUMNS = (
    *(field.attname for field in Declaration._meta.concrete_fields),
    "enterprise__name",
    "agent__name",
    "warehouse__name",
)
POLLING_STATUSES = frozenset(
    {
        DeclarationStatus.SUBMITTED,
        DeclarationStatus.SENT,
        DeclarationStatus.DECLARING,
        DeclarationStatus.ACCEPTED,
        DeclarationStatus.MANUAL_REVIEW,
        DeclarationStatus.CONCLUDED,
        DeclarationStatus.CANCEL_REQUESTED,
    }
)
# ---- list -------------------------------------------------------------------------------------------------


def _conditions(form) -> Q:
    """The list's filters as one condition (tenancy is added by the selectors)."""
    where = Q()
    if not form.is_valid():
        return where
    data = form.cleaned_data
    for name, lookup in (
        ("mode", "mode"),
        ("channel", "channel"),
        ("status", "status"),
        ("office", "customs_code"),
    ):
        if data.get(name):
            where &= Q(**{lookup: data[name]})
    if data.get("date_from"):
        where &= Q(created_at__date__gte=data["date_from"])
    if data.get("date_to"):
        where &= Q(created_at__date__lte=data["date_to"])
    query = (data.get("q") or "").strip()
    if query:
        where &= (
            Q(order_no__icontains=query)
            | Q(logistics_no__icontains=query)
            | Q(cop_no__icontains=query)
            | Q(invt_no__icontains=query)
        )
    return where


# The list counts at most this many declarations (or up to the page shown, if further): above it, it shows "more
# than N" instead of an exact count. COUNT(*) over a large tenant costs more than the rest of the page.
COUNT_CAP = 500
MAX_PAGE = 10**8  # keeps LIMIT / OFFSET within bigint whatever ?page= says
# Rendered filter fields by (language, submitted values): the same few combinations come back page after page,
# and rendering the widgets costs as much as the table. Bounded; a form with errors is never cached.
FILTER_CACHE_SIZE = 256
_filter_fields_html: dict[tuple, str] = {}
# A pk no real declaration has, replaced per row: one reverse() per page instead of one per row.
_PK_MARK = 9876543210


def choice_labels(choices: type[models.Choices]) -> dict[str, str]:
    """Value -> label in the active language, built once per language: ``get_FOO_display`` translates every
    choice on each call, which the list and detail pages would pay per row."""
    return _choice_labels(choices, get_language())


@functools.cache
def _choice_labels(choices: type[models.Choices], language: str | None) -> dict[str, str]:
    return {value: str(label) for value, label in choices.choices}


class ListPage(Sequence):
    """One page of declarations and their count: exact, or a lower bound when ``exact`` is false (then there is
    always a next page). Quacks like Django's ``Page`` for the pager."""

    def __init__(self, object_list: list, number: int, *, count: int, exact: bool):
        self.object_list = object_list
        self.number = number
        self.count = count
        self.exact = exact
        self.num_pages = max(1, -(-count // PAGE_SIZE)) if exact else None

    def __len__(self) -> int:
        return len(self.object_list)

    def __getitem__(self, index):
        return self.object_list[index]

    def has_next(self) -> bool:
        return not self.exact or self.number < self.num_pages

    def has_previous(self) -> bool:
        return self.number > 1

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1


def _list_page(number, *, read_sides, rows) -> ListPage:
    """Two steps: ``read_sides(limit)`` (``ListSides``), counting one row past ``COUNT_CAP`` or past the page,
    whichever is further, then ``rows(offset, limit, sides)``. A number past the end shows the last page and an
    invalid one the first, as ``Paginator.get_page``."""
    try:
        number = min(max(int(number), 1), MAX_PAGE)
    except (TypeError, ValueError):
        number = 1
    limit = max(COUNT_CAP, number * PAGE_SIZE) + 1
    sides = read_sides(limit)
    found = sides.count()
    exact = found < limit
    if exact:
        number = min(number, max(1, -(-found // PAGE_SIZE)))
    else:
        found = limit - 1
    offset = (number - 1) * PAGE_SIZE
    return ListPage(rows(offset, PAGE_SIZE, sides) if found else [], number, count=found, exact=exact)


def _table_rows(page: ListPage) -> list[dict]:
    """What the table shows, per row, as plain values: labels looked up once per request, not per row."""
    statuses = choice_labels(DeclarationStatus)
    channels = choice_labels(Channel)
    url = reverse("declaration_detail", args=[_PK_MARK]).replace(str(_PK_MARK), "{}")
    return [
        {
            "url": url.format(d["pk"]),
            "cop_no": d["cop_no"],
            "order_no": d["order_no"],
            "logistics_no": d["logistics_no"],
            "mode": d["mode"],
            # Declaration.effective_channel on the row's values: the chosen channel, else the recommended one.
            "channel": channels.get(d["channel"] or d["recommended_channel"], ""),
            "customs_code": code_label("office", d["customs_code"]),
            "status": d["status"],
            "status_label": statuses.get(d["status"], d["status"]),
            "enterprise": d["enterprise__name"],
            "created": timezone.localtime(d["created_at"]).date().isoformat(),
        }
        for d in page
    ]


def _filter_fields(form) -> str:
    if form.errors:
        return render_to_string("partials/declaration_filters.html", {"form": form})
    values = tuple(form.data.get(name) for name in form.fields) if form.is_bound else None
    key = (get_language(), values)
    html = _filter_fields_html.get(key)
    if html is None:
        html = render_to_string("partials/declaration_filters.html", {"form": form})
        if len(_filter_fields_html) >= FILTER_CACHE_SIZE:
            _filter_fields_html.clear()
        _filter_fields_html[key] = html
    return html


@login_required
def declaration_list(request):
    form = DeclarationFilterForm(request.GET or None)
    enterprise_ids = enterprise_ids_for_user(user=request.user)
    where = _conditions(form)
    page = _list_page(
        request.GET.get("page"),
        read_sides=lambda limit: declaration_list_sides(
            enterprise_ids=enterprise_ids, where=where, limit=limit
        ),
        # The sides read for the count give the page's order too (no second read) when only one side has any.
        rows=lambda offset, limit, sides: declarations_page(
            enterprise_ids=enterprise_ids,
            where=where,
            offset=offset,
            limit=limit,
            columns=LIST_COLUMNS,
            sides=sides,
        ),
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "rows": _table_rows(page), "query": query.urlencode()}
    if is_htmx(request):
        return render(request, "partials/declaration_table.html", context)
    context["filter_fields"] = _filter_fields(form)
    return render(request, "declarations/declaration_list.html", context)


# ---- create / edit ----------------------------------------------------------------------------------------


def _findings(declaration):
    """Stored findings split into head fields, line fields and general ones."""
    head, lines, general = {}, {}, []
    for data in (declaration.findings if declaration else None) or []:
        finding = Finding.from_dict(data)
        if finding.gnum is not None:
            target = LINE_FINDING_FIELDS.get(finding.field)
            lines.setdefault(finding.gnum, {}).setdefault(target or "", []).append(finding)
        elif finding.field in HEAD_FINDING_FIELDS:
            head.setdefault(HEAD_FINDING_FIELDS[finding.field], []).append(finding)
        else:
            general.append(finding)
    return head, lines, general


def _line_rows(formset, line_findings):
    rows = []
    for index, form in enumerate(formset.forms):
        found = line_findings.get(index + 1, {})
        rows.append(
            {
                "index": index,
                "form": form,
                "fields": [(form[name], found.get(name, [])) for name in LINE_FIELDS],
                "general": found.get("", []),
                "has_errors": any(f.is_error for fs in found.values() for f in fs),
            }
        )
    return rows


def _catalogue(user):
    return CatalogueItem.objects.filter(enterprise_id__in=enterprise_ids_for_user(user=user))[:500]


def channel_reason(declaration, lines=None, tariff_for=None) -> str:
    """The recommended channel's reason in the active language (only its code is stored): a read-only check."""
    if declaration is None or not declaration.recommended_channel:
        return ""
    return channel_advice(declaration=declaration, lines=lines, tariff_for=tariff_for).reason_message


def _edit_context(request, *, declaration, form, formset):
    head, lines, general = _findings(declaration) if not form.is_bound else ({}, {}, [])
    stored = [Finding.from_dict(d) for d in (declaration.findings if declaration else None) or []]
    return {
        "declaration": declaration,
        "form": form,
        "formset": formset,
        "sections": [
            (title, [(form[name], head.get(name, [])) for name in names]) for title, names in HEAD_SECTIONS
        ],
        "rows": _line_rows(formset, lines),
        "general_findings": general,
        "error_count": sum(1 for f in stored if f.is_error),
        "warning_count": sum(1 for f in stored if f.is_warning),
        "catalogue": _catalogue(request.user),
        "channel_reason": channel_reason(declaration),
    }


def _line_dict(data: dict) -> dict:
    line = {name: data.get(name) for name in LINE_FIELDS}
    line["bar_code"] = line.get("bar_code") or "无"
    for name in ("item_name", "note", "unit2"):
        line[name] = line.get(name) or ""
    return line


def _forms(request, declaration):
    enterprises = enterprises_for_user(user=request.user)
    warehouses = warehouses_for_user(user=request.user)
    if request.method == "POST":
        form = DeclarationForm(
            request.POST, instance=declaration, enterprises=enterprises, warehouses=warehouses
        )
        formset = DeclarationLineFormSet(request.POST, prefix=LINES_PREFIX)
        return form, formset
    if declaration is None:
        first = enterprises.filter(is_exporter=True).first()
        initial = {
            "mode": Mode.DIRECT,
            "enterprise": first,
            "currency": "142",
            "ie_date": timezone.localdate(),
            "freight": 0,
            "insured_fee": 0,
        }
        if first and first.home_office_id:
            initial["customs_code"] = initial["port_code"] = first.home_office_id
        form = DeclarationForm(initial=initial, enterprises=enterprises, warehouses=warehouses)
        formset = DeclarationLineFormSet(prefix=LINES_PREFIX, initial=[{"currency": "142", "bar_code": "无"}])
    else:
        form = DeclarationForm(instance=declaration, enterprises=enterprises, warehouses=warehouses)
        initial = [{name: getattr(line, name) for name in LINE_FIELDS} for line in declaration.lines.all()]
        formset = DeclarationLineFormSet(prefix=LINES_PREFIX, initial=initial)
    return form, formset


def _edit(request, declaration):
    if declaration is not None and declaration.status not in EDITABLE_STATUSES:
        messages.error(
            request,
            _("A declaration in status “%(status)s” can no longer be changed.")
            % {"status": declaration.get_status_display()},
        )
        return redirect("declaration_detail", pk=declaration.pk)
    form, formset = _forms(request, declaration)
    if request.method == "POST":
        if form.is_valid() and formset.is_valid():
            data = {name: form.cleaned_data[name] for name in form.Meta.fields}
            lines = [
                _line_dict(line_form.cleaned_data)
                for line_form in formset.forms
                if line_form.cleaned_data and not line_form.cleaned_data.get("DELETE")
            ]
            try:
                declaration, findings = declaration_save(
                    declaration=declaration, data=data, lines=lines, actor=request.user
                )
            except DeclarationNotEditable as exc:
                messages.error(request, str(exc))
                return redirect("declaration_detail", pk=declaration.pk)
            errors = sum(1 for f in findings if f.is_error)
            warnings = sum(1 for f in findings if f.is_warning)
            if errors or warnings:
                messages.warning(
                    request,
                    _(
                        "Saved with %(errors)d errors and %(warnings)d warnings; they are shown next to the fields."
                    )
                    % {"errors": errors, "warnings": warnings},
                )
            else:
                messages.success(request, _("Saved. No findings: the declaration can be submitted."))
            return redirect("declaration_edit", pk=declaration.pk)
        messages.error(request, _("The form has errors; each is shown next to its field."))
    return render(
        request,
        "declarations/declaration_form.html",
        _edit_context(request, declaration=declaration, form=form, formset=formset),
    )


def _declaration(request, pk):
    return declaration_for_user(user=request.user, pk=pk)


@login_required
def declaration_create(request):
    return _edit(request, None)


@login_required
def declaration_edit(request, pk: int):
    declaration = _declaration(request, pk)
    require_declaration_change(user=request.user, declaration=declaration)
    return _edit(request, declaration)


@require_POST
@login_required
def declaration_lines(request):
    """htmx: re-render the goods lines from the posted form with one line added, removed or filled."""
    total = min(int(request.POST.get(f"{LINES_PREFIX}-TOTAL_FORMS") or 0), 1000)
    rows = []
    for i in range(total):
        key = f"{LINES_PREFIX}-{i}-"
        row = {name: request.POST.get(key + name, "") for name in LINE_FIELDS}
        for flag in ("licence", "inspection", "tax"):
            row[flag] = bool(request.POST.get(key + flag))
        row["_catalogue"] = request.POST.get(key + "catalogue", "")
        rows.append(row)
    action, index = request.POST.get("action"), request.POST.get("index", "")
    index = int(index) if index.isdigit() else -1
    if action == "add":
        rows.append(
            {
                "currency": request.POST.get("currency") or "142",
                "country": request.POST.get("country", ""),
                "bar_code": "无",
            }
        )
    elif action == "remove" and 0 <= index < len(rows) and len(rows) > 1:
        rows.pop(index)
    elif action == "fill" and 0 <= index < len(rows):
        items = CatalogueItem.objects.filter(
            enterprise_id__in=enterprise_ids_for_user(user=request.user), item_no=rows[index]["_catalogue"]
        )
        chosen = request.POST.get("enterprise", "")
        item = (
            items.filter(enterprise_id=int(chosen)).first() if chosen.isdigit() else None
        ) or items.first()
        if item is not None:
            for name in (
                "item_no",
                "item_name",
                "gcode",
                "gname",
                "gmodel",
                "bar_code",
                "unit",
                "unit1",
                "unit2",
            ):
                rows[index][name] = getattr(item, name)
    for row in rows:
        row.pop("_catalogue", None)
    formset = DeclarationLineFormSet(prefix=LINES_PREFIX, initial=rows)
    return render(
        request,
        "partials/declaration_lines.html",
        {"formset": formset, "rows": _line_rows(formset, {}), "catalogue": _catalogue(request.user)},
    )


@require_POST
@login_required
def declaration_copy_view(request, pk: int):
    declaration = _declaration(request, pk)
    require_declaration_change(user=request.user, declaration=declaration)
    copy = declaration_copy(declaration=declaration, actor=request.user)
    messages.success(
        request, _("Copied as a new draft. Enter its own order number and waybill number before submitting.")
    )
    return redirect("declaration_edit", pk=copy.pk)


@require_POST
@login_required
def declaration_delete_view(request, pk: int):
    declaration = _declaration(request, pk)
    require_declaration_change(user=request.user, declaration=declaration)
    try:
        declaration_delete(declaration=declaration, actor=request.user)
    except DeclarationNotEditable as exc:
        messages.error(request, str(exc))
        return redirect("declaration_detail", pk=pk)
    messages.success(request, _("Draft deleted."))
    return redirect("declaration_list")


@login_required
def declaration_submit_view(request, pk: int):
    """GET (or a POST without ``confirm``): what will be sent, for the user to confirm; POST confirm: submit.

    The confirmation carries a fingerprint of what was shown: should the declaration change in between, the
    page is shown again instead of sending something the user did not see."""
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    declaration = declaration_for_user(user=request.user, pk=pk, columns=DETAIL_COLUMNS)
    require_declaration_change(user=request.user, declaration=declaration)
    preview = declaration_submit_preview(declaration=declaration)
    confirmed = request.method == "POST" and request.POST.get("confirm")
    if confirmed and request.POST.get("fingerprint") != preview.fingerprint:
        messages.warning(request, _("The declaration changed since this page was shown; check it again."))
        confirmed = False
    if not confirmed:
        context = {
            "declaration": declaration,
            "preview": preview,
            "editable": declaration.status in EDITABLE_STATUSES,
            "status_label": choice_labels(DeclarationStatus).get(declaration.status, declaration.status),
        }
        return render(request, "declarations/declaration_submit.html", context)
    try:
        declaration_submit(declaration=declaration, actor=request.user)
    except SubmissionBlocked as exc:
        messages.error(request, str(exc))
        if declaration.status in EDITABLE_STATUSES:
            return redirect("declaration_edit", pk=pk)
        return redirect("declaration_detail", pk=pk)
    messages.success(request, _("Submitted. The status below updates by itself."))
    return redirect("declaration_detail", pk=pk)


# ---- detail -----------------------------------------------------------------------------------------------


def _status_context(declaration):
    released = STATUS_RANK[DeclarationStatus.RELEASED]
    statuses = choice_labels(DeclarationStatus)
    sources = choice_labels(EventSource)
    events = declaration_events(declaration=declaration)
    results = choice_labels(EntryResult)
    setting = None  # the event that set the current status: its receipt is the "latest receipt"
    for event in events:
        event.from_label = statuses.get(event.from_status, event.from_status)
        event.to_label = statuses.get(event.to_status, event.to_status)
        event.source_label = sources.get(event.source, event.source)
        event.entry = _entry_result(event)
        if event.entry is not None:
            event.entry.result_label = results.get(event.entry.result, event.entry.result)
        if event.to_status == declaration.status and event.from_status != event.to_status:
            setting = event
    return {
        "declaration": declaration,
        "status_label": statuses.get(declaration.status, declaration.status),
        "events": events,
        "status_event": setting,
        "polling": declaration.status in POLLING_STATUSES,
        "progress": min(100, STATUS_RANK.get(declaration.status, 0) * 100 // released),
    }


def _entry_result(event):
    try:
        return event.entry_result
    except CustomsEntryResult.DoesNotExist:
        return None


def _goods_rows(lines) -> list[dict]:
    """The goods table's cells (``{% rows %}``), formatted here as the template would."""
    return [
        {
            "gnum": localize(line.gnum),
            "item_no": line.item_no,
            "gcode": line.gcode,
            "gname": line.gname,
            "qty": quantity_text(line.qty, line.unit),
            "price": amount_text(line.price, line.currency),
            "total_price": amount_text(line.total_price, line.currency),
        }
        for line in lines
    ]


@login_required
def declaration_detail(request, pk: int):
    declaration = declaration_for_user(user=request.user, pk=pk, columns=DETAIL_COLUMNS)
    lines = declaration_goods_lines(declaration=declaration)  # read once: the table and the channel advice
    tariff_for = tariff_reader(prefetch=[line.gcode for line in lines])  # the advice and the tariff panel
    channels = choice_labels(Channel)
    states = choice_labels(ReceiptState)
    message_url = reverse("declaration_message", args=[declaration.pk, _PK_MARK])
    rendered = declaration_message_list(declaration=declaration)
    for message in rendered:
        message.url = message_url.replace(str(_PK_MARK), str(message.pk))
    receipts = declaration_receipt_list(declaration=declaration)
    context = _status_context(declaration)
    moved = {event.receipt_id for event in context["events"] if event.receipt_id}
    for receipt in receipts:
        receipt.state_label = states.get(receipt.state, receipt.state)
        if receipt.state == ReceiptState.APPLIED and receipt.pk not in moved:
            # Read and matched, but the declaration was already there (e.g. the order's 120 in the list channel).
            receipt.state_label = _("Recorded, status unchanged")
    # the reason for the channel and the rate line ("610 USD × 7.10 (2026-12) = 4,331.00 CNY") share one context
    advice, conversion = channel_advice_and_value(declaration=declaration, lines=lines, tariff_for=tariff_for)
    from declarations.messages.customs_declaration import draft_split_note

    changeable = can_change_declaration(user=request.user, declaration=declaration)
    context.update(
        {
            "lines": lines,
            "line_rows": _goods_rows(lines),
            "rendered": rendered,
            "receipts": receipts,
            "findings": [Finding.from_dict(d) for d in declaration.findings or []],
            "editable": changeable and declaration.status in EDITABLE_STATUSES,
            "deletable": changeable
            and declaration.status == DeclarationStatus.DRAFT
            and declaration.version == 0,
            "changeable": changeable,
            "is_customs_declaration": declaration.effective_channel == Channel.CUSTOMS_DECLARATION,
            "entry_results": [e.entry for e in context["events"] if e.entry is not None],
            "entry_result_allowed": customs_entry_allowed_now(declaration),
            "channel_reason": advice.reason_message if declaration.recommended_channel else "",
            "value_conversion": conversion,
            "draft_split_note": draft_split_note(len(lines), declaration.order_no),
            "tariff_for": tariff_for,
            "mode_label": choice_labels(Mode).get(declaration.mode, declaration.mode),
            "channel_label": channels.get(declaration.channel, declaration.channel),
            "recommended_channel_label": channels.get(
                declaration.recommended_channel, declaration.recommended_channel
            ),
        }
    )
    return render(request, "declarations/declaration_detail.html", context)


@require_GET
@login_required
def declaration_status(request, pk: int):
    """htmx fragment: status, progress and timeline; polls itself while the status can still move."""
    return render(request, "partials/declaration_status.html", _status_context(_declaration(request, pk)))


def _message(request, pk, message_id):
    return get_object_for_user(_declaration(request, pk).messages.all(), pk=message_id)


@require_GET
@login_required
def declaration_message(request, pk: int, message_id: int):
    message = _message(request, pk, message_id)
    if request.GET.get("download"):
        response = HttpResponse(bytes(message.content), content_type="application/xml")
        response["Content-Disposition"] = attachment_header(message.file_name)
        return response
    return render(
        request,
        "declarations/declaration_message.html",
        {
            "declaration": message.declaration,
            "message": message,
            "text": bytes(message.content).decode("utf-8", errors="replace"),
        },
    )


@require_GET
@login_required
def declaration_messages_zip(request, pk: int):
    declaration = _declaration(request, pk)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for message in declaration.messages.order_by("version", "message_type"):
            archive.writestr(f"v{message.version}/{message.file_name}", bytes(message.content))
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = attachment_header(f"{declaration.cop_no}_messages.zip")
    return response


def _customs_declaration(request, pk):
    declaration = _declaration(request, pk)
    if declaration.effective_channel != Channel.CUSTOMS_DECLARATION:
        raise Http404
    return declaration


@require_GET
@login_required
def declaration_draft_xlsx(request, pk: int):
    from declarations.messages.customs_declaration import render_declaration_xlsx

    declaration = _customs_declaration(request, pk)
    content = render_declaration_xlsx(declaration, list(declaration.lines.all()))
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = attachment_header(f"{declaration.cop_no}_declaration.xlsx")
    return response


@require_GET
@login_required
def declaration_draft_print(request, pk: int):
    from declarations.messages.customs_declaration import render_declaration_html

    declaration = _customs_declaration(request, pk)
    return HttpResponse(render_declaration_html(declaration, list(declaration.lines.all())))
