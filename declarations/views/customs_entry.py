"""The 报关单 result page: record the customs declaration's entry number and what customs decided."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from declarations.choices import DeclarationStatus
from declarations.models.customs_entry import EntryResult
from declarations.selectors import declaration_for_user
from declarations.services.customs_entry import customs_entry_allowed_now, customs_entry_record
from declarations.views.declarations import choice_labels


class CustomsEntryResultForm(forms.Form):
    entry_no = forms.CharField(
        label=gettext_lazy("Customs declaration number (报关单号)"),
        max_length=18,
        help_text=gettext_lazy("18 digits, as on the customs declaration."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    result = forms.ChoiceField(label=gettext_lazy("Result"), choices=EntryResult.choices)
    result_date = forms.DateField(
        label=gettext_lazy("Date of the result"),
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason (when returned)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


@login_required
def declaration_customs_result(request, pk: int):
    """GET: the form; POST: record the result through services.customs_entry (the API's twin)."""
    declaration = declaration_for_user(user=request.user, pk=pk)
    allowed = customs_entry_allowed_now(declaration)
    if request.method == "POST":
        form = CustomsEntryResultForm(request.POST)
        if form.is_valid():
            try:
                customs_entry_record(declaration=declaration, actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    for field, errors in exc.message_dict.items():
                        for message in errors:
                            form.add_error(field if field in form.fields else None, message)
                else:
                    for message in exc.messages:
                        form.add_error(None, message)
            else:
                messages.success(request, _("The customs declaration result is recorded."))
                return redirect("declaration_detail", pk=pk)
    else:
        form = CustomsEntryResultForm(initial={"result_date": timezone.localdate()})
    context = {
        "declaration": declaration,
        "form": form,
        "allowed": allowed,
        "status_label": choice_labels(DeclarationStatus).get(declaration.status, declaration.status),
        "results": declaration.entry_results.order_by("created_at", "pk"),
    }
    return render(request, "declarations/declaration_customs_result.html", context)
