"""A list's later life on its page: the master bills naming it, and its cancellation (CEB605) by the user."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from declarations.choices import DeclarationStatus
from declarations.forms_master_bills import CancelForm
from declarations.permissions import can_change_declaration, require_declaration_change
from declarations.selectors import declaration_for_user
from declarations.selectors_master_bills import master_bill_agents_for_user, master_bills_of_declaration
from declarations.services.submission import SubmissionBlocked, declaration_cancel


def _cancellable(declaration) -> bool:
    return declaration.status == DeclarationStatus.RELEASED and bool(declaration.invt_no)


@require_GET
@login_required
def declaration_list_life(request, pk: int):
    """htmx fragment on the declaration page: master bills naming this list, and the cancel action."""
    declaration = declaration_for_user(user=request.user, pk=pk)
    agents = set(master_bill_agents_for_user(user=request.user).values_list("pk", flat=True))
    bills = list(master_bills_of_declaration(declaration=declaration))
    for bill in bills:
        bill.linkable = bill.agent_id in agents  # another agent's bill: its number only, not its page
    cancellable = _cancellable(declaration) and can_change_declaration(
        user=request.user, declaration=declaration
    )
    context = {"declaration": declaration, "bills": bills, "cancellable": cancellable}
    return render(request, "partials/declaration_list_life.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def declaration_cancel_view(request, pk: int):
    """GET: the cancellation form with what it asks of customs; POST: send CEB605 with the reason."""
    declaration = declaration_for_user(user=request.user, pk=pk)
    require_declaration_change(user=request.user, declaration=declaration)  # the API's cancel runs the same
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            declaration_cancel(
                declaration=declaration, reason=form.cleaned_data["reason"], actor=request.user
            )
        except SubmissionBlocked as exc:
            messages.error(request, str(exc))
            return redirect("declaration_detail", pk=pk)
        messages.success(request, _("Cancellation requested (CEB605). Customs answers with CEB606."))
        return redirect("declaration_detail", pk=pk)
    context = {"declaration": declaration, "form": form, "cancellable": _cancellable(declaration)}
    return render(request, "declarations/declaration_cancel.html", context)
