"""Code picker options (JSON): a code table's offered codes with their names in the active language.

Reference data, the same for every tenant; a signed-in user of any tenant may read it, an anonymous visitor not.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.http import require_GET

from declarations.code_labels import TABLES, picker_groups, picker_options


@require_GET
@login_required
def code_options(request, table: str):
    if table not in TABLES:
        raise Http404
    response = JsonResponse({"options": picker_options(table), "optgroups": picker_groups(table)})
    # Private: behind a login. The language is in the URL (/en/...), so one URL has one language.
    patch_cache_control(response, private=True, max_age=300)
    patch_vary_headers(response, ["Cookie"])
    return response
