"""Notifications: the user's list, the unread count in the header, mark read."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from declarations.models import Notification
from declarations.services.notifications import notification_mark_read


@login_required
def notification_list(request):
    page = Paginator(
        Notification.objects.filter(user=request.user).select_related("declaration"), 25
    ).get_page(request.GET.get("page"))
    return render(request, "declarations/notification_list.html", {"page": page})


@require_GET
@login_required
def notification_count(request):
    unread = Notification.objects.filter(user=request.user, read=False).count()
    return render(request, "partials/notification_count.html", {"unread": unread})


@require_POST
@login_required
def notification_read(request):
    """Mark the posted ids read, or all of the user's when ``all`` is posted; other users' ids change nothing."""
    if request.POST.get("all"):
        ids = list(Notification.objects.filter(user=request.user, read=False).values_list("pk", flat=True))
    else:
        ids = [int(v) for v in request.POST.getlist("id") if v.isdigit()]
    notification_mark_read(user=request.user, notification_ids=ids)
    return redirect("notification_list")
