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
from io import BytesIO
from urllib.parse import urlencode

from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from core.excel import XLSX_CONTENT_TYPE, Column, write_workbook
from core.models import Bureau, BureauLevel, Region
from core.tenancy import all_regions
from publication import cache as keys
from publication.filtersets import PublicRosterFilterSet
from publication.models import PublishedCommittee, PublishedMediator
from publication.selectors import bureaus_with_live_roster, live_publication
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


def resolve(region_code: str):
    """The live publication of the bureau governing *region_code*, with its bureau;
    404 for a region without a bureau or a bureau that has not published. Two cache
    reads when warm, no query."""
    bureau_id = cache.get(keys.bureau_key(region_code))
    if bureau_id is None:
        with all_regions():
            bureau_id = (
                Bureau.objects.filter(region_id=region_code).values_list("pk", flat=True).first()
            ) or 0
        cache.set(
            keys.bureau_key(region_code),
            bureau_id,
            keys.LIVE_TIMEOUT if bureau_id else keys.MISS_TIMEOUT,
        )
    if not bureau_id:
        raise Http404
    publication = cache.get(keys.live_key(bureau_id))
    if publication is None:
        with all_regions():
            bureau = Bureau.objects.select_related("region").get(pk=bureau_id)
        publication = live_publication(bureau) or keys.NO_LIVE
        if publication:
            # Nothing about the staff user who asked for it is public or cached.
            publication.requested_by = None
        cache.set(keys.live_key(bureau_id), publication, keys.LIVE_TIMEOUT)
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


def _cached_page(request, publication, view_name, parts, build):
    """The page of *publication* for the normalised *parts*, from the cache or from
    ``build()`` -> (template, context); ``parts=None`` skips the cache (pages showing
    field errors, which hostile input could multiply without end)."""
    key = None
    if parts is not None:
        key = keys.page_key(
            publication.pk,
            view_name,
            translation.get_language(),
            large_text(request),
            _bureau_fingerprint(publication.bureau),
            *parts,
        )
        body = cache.get(key)
        if body is not None:
            keys.remember_page(request, publication.bureau.region_id, publication.pk, body)
            return keys.page_headers(HttpResponse(body))
    template, context = build()
    context = {
        "bureau": publication.bureau,
        "publication": publication,
        **context,
    }
    body = render_to_string(template, context, request).encode()
    if key is not None:
        cache.set(key, body, keys.PAGE_TIMEOUT)
        keys.remember_page(request, publication.bureau.region_id, publication.pk, body)
    return keys.page_headers(HttpResponse(body))


def _page_number(request) -> int:
    raw = request.GET.get("page", "")
    if raw.isascii() and raw.isdigit() and len(raw) <= MAX_PAGE_DIGITS:
        return max(int(raw), 1)
    return 1


# -- choices of the search form (cached per publication) -------------------------------


def search_choices(publication) -> dict:
    """The regions present in the snapshot (counties with their townships) and the
    expertise fields, as select choices."""
    key = keys.regions_key(publication.pk)
    choices = cache.get(key)
    if choices is None:
        codes = set(
            PublishedCommittee.objects.filter(publication=publication)
            .values_list("region_id", flat=True)
            .distinct()
        )
        counties, townships = set(), set()
        for code in codes:
            if code[4:6] != "00":
                counties.add(code[:6] + "0" * 6)
            if code[6:9] != "000":
                townships.add(code[:9] + "000")
        with all_regions():
            names = dict(
                Region.objects.filter(code__in=counties | townships).values_list("code", "name")
            )
        regions = []
        for county in sorted(counties):
            regions.append((county, names.get(county, county)))
            for township in sorted(t for t in townships if t.startswith(county[:6])):
                regions.append((township, "\u3000" + names.get(township, township)))
        expertise = list(ExpertiseField.objects.values_list("code", "name"))
        choices = {"regions": regions, "expertise": expertise}
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


@require_safe
def search(request, region_code):
    publication = resolve(region_code)
    choices = search_choices(publication)
    filterset = PublicRosterFilterSet(
        request.GET,
        queryset=PublishedMediator.objects.filter(publication=publication),
        regions=choices["regions"],
        expertise=choices["expertise"],
    )
    values = filterset.normalised()
    page_number = _page_number(request)
    query = urlencode([(name, value) for name, value in values if value != ""])
    parts = None if filterset.errors else (query, page_number)

    def build():
        rows = filterset.qs.select_related("committee").only(*MEDIATOR_FIELDS)
        page = Paginator(rows, PER_PAGE).get_page(page_number)
        region_names = _region_names(publication)
        for row in page.object_list:
            row.region_label = _region_label(row.region_id, region_names)
        return "public/search.html", {
            "filter": filterset,
            "page_obj": page,
            "query": query,
            "canonical": _with_query(
                reverse("public:search", args=[region_code]),
                query,
                page.number if page.number > 1 else None,
            ),
        }

    return _cached_page(request, publication, "search", parts, build)


def _with_query(path, query, page=None):
    pairs = [query] if query else []
    if page:
        pairs.append(f"page={page}")
    return path + ("?" + "&".join(pairs) if pairs else "")


def _region_label(region_code, region_names) -> str:
    """The county and township a committee sits in, from the snapshot's choices. A
    region above the township (a county's own committee) is its own township prefix,
    so its name is given once."""
    codes = dict.fromkeys((region_code[:6] + "0" * 6, region_code[:9] + "000"))
    return " ".join(region_names[code] for code in codes if region_names.get(code))


@require_safe
def mediator(request, region_code, mediator_id):
    publication = resolve(region_code)

    def build():
        row = (
            PublishedMediator.objects.filter(publication=publication, mediator_id=mediator_id)
            .select_related("committee")
            .only(*MEDIATOR_FIELDS)
            .first()
        )
        if row is None:
            raise Http404
        row.region_label = _region_label(row.region_id, _region_names(publication))
        complain = _with_query(
            reverse("public_complaints:new"),
            urlencode({"bureau": region_code, "mediator": mediator_id}),
        )
        return "public/mediator.html", {"mediator": row, "complain_url": complain}

    return _cached_page(request, publication, "mediator", (mediator_id,), build)


@require_safe
def committee(request, region_code, code):
    publication = resolve(region_code)
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
        found.region_label = _region_label(found.region_id, _region_names(publication))
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
    publication = resolve(region_code)

    def build():
        return "public/about.html", {"scheduled": bool(publication.period)}

    return _cached_page(request, publication, "about", (), build)


@require_safe
def photo(request, region_code, mediator_id):
    """A mediator's photo, only while the live snapshot publishes it and the
    mediator still consents."""
    publication = resolve(region_code)
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
    publication = resolve(region_code)
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
