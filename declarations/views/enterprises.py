"""Enterprise profiles: list, create (the creator becomes its administrator), edit, live identifier checks."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from declarations.forms import EnterpriseForm
from declarations.identifiers import is_valid_customs_code, is_valid_uscc
from declarations.models import Enterprise
from declarations.models.enterprise import customs_code_taken
from declarations.selectors import enterprises_for_user, get_object_for_user
from declarations.services import enterprises as enterprise_services
from declarations.views.common import require_admin


@login_required
def enterprise_list(request):
    return render(
        request, "declarations/enterprise_list.html", {"enterprises": enterprises_for_user(user=request.user)}
    )


@login_required
def enterprise_create(request):
    form = EnterpriseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        enterprise = enterprise_services.enterprise_create(creator=request.user, **form.cleaned_data)
        messages.success(request, _("Enterprise %(name)s created.") % {"name": enterprise.name})
        return redirect("enterprise_list")
    return render(request, "declarations/enterprise_form.html", {"form": form})


@login_required
def enterprise_edit(request, pk: int):
    enterprise = get_object_for_user(enterprises_for_user(user=request.user), pk=pk)
    if request.method == "POST":
        require_admin(user=request.user, enterprise=enterprise)
    form = EnterpriseForm(request.POST or None, instance=enterprise)
    if request.method == "POST" and form.is_valid():
        enterprise_services.enterprise_update(enterprise=enterprise, **form.cleaned_data)
        messages.success(request, _("Enterprise %(name)s saved.") % {"name": enterprise.name})
        return redirect("enterprise_list")
    return render(request, "declarations/enterprise_form.html", {"form": form, "enterprise": enterprise})


@require_GET
@login_required
def enterprise_check(request, field: str):
    """htmx: check the USCC or the customs code while the user types."""
    value = (request.GET.get(field) or "").strip().upper()
    ok, message = True, ""
    if field == "uscc":
        if not is_valid_uscc(value):
            ok = False
            message = _(
                "Not a valid unified social credit code (18 characters with a correct check character)."
            )
        else:
            taken = Enterprise.objects.filter(uscc=value)
            if request.GET.get("pk", "").isdigit():
                taken = taken.exclude(pk=int(request.GET["pk"]))
            if taken.exists():
                ok, message = False, _("An enterprise with this code is already registered in the portal.")
    elif field == "customs_code":
        if value and not is_valid_customs_code(value):
            ok, message = False, _("Not a valid customs registration code (10 digits or capital letters).")
        elif value:
            pk = request.GET.get("pk", "")
            if customs_code_taken(value, exclude_pk=int(pk) if pk.isdigit() else None):
                # Short, as for the USCC: the form's error on saving says what to do instead.
                ok, message = False, _("An enterprise with this code is already registered in the portal.")
    else:
        ok, message = False, ""
    if ok and value:
        message = _("Valid.")
    return render(request, "partials/field_check.html", {"ok": ok, "message": message})
