"""Dashboard: counts by status, receipts needing attention, figures by mode × channel × month."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from declarations.choices import DeclarationStatus
from declarations.selectors import (
    dashboard_figures,
    declaration_counts_by_status,
    declarations_for_user,
    enterprises_for_user,
    receipts_needing_attention,
)


@login_required
def dashboard(request):
    declarations = declarations_for_user(user=request.user)
    by_status = declaration_counts_by_status(declarations=declarations)
    counts = [
        {"status": status, "label": label, "count": by_status[status]}
        for status, label in DeclarationStatus.choices
        if by_status.get(status)
    ]
    return render(
        request,
        "declarations/dashboard.html",
        {
            "enterprises": enterprises_for_user(user=request.user),
            "counts": counts,
            "total": sum(by_status.values()),
            "attention": receipts_needing_attention(declarations=declarations),
            "figures": dashboard_figures(declarations=declarations),
            "recent": declarations[:10],
        },
    )
