"""HS 2022 code autocomplete: by code prefix, or by words of the description."""

from functools import reduce
from operator import and_

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import render
from django.views.decorators.http import require_GET

from declarations.models import HSCode
from declarations.search import search_query

LIMIT = 20


def hs_search_codes(raw: str):
    """At most the first SEARCH_MAX_WORDS words of SEARCH_MAX_CHARS characters (declarations.search): a datalist
    has no place for a message, and a few words already narrow HS descriptions down."""
    bounded = search_query(raw)
    query, words = bounded.text, bounded.words
    if not query:
        return HSCode.objects.none()
    if query.replace(".", "").isdigit():
        return HSCode.objects.filter(code__startswith=query.replace(".", "")).order_by("code")[:LIMIT]
    return HSCode.objects.filter(reduce(and_, (Q(description__icontains=w) for w in words))).order_by(
        "-level", "code"
    )[:LIMIT]


@require_GET
@login_required
def hs_search(request):
    """htmx: options for a <datalist>. The query is ``q`` or the value of the typed gcode input."""
    query = request.GET.get("q") or next((v for k, v in request.GET.items() if k.endswith("gcode")), "")
    return render(request, "partials/hs_options.html", {"codes": hs_search_codes(query)})
