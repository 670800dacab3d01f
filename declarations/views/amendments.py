"""A returned declaration's change (appType 2) and withdrawal (appType 3): the page's card and confirmations."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from declarations.forms_amendments import ChangeConfirmForm, WithdrawForm
from declarations.messages.render import messages_for
from declarations.permissions import can_change_declaration, require_declaration_change
from declarations.rules.amendments import AmendmentState, change_verdict, withdraw_verdict
from declarations.selectors import declaration_for_user
from declarations.selectors_amendments import declaration_message_versions
from declarations.services.amendments import declaration_declare_change, declaration_withdraw
from declarations.services.submission import SubmissionBlocked


@require_GET
@login_required
def declaration_amendments(request, pk: int):
    """htmx fragment: what customs accepts now (change, withdrawal, and why not) and every version's messages."""
    declaration = declaration_for_user(user=request.user, pk=pk)
    state = AmendmentState.of(declaration)
    versions = declaration_message_versions(declaration=declaration)
    for version in versions:
        for message in version.messages:
            message.url = reverse("declaration_message", args=[declaration.pk, message.pk])
    verdicts = [change_verdict(state), withdraw_verdict(state)] if declaration.version else []
    refused_alike = verdicts and not any(v.allowed for v in verdicts) and len({v.code for v in verdicts}) == 1
    context = {
        "declaration": declaration,
        "verdicts": verdicts,
        "same_refusal": verdicts[0] if refused_alike else None,  # one line instead of the same reason twice
        "may_act": can_change_declaration(user=request.user, declaration=declaration),
        "versions": versions,
    }
    return render(request, "partials/declaration_amendments.html", context)


def _confirm_page(request, declaration, *, template: str, form, verdict, extra=None):
    context = {"declaration": declaration, "form": form, "verdict": verdict, **(extra or {})}
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
@login_required
def declaration_change_view(request, pk: int):
    """GET: what a change sends (appType 2, same copNo, new guids, version + 1); POST: send it."""
    declaration = declaration_for_user(user=request.user, pk=pk)
    require_declaration_change(user=request.user, declaration=declaration)  # the API's change runs the same
    form = ChangeConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            declaration_declare_change(declaration=declaration, actor=request.user)
        except SubmissionBlocked as exc:
            messages.error(request, str(exc))
            for finding in exc.findings:
                messages.error(request, finding.message)
            return redirect("declaration_detail", pk=pk)
        messages.success(
            request, _("Declared again as a change (appType 2). Customs answers with its receipts.")
        )
        return redirect("declaration_detail", pk=pk)
    verdict = change_verdict(AmendmentState.of(declaration))
    produced = messages_for(declaration) if declaration.effective_channel else []
    extra = {"produced": produced, "next_version": declaration.version + 1}
    return _confirm_page(
        request,
        declaration,
        template="declarations/declaration_change.html",
        form=form,
        verdict=verdict,
        extra=extra,
    )


@require_http_methods(["GET", "POST"])
@login_required
def declaration_withdraw_view(request, pk: int):
    """GET: what a withdrawal sends (CEB603 appType 3 in a new version); POST: send it."""
    declaration = declaration_for_user(user=request.user, pk=pk)
    require_declaration_change(user=request.user, declaration=declaration)  # the API's withdraw runs the same
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            declaration_withdraw(
                declaration=declaration, reason=form.cleaned_data["reason"], actor=request.user
            )
        except SubmissionBlocked as exc:
            messages.error(request, str(exc))
            return redirect("declaration_detail", pk=pk)
        messages.success(request, _("Withdrawal sent (CEB603, appType 3). Customs answers with CEB604."))
        return redirect("declaration_detail", pk=pk)
    verdict = withdraw_verdict(AmendmentState.of(declaration))
    extra = {"next_version": declaration.version + 1}
    return _confirm_page(
        request,
        declaration,
        template="declarations/declaration_withdraw.html",
        form=form,
        verdict=verdict,
        extra=extra,
    )
