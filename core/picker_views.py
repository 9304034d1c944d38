"""The pickers' JSON endpoint: the options a picker offers for what was typed, inside
the active jurisdiction. One route per registered picker (core.urls), so the
isolation walk visits each."""

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.views.decorators.http import require_GET

from core import pickers
from core.jurisdiction import require_role

# Longer than any name or label; a longer query is cut, never an error.
MAX_QUERY = 100


@login_required
@require_GET
def pick_view(request, kind):
    """``?q=<text>&limit=<n>`` (plus the picker's own narrowing parameters):
    ``{"results": [{"value": ..., "label": ...}, ...]}``. The value is what the form
    field or filter accepts back; no database id is in it."""
    require_role(request)
    picker = pickers.get(kind)
    try:
        limit = min(max(int(request.GET.get("limit", pickers.DEFAULT_LIMIT)), 1), pickers.MAX_LIMIT)
    except ValueError:
        limit = pickers.DEFAULT_LIMIT
    params = {name: request.GET.get(name, "")[:MAX_QUERY] for name in picker.forwards}
    results = picker.options(request.GET.get("q", "")[:MAX_QUERY], params, limit)
    # Readable Chinese in the body, not \\u escapes.
    return JsonResponse({"results": results}, json_dumps_params={"ensure_ascii": False})
