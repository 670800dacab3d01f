"""Dashboard: counts by status, receipts needing attention, figures by mode × channel × month.

The statistics count declared declarations only (submitted and later); drafts are shown apart. A staff
reviewer who belongs to no enterprise is led to the review queue."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from declarations.choices import DeclarationStatus
from declarations.review_selectors import is_reviewer
from declarations.selectors import (
    dashboard_figures,
    declaration_counts_by_status,
    declarations_for_user,
    enterprises_for_user,
    import_jobs_for_user,
    receipts_needing_attention,
)

RECENT_UPLOADS = 5


@login_required
def dashboard(request):
    enterprises = enterprises_for_user(user=request.user)
    if request.user.is_staff and not enterprises.exists() and is_reviewer(user=request.user):
        # A staff reviewer belongs to no enterprise: its work is the review queue, not an empty portal.
        return redirect("admin:index")
    declarations = declarations_for_user(user=request.user)
    by_status = declaration_counts_by_status(declarations=declarations)
    drafts = by_status.pop(DeclarationStatus.DRAFT, 0)
    counts = [
        {"status": status, "label": label, "count": by_status[status]}
        for status, label in DeclarationStatus.choices
        if by_status.get(status)
    ]
    return render(
        request,
        "declarations/dashboard.html",
        {
            "enterprises": enterprises,
            "counts": counts,
            "total": sum(by_status.values()),
            "drafts": drafts,
            "attention": receipts_needing_attention(declarations=declarations),
            "figures": dashboard_figures(declarations=declarations.exclude(status=DeclarationStatus.DRAFT)),
            "recent": declarations[:10],
            "uploads": import_jobs_for_user(user=request.user)[:RECENT_UPLOADS],
        },
    )
