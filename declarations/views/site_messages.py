"""Arrival (运抵) by the supervised-site operator and departure (离境) by the logistics enterprise, in batches.

GET shows the lists that concern the user's enterprise; the first POST shows what will be sent (confirm);
the second POST (``confirmed``) sends one message per list.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from declarations.forms_site import ArrivalForm, DepartureForm
from declarations.selectors_site import (
    arrival_lists_for_user,
    departure_lists_for_user,
    logistics_enterprises_for_user,
    site_operators_for_user,
)
from declarations.services.site_messages import (
    SiteMessageBlocked,
    declarations_send_arrival,
    declarations_send_departure,
)

_KINDS = {
    "arrival": {
        "form": ArrivalForm,
        "senders": site_operators_for_user,
        "lists": arrival_lists_for_user,
        "sent_flag": "arrival_sent",
        "message_type": "CEB507",
    },
    "departure": {
        "form": DepartureForm,
        "senders": logistics_enterprises_for_user,
        "lists": departure_lists_for_user,
        "sent_flag": "departure_sent",
        "message_type": "CEB509",
    },
}


def _send(kind: str, form, chosen, user):
    data = form.cleaned_data
    if kind == "arrival":
        return declarations_send_arrival(
            declarations=chosen,
            operator=data["sender"],
            domestic_traf_no=data["domestic_traf_no"],
            actor=user,
        )
    return declarations_send_departure(
        declarations=chosen,
        carrier=data["sender"],
        leave_time=data["leave_time"],
        traf_name=data["traf_name"],
        voyage_no=data["voyage_no"],
        bill_no=data["bill_no"],
        actor=user,
    )


def _batch(request, kind: str):
    spec = _KINDS[kind]
    senders = spec["senders"](user=request.user)
    if not senders.exists():  # say who sends this message rather than refuse bluntly
        return render(request, "declarations/site_batch.html", {"kind": kind, "no_role": True})
    all_lists = list(spec["lists"](user=request.user)[:500])
    for declaration in all_lists:
        declaration.already_sent = getattr(declaration, spec["sent_flag"])
    candidates = [d for d in all_lists if not d.already_sent]
    form = spec["form"](request.POST or None, senders=senders, candidates=candidates)
    context = {"kind": kind, "form": form, "lists": all_lists, "message_type": spec["message_type"]}
    if request.method == "POST" and form.is_valid():
        chosen = [d for d in candidates if d.pk in set(form.cleaned_data["lists"])]
        if not request.POST.get("confirmed"):
            context["chosen"] = chosen
            return render(request, "declarations/site_batch_confirm.html", context)
        try:
            sent = _send(kind, form, chosen, request.user)
        except SiteMessageBlocked as exc:
            messages.error(request, str(exc))
            return redirect(f"site_{kind}")
        messages.success(
            request,
            _("%(count)s %(type)s messages were sent to customs.")
            % {"count": len(sent), "type": spec["message_type"]},
        )
        return redirect(f"site_{kind}")
    selected = {int(v) for v in (form["lists"].value() or []) if str(v).isdigit()}
    context["selected"] = selected
    return render(request, "declarations/site_batch.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def site_arrival(request):
    return _batch(request, "arrival")


@require_http_methods(["GET", "POST"])
@login_required
def site_departure(request):
    return _batch(request, "departure")
