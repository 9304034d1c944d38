"""The typical cases a bureau chose to publish, on its part of the public site. No
login; only published entries under the bureau's region; only the anonymised texts,
the dispute type and the year (never the case's number, parties, committee or
mediators). Pages are cached by the library's version (caselibrary.cache) and may
be kept by browsers and proxies for a few minutes."""

from django.core.cache import cache as page_cache
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.views.decorators.http import require_safe

from caselibrary import cache
from caselibrary.models import LibraryEntry
from core.models import Bureau
from core.tenancy import all_regions
from mediation.models import DisputeType
from publication.cache import LARGE_TEXT_COOKIE, page_headers

PER_PAGE = 20


def _bureau(region_code) -> Bureau:
    with all_regions():
        bureau = Bureau.objects.select_related("region").filter(region_id=region_code).first()
    if bureau is None:
        raise Http404
    return bureau


def _published(bureau):
    with all_regions():
        return LibraryEntry.objects.filter(
            published=True, region__code__startswith=bureau.region.prefix
        ).select_related("dispute_type")


def _page_number(raw) -> int:
    return int(raw) if raw and raw.isascii() and raw.isdigit() and len(raw) <= 6 else 1


def _type_code(raw) -> str:
    return (
        raw if raw and len(raw) <= 30 and raw.isascii() and raw.replace("_", "").isalnum() else ""
    )


def _variant(request) -> tuple:
    """What besides the URL changes a page: the text size and the language."""
    return (request.COOKIES.get(LARGE_TEXT_COOKIE) == "1", translation.get_language())


def _cached(request, key, render, status=200):
    key = cache.page_key(key, *_variant(request))
    body = page_cache.get(key)
    if body is None:
        body, status = render()
        if status == 200:
            page_cache.set(key, body, cache.PAGE_TIMEOUT)
    response = HttpResponse(body, status=status)
    return page_headers(response, max_age=cache.MAX_AGE) if status == 200 else response


@require_safe
def entry_list(request, region_code):
    bureau = _bureau(region_code)
    number, type_code = _page_number(request.GET.get("page")), _type_code(request.GET.get("type"))

    def render():
        entries = _published(bureau)
        if type_code:
            entries = entries.filter(dispute_type_id=type_code)
        with all_regions():
            page = Paginator(entries.order_by("-year", "-pk"), PER_PAGE).get_page(number)
            page.object_list = list(page.object_list)
            types = list(DisputeType.objects.filter(active=True))
        body = render_to_string(
            "public/cases.html",
            {"bureau": bureau, "page": page, "types": types, "type_code": type_code},
            request,
        )
        return body, 200

    return _cached(request, ("list", request.path, number, type_code), render)


@require_safe
def entry(request, region_code, entry_id):
    bureau = _bureau(region_code)

    def render():
        with all_regions():
            found = _published(bureau).filter(pk=entry_id).first()
        if found is None:
            raise Http404
        return render_to_string(
            "public/case.html", {"bureau": bureau, "entry": found}, request
        ), 200

    return _cached(request, ("entry", request.path), render)
