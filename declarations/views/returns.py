"""Returns (退运) in the portal: the panel on a released declaration, the form with its confirmation, a return's
page and its 报关单 draft (printable page, XLSX). Thin: selectors read, services.returns checks and stores."""

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from declarations.models import ReturnReason
from declarations.permissions import can_change_declaration
from declarations.rules.returns import VAT_REFUND_NOTE, ReturnCheck
from declarations.selectors import declaration_for_user
from declarations.selectors_returns import (
    line_states,
    original_entry_no,
    return_for_user,
    returns_of_declaration,
)
from declarations.services.returns import (
    ReturnRefused,
    require_return_create,
    return_allowed_now,
    return_create,
    return_evaluate,
)
from declarations.views.common import attachment_header
from declarations.widgets import CodePicker

QTY_PREFIX = "qty_"


class ReturnForm(forms.Form):
    reason = forms.ChoiceField(label=gettext_lazy("Why the goods come back"), choices=ReturnReason.choices)
    reason_note = forms.CharField(label=gettext_lazy("Details of the reason"), max_length=500, required=False)
    return_date = forms.DateField(
        label=gettext_lazy("Return date"),
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        help_text=gettext_lazy("The day the goods come back into China."),
    )
    port_code = forms.CharField(
        label=gettext_lazy("Port of return (customs office)"), max_length=4, widget=CodePicker("office")
    )
    original_state = forms.BooleanField(
        label=gettext_lazy("The goods come back in their original state"), required=False
    )
    vat_refund_claimed = forms.BooleanField(
        label=gettext_lazy("The exporter claimed an export VAT refund for these goods"), required=False
    )

    def __init__(self, *args, lines=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.line_fields = []
        for line, state in lines:
            name = f"{QTY_PREFIX}{line.gnum}"
            label = _("Line %(gnum)s: %(name)s") % {"gnum": line.gnum, "name": line.gname}
            self.fields[name] = forms.DecimalField(
                label=label,
                required=False,
                min_value=Decimal("0"),
                max_digits=19,
                decimal_places=5,
                widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal", "aria-label": label}),
            )
            self.line_fields.append({"name": name, "line": line, "state": state})

    def quantities(self) -> dict[int, Decimal]:
        return {
            row["line"].gnum: self.cleaned_data[row["name"]]
            for row in self.line_fields
            if self.cleaned_data.get(row["name"])
        }

    def add_refusal(self, exc: ReturnRefused) -> None:
        for check in exc.checks:
            name = f"{QTY_PREFIX}{check.gnum}" if check.gnum is not None else check.field
            self.add_error(name if name in self.fields else None, check.message)


def _lines_with_states(declaration):
    lines = list(declaration.lines.order_by("gnum"))
    return list(zip(lines, line_states(declaration=declaration, lines=lines), strict=True))


@require_GET
@login_required
def declaration_returns_panel(request, pk: int):
    """htmx fragment on the declaration's page: its returns and, when released, "Start a return"."""
    declaration = declaration_for_user(user=request.user, pk=pk)
    context = {
        "declaration": declaration,
        "returns": returns_of_declaration(declaration=declaration),
        "can_start": return_allowed_now(declaration)
        and can_change_declaration(user=request.user, declaration=declaration),
    }
    return render(request, "declarations/returns/panel.html", context)


@login_required
def declaration_return_create(request, pk: int):
    """GET: the form. POST: the summary to confirm (eligibility, lines, values); POST with confirm: store."""
    declaration = declaration_for_user(user=request.user, pk=pk)
    if not can_change_declaration(user=request.user, declaration=declaration):
        raise PermissionDenied
    lines = _lines_with_states(declaration)
    evaluation = None
    if request.method == "POST":
        form = ReturnForm(request.POST, lines=lines)
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if not k.startswith(QTY_PREFIX)}
            if "0" in request.POST.getlist("confirm"):
                pass  # "Change" on the summary: back to the filled-in form
            elif request.POST.get("confirm") == "1":
                try:
                    goods_return = return_create(
                        declaration=declaration, actor=request.user, quantities=form.quantities(), **data
                    )
                except ReturnRefused as exc:
                    form.add_refusal(exc)
                else:
                    messages.success(
                        request, _("Return R%(number)s is recorded.") % {"number": goods_return.number}
                    )
                    return redirect("declaration_return_detail", pk=pk, return_id=goods_return.pk)
            else:
                require_return_create(user=request.user, declaration=declaration)
                evaluation = return_evaluate(
                    declaration=declaration,
                    quantities=form.quantities(),
                    reason=data["reason"],
                    reason_note=data["reason_note"],
                    return_date=data["return_date"],
                    port_code=data["port_code"],
                    original_state=data["original_state"],
                )
                if evaluation.errors:
                    form.add_refusal(ReturnRefused(evaluation.errors))
                    evaluation = None
    else:
        # The exit port is where goods most often come back; the user changes it when they do not.
        initial = {"return_date": timezone.localdate(), "port_code": declaration.port_code}
        form = ReturnForm(initial=initial, lines=lines)
    context = {
        "declaration": declaration,
        "form": form,
        "allowed": return_allowed_now(declaration),
        "evaluation": evaluation,
        "reason_label": dict(ReturnReason.choices).get(form.cleaned_data.get("reason"), "")
        if evaluation
        else "",
        "vat_note": VAT_REFUND_NOTE if evaluation and form.cleaned_data.get("vat_refund_claimed") else "",
        "head_fields": [form[name] for name in ReturnForm.base_fields],
        "line_rows": [
            {"field": form[row["name"]], "line": row["line"], "state": row["state"]}
            for row in form.line_fields
        ],
    }
    return render(request, "declarations/returns/form.html", context)


def _detail_context(goods_return):
    return {
        "declaration": goods_return.declaration,
        "goods_return": goods_return,
        "checks": [ReturnCheck.from_dict(d) for d in goods_return.tax_free_checks],
        "vat_note": VAT_REFUND_NOTE if goods_return.vat_refund_claimed else "",
        "rows": sorted(goods_return.lines.all(), key=lambda row: row.line.gnum),
    }


@require_GET
@login_required
def declaration_return_detail(request, pk: int, return_id: int):
    goods_return = return_for_user(user=request.user, pk=pk, return_id=return_id)
    return render(request, "declarations/returns/detail.html", _detail_context(goods_return))


@require_GET
@login_required
def declaration_return_draft_xlsx(request, pk: int, return_id: int):
    from declarations.messages.return_declaration import render_return_xlsx

    goods_return = return_for_user(user=request.user, pk=pk, return_id=return_id)
    content = render_return_xlsx(
        goods_return, entry_no=original_entry_no(declaration=goods_return.declaration)
    )
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    name = f"{goods_return.declaration.cop_no}_return_R{goods_return.number}.xlsx"
    response["Content-Disposition"] = attachment_header(name)
    return response


@require_GET
@login_required
def declaration_return_draft_print(request, pk: int, return_id: int):
    from declarations.messages.return_declaration import render_return_html

    goods_return = return_for_user(user=request.user, pk=pk, return_id=return_id)
    context = _detail_context(goods_return)
    return HttpResponse(
        render_return_html(
            goods_return,
            entry_no=original_entry_no(declaration=goods_return.declaration),
            checks=context["checks"],
            vat_note=context["vat_note"],
        )
    )
