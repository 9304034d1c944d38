"""Cache keys of the public pages. Pages are cached per publication (a new version
has new keys), and the pointer to each bureau's live version is dropped when a
publication goes live, so the next request reads the new one.

Keys:
- ``live_key(region_code)``: the live publication (with its bureau) of the bureau
  governing a region, or NO_LIVE (no bureau, or nothing published; a region without
  a bureau is remembered briefly). Dropped by ``forget_live`` when a publication
  goes live and by ``forget_bureau``. One key, so a page finds it in one read.
- ``BUREAUS_KEY``: the index page's list of bureaus with a live roster.
- ``page_key(publication_pk, ...)``: a rendered page of one publication. A new
  publication has a new pk, so old pages are simply never asked for again.
"""

import functools
import hashlib
import re
from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.urls import Resolver404, URLResolver, get_resolver
from django.utils import translation

BUREAUS_KEY = "public-roster:bureaus"
# The large-text mode's cookie (适老化): it changes the page, so it is part of keys.
LARGE_TEXT_COOKIE = "large_text"
# Stored in live_key for a region with nothing live (None means "not cached").
NO_LIVE = 0
# Publications are immutable, but the bureau's footer (address, phone, filing
# numbers) is editable: cached pages live long enough to absorb load, short enough
# that an edited footer shows within the hour.
PAGE_TIMEOUT = 60 * 60
LIVE_TIMEOUT = 10 * 60
MISS_TIMEOUT = 5 * 60
WORKBOOK_TIMEOUT = 24 * 60 * 60


def live_key(region_code: str) -> str:
    return f"public-roster:live:{region_code}"


def page_key(publication_pk, *parts) -> str:
    """A page of one publication; *parts* are the normalised view name, query and
    display flags (hashed, so a long query cannot make a long key)."""
    digest = hashlib.sha256("\x1f".join(str(part) for part in parts).encode()).hexdigest()[:32]
    return f"public-roster:page:{publication_pk}:{digest}"


def workbook_key(publication_pk) -> str:
    return f"public-roster:xlsx:{publication_pk}"


def regions_key(publication_pk) -> str:
    # "choices": the entry holds the level names too since they joined it (an entry
    # under the old name, without them, is never read).
    return f"public-roster:choices:{publication_pk}"


def forget_live(bureau_id):
    """A publication of the bureau went live: drop the pointers to the old one."""
    cache.delete_many([BUREAUS_KEY, *_region_keys(bureau_id)])


def _region_keys(bureau_id) -> list[str]:
    from core.models import Bureau
    from core.tenancy import all_regions

    with all_regions():
        region = Bureau.objects.filter(pk=bureau_id).values_list("region_id", flat=True).first()
    return [live_key(region), live_region_key(region)] if region else []


def forget_bureau(bureau):
    """After a bureau's details changed (name, footer fields): its pointer and the
    index go, and its pages follow once the pointer is re-read (pages of the same
    publication stay until PAGE_TIMEOUT)."""
    cache.delete_many([BUREAUS_KEY, live_key(bureau.region_id), live_region_key(bureau.region_id)])


# -- the fast path: whole pages served before the rest of the middleware ---------------
#
# A public page that a view has rendered is also stored under the exact URL it was
# asked with (path, query string, text size, language), next to the pk of the
# publication it shows. PublicPageCacheMiddleware, placed right after WhiteNoise,
# answers a repeated URL with one cache round trip (that entry and the region's live
# pointer), without sessions, auth or the URL resolver. Only URLs whose parameters
# are all known ones get an entry, so junk parameters cannot multiply entries.

PATH_RE = re.compile(r"^/public/([0-9]{12})/")
ALIAS_PARAMS = frozenset({"region", "committee", "expertise", "level", "name", "page"})
ALIAS_MAX_QUERY = 512
# The region's live pointer is re-set by every rendered page; its short life bounds
# how long a page rendered during a publication could outlive it.
LIVE_PK_TIMEOUT = 60


# The views PublicPageCacheMiddleware calls itself when the cache misses: the
# cached pages (the photo and the workbook are files; the text size sets a cookie).
RENDERED_HERE = frozenset({"search", "mediator", "committee", "about"})


@functools.lru_cache(maxsize=4)
def _public_routes(root: URLResolver) -> URLResolver:
    """The public roster's routes of the URLconf *root*, mounted where it mounts them
    and alone: resolving against the whole URLconf tries the few hundred staff routes
    first, a tenth of a new search's time."""
    _prefix, routes = root.namespace_dict["public"]
    return URLResolver(root.pattern, [routes])


def public_match(path: str):
    """The public roster route *path* resolves to, as ``resolve`` would find it;
    raises Resolver404 if none."""
    return _public_routes(get_resolver()).resolve(path)


def live_region_key(region_code: str) -> str:
    return f"public-roster:live-pk:{region_code}"


def _variant(request) -> str:
    """What besides the URL changes a page: the text size and, on a multilingual
    site, the language the request asks for."""
    large = request.COOKIES.get(LARGE_TEXT_COOKIE) == "1"
    if len(settings.LANGUAGES) == 1:
        return f"{int(large)}"
    return "\x1f".join(
        (
            str(int(large)),
            request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, ""),
            request.META.get("HTTP_ACCEPT_LANGUAGE", ""),
        )
    )


def alias_key(request) -> str | None:
    """The fast-path key of *request*, or None when it must not get one."""
    match = PATH_RE.match(request.path_info)
    query = request.META.get("QUERY_STRING", "")
    if match is None or len(query) > ALIAS_MAX_QUERY:
        return None
    lists = request.GET.lists()
    if any(name not in ALIAS_PARAMS or len(values) != 1 for name, values in lists):
        return None
    page = request.GET.get("page")
    if page is not None and not (page.isascii() and page.isdigit() and len(page) <= 6):
        return None
    raw = "\x1f".join((request.path_info, query, _variant(request)))
    return f"public-roster:url:{hashlib.sha256(raw.encode()).hexdigest()[:40]}"


class PublicRead(NamedTuple):
    """What PublicPageCacheMiddleware read for a page it could not answer, left on
    the request as ``public_roster`` for the view: the region's live publication
    (live_key) and live pointer, None where not cached."""

    publication: object
    live_pk: int | None


def remember_page(request, region_code: str, publication_pk: int, body: bytes, page_key=None):
    """Called by the views with every cacheable page they answer: store the URL's
    entry (and, given its *page_key*, the page's own, in the same round trip) and
    set the region's live pointer if the middleware did not find it set."""
    entries = {page_key: body} if page_key else {}
    key = alias_key(request)
    if key is not None:
        entries[key] = (publication_pk, body)
    cache.set_many(entries, PAGE_TIMEOUT)
    read = getattr(request, "public_roster", None)
    if key is not None and (read is None or read.live_pk != publication_pk):
        cache.set(live_region_key(region_code), publication_pk, LIVE_PK_TIMEOUT)


def page_headers(response, max_age: int = 60):
    response["Cache-Control"] = f"public, max-age={max_age}"
    response["Vary"] = "Cookie" if len(settings.LANGUAGES) == 1 else "Cookie, Accept-Language"
    return response


class PublicPageCacheMiddleware:
    """Serve a public roster page from the cache when its publication is still the
    live one, else from its view without the rest of the middleware (``rendered``).
    Put it right after WhiteNoiseMiddleware; anything else goes on down the stack.
    The views fill its entries."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("GET", "HEAD"):
            response = self.cached(request) or self.rendered(request)
            if response is not None:
                return response
        return self.get_response(request)

    def rendered(self, request):
        """A page of the public roster the cache does not hold yet, from its view
        right here. These views read no session, user, CSRF token, message or
        jurisdiction, and what the rest of the stack would add to them (a fifth of
        an uncached search's time) is only the language, activated here as
        LocaleMiddleware does, and the frame header."""
        if PATH_RE.match(request.path_info) is None:
            return None
        try:
            match = public_match(request.path_info)
        except Resolver404:
            return None
        if match.namespace != "public" or match.url_name not in RENDERED_HERE:
            return None
        request.resolver_match = match
        translation.activate(translation.get_language_from_request(request))
        request.LANGUAGE_CODE = translation.get_language()
        response = match.func(request, *match.args, **match.kwargs)
        response["X-Frame-Options"] = "DENY"
        response["Content-Language"] = request.LANGUAGE_CODE
        return response

    def cached(self, request):
        match = PATH_RE.match(request.path_info)
        if match is None:
            return None
        key = alias_key(request)
        if key is None:
            return None
        region = match.group(1)
        # The live publication comes along, for the view if the page is not here.
        found = cache.get_many([live_region_key(region), key, live_key(region)])
        live_pk, entry = found.get(live_region_key(region)), found.get(key)
        if not live_pk or entry is None or entry[0] != live_pk:
            request.public_roster = PublicRead(found.get(live_key(region)), live_pk)
            return None
        response = HttpResponse(entry[1])
        response["X-Frame-Options"] = "DENY"
        response["Content-Language"] = settings.LANGUAGE_CODE
        response["X-Public-Cache"] = "hit"
        return page_headers(response)
