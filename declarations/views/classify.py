"""htmx: the classification assistant's suggestions for one goods line, and the tariff facts of a line."""

import json

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from declarations.selectors_classify import classification_suggest

QUERY_PARAMS = ("q", "classify-q")


@require_GET
@login_required
def classify_search(request):
    """Suggestions for the description typed in a line's assistant box (``q``), for the chosen exporter."""
    query = next((request.GET[name] for name in QUERY_PARAMS if request.GET.get(name)), "")
    suggestions = classification_suggest(
        user=request.user,
        query=query,
        enterprise_id=request.GET.get("enterprise") or None,
        office=request.GET.get("customs_code", ""),
        channel=request.GET.get("channel", ""),
        english=(get_language() or "").startswith("en"),
    )
    rows = [{"suggestion": s, "data": json.dumps(s.as_dict(), ensure_ascii=False)} for s in suggestions]
    return render(request, "partials/classify_results.html", {"rows": rows, "query": query.strip()})
