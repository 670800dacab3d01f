"""Delegations (代理报关委托) the parties manage: the list, a broker's request, an exporter's entrustment, one
delegation with its events, and accept / refuse / end (services.delegations, the same as the API's)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from declarations.choices import Mode
from declarations.code_labels import code_label
from declarations.forms_delegations import DelegationNoteForm, DelegationTermsForm
from declarations.models import Membership
from declarations.models.delegations import DelegationStatus
from declarations.selectors_delegations import admin_enterprises, delegation_for_user, delegations_for_user
from declarations.services.delegations import (
    DelegationRefused,
    delegation_accept,
    delegation_end,
    delegation_entrust,
    delegation_refuse,
    delegation_request,
)


def _decorate(delegation, *, admin_of: set[int], member_of: set[int], superuser: bool) -> None:
    """What the page shows of one delegation for this user: its side, the counterparty, the actions it may take."""
    as_exporter = delegation.exporter_id in member_of
    delegation.side_label = _("Exporter") if as_exporter else _("Broker")
    delegation.counterparty = delegation.broker if as_exporter else delegation.exporter
    if superuser and not (as_exporter or delegation.broker_id in member_of):
        delegation.side_label, delegation.counterparty = _("Portal administrators"), delegation.exporter
    pending = delegation.status == DelegationStatus.PENDING
    is_open = delegation.status in (DelegationStatus.PENDING, DelegationStatus.ACCEPTED)
    exporter_admin = superuser or delegation.exporter_id in admin_of
    delegation.can_decide = pending and exporter_admin
    delegation.can_end = is_open and (exporter_admin or delegation.broker_id in admin_of)
    delegation.office_labels = [code_label("office", code) for code in delegation.offices or []]
    delegation.mode_labels = [
        Mode(mode).label if mode in Mode.values else mode for mode in delegation.modes or []
    ]


def _memberships(user) -> tuple[set[int], set[int]]:
    rows = list(Membership.objects.filter(user=user).values_list("enterprise_id", "role"))
    return {e for e, role in rows if role == Membership.Role.ADMIN}, {e for e, _role in rows}


@require_GET
@login_required
def delegation_list(request):
    delegations = list(delegations_for_user(user=request.user)[:300])
    admin_of, member_of = _memberships(request.user)
    for delegation in delegations:
        _decorate(delegation, admin_of=admin_of, member_of=member_of, superuser=request.user.is_superuser)
    return render(
        request,
        "declarations/delegations/list.html",
        {
            "delegations": delegations,
            "can_request": admin_enterprises(user=request.user, role="broker").exists(),
            "can_entrust": admin_enterprises(user=request.user, role="exporter").exists(),
        },
    )


def _terms_view(request, *, role: str):
    enterprises = admin_enterprises(user=request.user, role=role)
    if not enterprises.exists():
        raise PermissionDenied
    form = DelegationTermsForm(request.POST or None, enterprises=enterprises)
    if request.method == "POST" and form.is_valid():
        service = delegation_request if role == "broker" else delegation_entrust
        acting = {"broker": form.cleaned_data["enterprise"]} if role == "broker" else {}
        acting = acting or {"exporter": form.cleaned_data["enterprise"]}
        try:
            delegation = service(actor=request.user, code=form.cleaned_data["code"], **acting, **form.terms())
        except DelegationRefused as exc:
            for problem in exc.problems:
                form.add_error(problem.field if problem.field in form.fields else None, problem.message)
        else:
            if role == "broker":
                messages.success(
                    request, _("Request sent. The exporter's administrator will accept or refuse it.")
                )
            else:
                messages.success(request, _("The broker may now declare for you within this delegation."))
            return redirect("delegation_detail", pk=delegation.pk)
    title = _("Ask to act for an exporter") if role == "broker" else _("Entrust a customs broker")
    return render(request, "declarations/delegations/form.html", {"form": form, "title": title, "role": role})


@require_http_methods(["GET", "POST"])
@login_required
def delegation_request_view(request):
    return _terms_view(request, role="broker")


@require_http_methods(["GET", "POST"])
@login_required
def delegation_entrust_view(request):
    return _terms_view(request, role="exporter")


@require_GET
@login_required
def delegation_detail(request, pk):
    delegation = delegation_for_user(user=request.user, pk=pk)
    admin_of, member_of = _memberships(request.user)
    _decorate(delegation, admin_of=admin_of, member_of=member_of, superuser=request.user.is_superuser)
    return render(
        request,
        "declarations/delegations/detail.html",
        {"delegation": delegation, "events": list(delegation.events.all())},
    )


def _action(request, pk, service, done: str):
    delegation = delegation_for_user(user=request.user, pk=pk)
    form = DelegationNoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        service(actor=request.user, delegation=delegation, note=note)
    except DelegationRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done)
    return redirect("delegation_detail", pk=delegation.pk)


@require_POST
@login_required
def delegation_accept_view(request, pk):
    return _action(
        request, pk, delegation_accept, _("Delegation accepted: the broker may declare for you now.")
    )


@require_POST
@login_required
def delegation_refuse_view(request, pk):
    return _action(request, pk, delegation_refuse, _("Delegation request refused."))


@require_POST
@login_required
def delegation_end_view(request, pk):
    return _action(
        request, pk, delegation_end, _("Delegation ended: the broker can no longer act for the exporter.")
    )
