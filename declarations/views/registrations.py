"""Registrations with customs offices: file one, upload attachments, submit, follow the review."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from declarations.forms import AttachmentForm, RegistrationForm
from declarations.review_selectors import registration_attachment_for_user
from declarations.selectors import get_object_for_user, registrations_for_user
from declarations.services import filings as filing_services
from declarations.services.filings import registration_attachment_add, registration_submit
from declarations.views.common import member_enterprises, private_file_response, require_member


@login_required
def registration_list(request):
    registrations = registrations_for_user(user=request.user).select_related("enterprise", "customs_office")
    return render(request, "declarations/registration_list.html", {"registrations": registrations})


@login_required
def registration_create(request):
    form = RegistrationForm(request.POST or None, enterprises=member_enterprises(user=request.user))
    if request.method == "POST" and form.is_valid():
        registration = filing_services.registration_create(**form.cleaned_data)
        messages.success(request, _("Registration saved as a draft. Upload the attachments, then submit it."))
        return redirect("registration_detail", pk=registration.pk)
    return render(request, "declarations/registration_form.html", {"form": form})


def _registration(request, pk):
    return get_object_for_user(
        registrations_for_user(user=request.user).select_related("enterprise", "customs_office"), pk=pk
    )


@login_required
def registration_detail(request, pk: int):
    registration = _registration(request, pk)
    form = AttachmentForm()
    if request.method == "POST":
        require_member(user=request.user, enterprise=registration.enterprise)
        form = AttachmentForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                registration_attachment_add(
                    registration=registration,
                    title=form.cleaned_data["title"],
                    file=form.cleaned_data["file"],
                )
            except ValidationError as exc:
                messages.error(request, exc.messages[0])
                return redirect("registration_detail", pk=pk)
            messages.success(request, _("Attachment uploaded."))
            return redirect("registration_detail", pk=pk)
    return render(
        request,
        "declarations/registration_detail.html",
        {"registration": registration, "attachments": registration.attachments.all(), "form": form},
    )


@require_POST
@login_required
def registration_submit_view(request, pk: int):
    registration = _registration(request, pk)
    require_member(user=request.user, enterprise=registration.enterprise)
    try:
        registration_submit(registration=registration, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Registration submitted for review."))
    return redirect("registration_detail", pk=pk)


@require_GET
@login_required
def registration_attachment_download(request, pk: int, attachment_id: int):
    """An attachment, only to users who may see the registration and to reviewers (another tenant's: 404)."""
    attachment = registration_attachment_for_user(
        user=request.user, registration_id=pk, attachment_id=attachment_id
    )
    return private_file_response(attachment.file)
