"""The public roster pages (/public/): no login, every request treated as hostile.

They read only the live publication's snapshot tables, never the registry (the photo
view reads one registry column, the photo itself, after the snapshot allowed it).
Responses are cached per publication: the key holds the publication's pk, so a new
publication is a new set of keys, and the pointer to the live one is dropped when
it goes live (publication.cache.forget_live).
"""

import datetime
import hashlib
import mimetypes
import time
from io import BytesIO
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.template.defaultfilters import urlencode as urlencode_filter
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.formats import localize
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from core.excel import XLSX_CONTENT_TYPE, Column, write_workbook
from core.models import BureauLevel, Region
from core.tenancy import all_regions
from publication import cache as keys
from publication.filtersets import PublicRosterFilterSet, with_value
from publication.models import PublishedCommittee, PublishedMediator
from publication.regions import label_codes, label_names, region_label
from publication.search import Matches
from publication.selectors import bureaus_with_live_roster, live_publication_in
from registry import levels as levels_
from registry.models import ExpertiseField, Mediator

PER_PAGE = 20
COMMITTEE_PER_PAGE = 50
MAX_PAGE_DIGITS = 6

MEDIATOR_FIELDS = (
    "mediator_id",
    "name",
    "gender",
    "level",
    "level_name",
    "region_id",
    "expertise_names",
    "named_room",
    "full_time",
    "appointed_since",
    "has_photo",
    "committee__code",
    "committee__name",
    "committee__region_name",
)


# -- resolving the bureau and its live publication ---------------------------------


def resolve(region_code: str, request=None):
    """The live publication of the bureau governing *region_code*, with its bureau;
    404 for a region without a bureau or a bureau that has not published. One cache
    read when warm (none if PublicPageCacheMiddleware read it), no query."""
    read = getattr(request, "public_roster", None)
    if read is not None and read.publication is not None:
        publication = read.publication
    else:
        publication = cache.get(keys.live_key(region_code))
    if publication is None:
        publication = live_publication_in(region_code)
        timeout = keys.LIVE_TIMEOUT if publication else keys.MISS_TIMEOUT
        cache.set(keys.live_key(region_code), publication or keys.NO_LIVE, timeout)
    if not publication:
        raise Http404
    return publication


def _bureau_fingerprint(bureau) -> str:
    """The bureau's displayed details, so an edited footer makes new page keys."""
    fields = (
        bureau.name,
        bureau.address,
        bureau.phone,
        bureau.website_code,
        bureau.icp_number,
        bureau.police_filing_number,
    )
    return hashlib.sha256("\x1f".join(fields).encode()).hexdigest()[:12]


def large_text(request) -> bool:
    return request.COOKIES.get(keys.LARGE_TEXT_COOKIE) == "1"


def _variant_key(request, publication, view_name, *parts) -> str:
    """The cache key of a page of *publication*: besides *parts*, what changes every
    page (language, text size, the bureau's footer)."""
    return keys.page_key(
        publication.pk,
        view_name,
        translation.get_language(),
        large_text(request),
        _bureau_fingerprint(publication.bureau),
        *parts,
    )


def _render(request, publication, template, context) -> str:
    context = {"bureau": publication.bureau, "publication": publication, **context}
    return render_to_string(template, context, request)


def _cached_page(request, publication, view_name, parts, build):
    """The page of *publication* for the normalised *parts*, from the cache or from
    ``build()`` -> (template, context), or the page itself as text; ``parts=None``
    skips the cache (pages showing field errors, which hostile input could multiply
    without end)."""
    key = None
    if parts is not None:
        key = _variant_key(request, publication, view_name, *parts)
        body = cache.get(key)
        if body is not None:
            keys.remember_page(request, publication.bureau.region_id, publication.pk, body)
            return keys.page_headers(HttpResponse(body))
    built = build()
    page = built if isinstance(built, str) else _render(request, publication, *built)
    body = page.encode()
    if key is not None:
        keys.remember_page(request, publication.bureau.region_id, publication.pk, body, key)
    return keys.page_headers(HttpResponse(body))


def _page_number(request) -> int:
    raw = request.GET.get("page", "")
    if raw.isascii() and raw.isdigit() and len(raw) <= MAX_PAGE_DIGITS:
        return max(int(raw), 1)
    return 1


# -- choices of the search form (cached per publication) -------------------------------


def search_choices(publication, cached=None) -> dict:
    """The regions present in the snapshot (counties with their townships), the
    expertise fields and the publishing bureau's level names, as select choices;
    *cached* if the caller has read them."""
    key = keys.regions_key(publication.pk)
    choices = cached or cache.get(key)
    if choices is None:
        codes = set(
            PublishedCommittee.objects.filter(publication=publication)
            .values_list("region_id", flat=True)
            .distinct()
        )
        levels = [label_codes(code) for code in codes]
        counties = {county for county, _township in levels if county}
        townships = {township for _county, township in levels if township}
        names = label_names(codes)
        regions = []
        for county in sorted(counties):
            regions.append((county, names.get(county, county)))
            for township in sorted(t for t in townships if t.startswith(county[:6])):
                regions.append((township, "\u3000" + names.get(township, township)))
        expertise = list(ExpertiseField.objects.values_list("code", "name"))
        choices = {
            "regions": regions,
            "expertise": expertise,
            "levels": levels_.choices(publication.bureau),
        }
        cache.set(key, choices, keys.PAGE_TIMEOUT)
    return choices


def _region_names(publication) -> dict:
    return {code: name.strip() for code, name in search_choices(publication)["regions"]}


# -- pages ---------------------------------------------------------------------------


@require_safe
def index(request):
    groups = cache.get(keys.BUREAUS_KEY)
    if groups is None:
        groups = _bureau_groups()
        cache.set(keys.BUREAUS_KEY, groups, keys.LIVE_TIMEOUT)
    body = render_to_string("public/index.html", {"groups": groups}, request)
    return keys.page_headers(HttpResponse(body))


def _bureau_groups() -> list[dict]:
    """Cities, each with its own bureau (if it published) and its counties' bureaus."""
    bureaus = bureaus_with_live_roster()
    city_codes = {bureau.region_id[:4] + "0" * 8 for bureau in bureaus}
    with all_regions():
        city_names = dict(Region.objects.filter(code__in=city_codes).values_list("code", "name"))
    groups = {}
    for bureau in bureaus:
        city_code = bureau.region_id[:4] + "0" * 8
        group = groups.setdefault(
            city_code,
            {"name": city_names.get(city_code, city_code), "bureau": None, "counties": []},
        )
        entry = {
            "region_code": bureau.region_id,
            "name": bureau.name,
            "region_name": bureau.region.name,
        }
        if bureau.region_id == city_code or bureau.level == BureauLevel.CITY:
            group["bureau"] = entry
        else:
            group["counties"].append(entry)
    return list(groups.values())


def _rows_page(publication, values: dict, number: int):
    """The page *number* of the stored lines a search finds (publication.search's
    Matches). A name search counts its matches in the same statement, a window over
    the few the index found, and finding none on its first page has none at all; over
    a whole roster a window would read every row, so the count is its own statement
    there. A page past the end gives the last one, as Paginator.get_page does."""
    matches = Matches(publication.pk, values)
    if matches.by_name:
        rows = matches.rows((number - 1) * PER_PAGE, PER_PAGE, counted=True)
        total = rows[0][1] if rows else 0 if number == 1 else matches.count()
        page = Paginator(range(total), PER_PAGE).get_page(number)
        if page.number == number:
            page.object_list = [html for html, _total in rows]
            return page
    else:
        page = Paginator(range(matches.count()), PER_PAGE).get_page(number)
    page.object_list = matches.rows((page.number - 1) * PER_PAGE, PER_PAGE)
    return page


# A publication's choices and frames never change under their keys, so a process
# keeps those it read for a minute (the cache keeps them an hour): a search then
# makes no round trip for them. The publication's time of going live is part of the
# local key, since a database restored or rolled back (tests) may give out a pk again.
KEPT_SECONDS = 60
KEPT_MAX = 256
_kept_entries = {}


def _kept(publication, cache_keys) -> dict:
    now = time.monotonic()
    found, missing = {}, []
    for key in cache_keys:
        entry = _kept_entries.get((key, publication.published_at))
        if entry is not None and entry[0] > now:
            found[key] = entry[1]
        else:
            missing.append(key)
    if missing:
        fetched = cache.get_many(missing)
        if len(_kept_entries) + len(fetched) > KEPT_MAX:
            _kept_entries.clear()
        for key, value in fetched.items():
            _kept_entries[(key, publication.published_at)] = (now + KEPT_SECONDS, value)
        found.update(fetched)
    return found


def _filterset(data, publication, choices):
    return PublicRosterFilterSet(
        data,
        queryset=PublishedMediator.objects.filter(publication=publication).order_by("position"),
        publication=publication,
        regions=choices["regions"],
        expertise=choices["expertise"],
        levels=choices["levels"],
    )


@require_safe
def search(request, region_code):
    publication = resolve(region_code, request)
    # The choices and the page's frame, from this process or in one round trip.
    # The form's fields and the frame's parts are in the key: a frame cached before
    # a release that changed them is not used with the new form.
    frame_key = _variant_key(
        request, publication, "search-frame", *FRAME_PARTS, *PublicRosterFilterSet.Meta.fields
    )
    found = _kept(publication, [keys.regions_key(publication.pk), frame_key])
    choices = search_choices(publication, found.get(keys.regions_key(publication.pk)))
    # Plainly valid values need no form (most searches); anything else is the
    # form's to clean, and to show the errors of.
    filterset = None
    values = PublicRosterFilterSet.quick_normalised(
        request.GET,
        regions=choices["regions"],
        expertise=choices["expertise"],
        levels=choices["levels"],
    )
    if values is None:
        filterset = _filterset(request.GET, publication, choices)
        values = filterset.normalised()
    errors = filterset is not None and bool(filterset.errors)
    page_number = _page_number(request)
    query = urlencode([(name, value) for name, value in values if value != ""])
    parts = None if errors else (query, page_number)

    def build():
        page = _rows_page(publication, dict(values), page_number)
        canonical = _with_query(
            reverse("public:search", args=[region_code]),
            query,
            page.number if page.number > 1 else None,
        )
        # Rendered (and escaped) by public/_mediator_row.html at publish time, in the
        # site's language: joined, not rendered again.
        stored = translation.get_language() == settings.LANGUAGE_CODE and all(page.object_list)
        if stored and not errors:
            frame = found.get(frame_key) or _frame(request, publication, choices, frame_key)
            form = filterset.form if filterset is not None else None
            return _framed_search(frame, request.GET, form, page, query, canonical)
        form_set = filterset or _filterset(request.GET, publication, choices)
        context = {"filter": form_set, "page_obj": page, "query": query, "canonical": canonical}
        if stored:
            context["rows_html"] = mark_safe("".join(page.object_list))
        else:
            # A roster published before its rows were stored: render them now.
            start = (page.number - 1) * PER_PAGE
            rows = form_set.qs.select_related("committee").only(*MEDIATOR_FIELDS)
            page.object_list = list(rows[start : start + PER_PAGE])
            region_names = _region_names(publication)
            for row in page.object_list:
                row.region_label = region_label(row.region_id, region_names)
        return "public/search.html", context

    return _cached_page(request, publication, "search", parts, build)


# Where one search page differs from another of the same publication: the frame
# (public/search.html with an empty form) is rendered once per publication and
# variant and cached like a page, with the opening and the end of the results'
# table; a search puts in its five inputs and its results, written here around the
# stored lines. The canonical marker is made of characters urlencode keeps.
RESULTS_SLOT = mark_safe("<!--search-results-->")
CANONICAL_SLOT = "search-canonical-slot"
FRAME_PARTS = ("head", "tail", "inputs", "table-head", "table-tail")


def _frame(request, publication, choices, key) -> tuple:
    """The search page around its results, with an empty form, cached under *key*:
    FRAME_PARTS, the inputs as the frame has them."""
    blank = _filterset(None, publication, choices)
    page = _render(
        request,
        publication,
        "public/search.html",
        {"filter": blank, "results_html": RESULTS_SLOT, "canonical": CANONICAL_SLOT},
    )
    head, tail = page.split(RESULTS_SLOT)
    table = render_to_string(
        "public/_mediator_rows.html", {"rows_html": RESULTS_SLOT, "caption": _("Mediators")}
    )
    # The inputs as {{ field }} wrote them into the frame, to be replaced by the
    # search's own.
    frame = (head, tail, [str(field) for field in blank.form], *table.split(RESULTS_SLOT))
    cache.set(key, frame, keys.PAGE_TIMEOUT)
    return frame


def _framed_search(frame, data, form, page, query, canonical) -> str:
    """The search page of *page* from the frame: the inputs hold the values of
    *data* (as *form*'s fields write them, given a form), the results are
    public/_search_results.html written in Python."""
    head, tail, inputs, table_head, table_tail = frame
    # The address first and the results last: what a search puts in (escaped input,
    # names) is never searched for a marker.
    head = head.replace(CANONICAL_SLOT, urlencode_filter(canonical, ""), 1)
    for name, empty in zip(PublicRosterFilterSet.Meta.fields, inputs, strict=True):
        value = data.get(name) if form is None else form[name].value()
        # An input left empty (most of them, in most searches) is the frame's own.
        if value not in (None, ""):
            filled = with_value(empty, name, value) if form is None else str(form[name])
            head = head.replace(empty, filled, 1)
    return head + _results_html(page, query, table_head, table_tail) + tail


def _results_html(page, query, table_head, table_tail) -> str:
    """public/_search_results.html around the stored lines of *page*, which the
    template engine took longer to write than the rest of a search."""
    count = page.paginator.count
    found = ngettext("%(counter)s mediator found", "%(counter)s mediators found", count) % {
        "counter": localize(count)
    }
    heading = f'<h2 id="results">{found}</h2>\n'
    if not page.object_list:
        return f"{heading}\n<p>{escape(_('No mediator matches. Try fewer conditions.'))}</p>\n\n"
    table = table_head + "".join(page.object_list) + table_tail
    return f"{heading}\n\n{table}\n{_pagination_html(page, query)}\n\n"


def _pagination_html(page, query) -> str:
    """public/_pagination.html, for _results_html."""
    pages = page.paginator.num_pages
    if pages <= 1:
        return "\n"
    link = f"?{escape(query)}&amp;page=" if query else "?page="
    previous = following = ""
    if page.has_previous():
        number = localize(page.previous_page_number())
        previous = f'<li><a rel="prev" href="{link}{number}">{escape(_("Previous page"))}</a></li>'
    if page.has_next():
        number = localize(page.next_page_number())
        following = f'<li><a rel="next" href="{link}{number}">{escape(_("Next page"))}</a></li>'
    position = _("Page %(number)s of %(count)s") % {
        "number": localize(page.number),
        "count": localize(pages),
    }
    return (
        f'\n<nav class="pagination" aria-label="{escape(_("Pages"))}">\n  <ul>\n'
        f"    {previous}\n"
        f'    <li aria-current="page"><span>{position}</span></li>\n'
        f"    {following}\n  </ul>\n</nav>\n\n"
    )


def _with_query(path, query, page=None):
    pairs = [query] if query else []
    if page:
        pairs.append(f"page={page}")
    return path + ("?" + "&".join(pairs) if pairs else "")


@require_safe
def mediator(request, region_code, mediator_id):
    publication = resolve(region_code, request)

    def build():
        row = (
            PublishedMediator.objects.filter(publication=publication, mediator_id=mediator_id)
            .select_related("committee")
            .only(*MEDIATOR_FIELDS)
            .first()
        )
        if row is None:
            raise Http404
        row.region_label = region_label(row.region_id, _region_names(publication))
        complain = _with_query(
            reverse("public_complaints:new"),
            urlencode({"bureau": region_code, "mediator": mediator_id}),
        )
        return "public/mediator.html", {"mediator": row, "complain_url": complain}

    return _cached_page(request, publication, "mediator", (mediator_id,), build)


@require_safe
def committee(request, region_code, code):
    publication = resolve(region_code, request)
    if len(code) > 40:
        raise Http404
    page_number = _page_number(request)

    def build():
        found = PublishedCommittee.objects.filter(publication=publication, code=code).first()
        if found is None:
            raise Http404
        rows = (
            PublishedMediator.objects.filter(committee=found)
            .select_related("committee")
            .only(*MEDIATOR_FIELDS)
            .order_by("name", "mediator_id")
        )
        page = Paginator(rows, COMMITTEE_PER_PAGE).get_page(page_number)
        found.region_label = region_label(found.region_id, _region_names(publication))
        complain = _with_query(
            reverse("public_complaints:new"), urlencode({"bureau": region_code, "committee": code})
        )
        return "public/committee.html", {
            "committee": found,
            "page_obj": page,
            "complain_url": complain,
            "canonical": _with_query(
                reverse("public:committee", args=[region_code, code]),
                "",
                page.number if page.number > 1 else None,
            ),
        }

    return _cached_page(request, publication, "committee", (code, page_number), build)


@require_safe
def about(request, region_code):
    publication = resolve(region_code, request)

    def build():
        return "public/about.html", {"scheduled": bool(publication.period)}

    return _cached_page(request, publication, "about", (), build)


@require_safe
def photo(request, region_code, mediator_id):
    """A mediator's photo, only while the live snapshot publishes it and the
    mediator still consents."""
    publication = resolve(region_code, request)
    published = PublishedMediator.objects.filter(
        publication=publication, mediator_id=mediator_id, has_photo=True
    ).exists()
    if not published:
        raise Http404
    with all_regions():
        found = Mediator.objects.filter(pk=mediator_id).only("photo", "photo_public").first()
    if found is None or not found.photo_public or not found.photo:
        raise Http404
    try:
        handle = found.photo.open("rb")
    except OSError as exc:
        raise Http404 from exc
    content_type = mimetypes.guess_type(found.photo.name)[0] or ""
    if not content_type.startswith("image/"):
        handle.close()
        raise Http404
    return keys.page_headers(FileResponse(handle, content_type=content_type))


def _workbook_columns():
    return [
        Column(pgettext("person", "Name"), lambda row: row.name, 12),
        Column(_("Gender"), lambda row: row.get_gender_display(), 6),
        Column(
            pgettext("mediator grade", "Level"),
            lambda row: row.level_name,
            8,
        ),
        Column(_("Committee"), lambda row: row.committee.name, 30),
        Column(_("Region"), lambda row: row.committee.region_name, 24),
        Column(_("Expertise"), lambda row: row.expertise_names, 30),
        Column(_("Named mediation room"), lambda row: row.named_room, 20),
        Column(_("Full-time"), lambda row: _("Yes") if row.full_time else _("No"), 8),
        Column(_("Appointed since"), lambda row: row.appointed_since, 12),
    ]


def build_roster_workbook(publication) -> bytes:
    """The snapshot as a workbook, public fields only, with Chinese headers."""
    rows = (
        PublishedMediator.objects.filter(publication=publication)
        .select_related("committee")
        .only(*MEDIATOR_FIELDS)
        .order_by("region_id", "name", "mediator_id")
    )
    buffer = BytesIO()
    with translation.override("zh-hans"):
        title = _("Mediator roster")
        write_workbook(buffer, title, _workbook_columns(), rows.iterator(chunk_size=2000))
    return buffer.getvalue()


@require_safe
def roster_xlsx(request, region_code):
    publication = resolve(region_code, request)
    key = keys.workbook_key(publication.pk)
    body = cache.get(key)
    if body is None:
        body = build_roster_workbook(publication)
        cache.set(key, body, keys.WORKBOOK_TIMEOUT)
    response = HttpResponse(body, content_type=XLSX_CONTENT_TYPE)
    stamp = (publication.as_of or datetime.date.today()).isoformat()
    response["Content-Disposition"] = (
        f'attachment; filename="roster-{region_code}-v{publication.version}-{stamp}.xlsx"'
    )
    return keys.page_headers(response)


@never_cache
@require_safe
def text_size(request):
    """Switch the large-text mode (适老化) with a cookie, then go back: works without
    JavaScript. Only a same-site path is followed."""
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = resolve_url("public:index")
    response = HttpResponseRedirect(target)
    if request.GET.get("large") == "1":
        response.set_cookie(
            keys.LARGE_TEXT_COOKIE,
            "1",
            max_age=365 * 24 * 60 * 60,
            samesite="Lax",
            secure=request.is_secure(),
        )
    else:
        response.delete_cookie(keys.LARGE_TEXT_COOKIE, samesite="Lax")
    return response
