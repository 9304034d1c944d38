"""What the dashboard shows each role. Each app registers what it contributes (a lower
app cannot import a higher one, so the dashboard asks rather than imports):

- items: a count and a link to the list that shows exactly those rows, either in
  "waiting for you" (work the user should do: cases to close, complaints due) or in
  "overview" (the size of the jurisdiction); each names the role kinds it is for;
- charts, drawn by static/js/charts.js from the data the page puts in data-*
  attributes (the Content-Security-Policy forbids inline scripts);
- links, for roles with little waiting (finance: the exports it may use).

An item without its own count function counts its linked list through that list's
own view (FilterSet, defaults and all), so the number on the dashboard and the rows
the link shows cannot drift apart. Every count is one query however many rows there
are (a rule that differs between bureaus adds the constant few that read the rules).

The overview's counts and the charts are figures of the jurisdiction alone (not of
the user): they are read through core.snapshots, so a province's, which take seconds
to count, are kept and refreshed by the snapshot job, and the page says how old they
are. What waits for the user is always counted live.
"""

import copy
from collections.abc import Callable
from dataclasses import dataclass, field

from django.http import HttpRequest, QueryDict
from django.urls import resolve, reverse

from core import snapshots
from core.models import Role, RoleKind
from core.tenancy import active_prefix

WAITING = "waiting"
OVERVIEW = "overview"

# Role kinds by what they do.
BUREAU_KINDS = frozenset({RoleKind.BUREAU_ADMIN, RoleKind.BUREAU_STAFF})
# Who reads the jurisdiction's figures and compares its areas.
DIRECTORS = BUREAU_KINDS | {RoleKind.AUDITOR}
CLERKS = frozenset({RoleKind.OFFICE_CLERK})
ADMINS = frozenset({RoleKind.BUREAU_ADMIN})
FINANCE = frozenset({RoleKind.FINANCE})


def _text(value, request) -> str:
    return value(request) if callable(value) else value


@dataclass(frozen=True)
class Item:
    key: str
    label: str
    url_name: str
    roles: frozenset
    section: str = WAITING
    order: int = 100
    # The list's filters as a query string, or a function of the request for one that
    # names the user's own office or user.
    query: str | Callable = ""
    # (request) -> int inside the active jurisdiction; None counts the linked list.
    count: Callable | None = None
    # Red when the count is not zero (something is overdue); a function of the request
    # where it depends on the day (a deadline that may or may not have passed).
    alert: bool | Callable = False

    def url(self, request) -> str:
        query = _text(self.query, request)
        return reverse(self.url_name) + (f"?{query}" if query else "")

    def value(self, request) -> int:
        if self.count is not None:
            return self.count(request)
        return list_count(request, self.url_name, _text(self.query, request))

    def is_alert(self, request) -> bool:
        return bool(self.alert(request) if callable(self.alert) else self.alert)


@dataclass(frozen=True)
class Chart:
    key: str  # the element's id, which static/js/charts.js draws
    title: str
    data: Callable  # (request) -> the JSON the chart is drawn from
    roles: frozenset
    order: int = 100
    url_name: str = ""  # the report page with the figures behind the chart
    # data-* attributes the drawing reads (series names): {"cases": _("Cases")}.
    labels: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Link:
    label: str
    url_name: str
    roles: frozenset
    order: int = 100
    query: str = ""
    help_text: str = ""

    def url(self) -> str:
        return reverse(self.url_name) + (f"?{self.query}" if self.query else "")


ITEMS: list[Item] = []
CHARTS: list[Chart] = []
LINKS: list[Link] = []


def register(key, label, url_name, *, roles, section=WAITING, order=100, **options) -> Item:
    """Declare an item; ``options`` are Item's ``query``, ``count`` and ``alert``."""
    item = Item(key, label, url_name, frozenset(roles), section, order, **options)
    ITEMS.append(item)
    ITEMS.sort(key=lambda i: i.order)
    return item


def register_chart(key, title, data, *, roles, order=100, url_name="", labels=None) -> Chart:
    chart = Chart(key, title, data, frozenset(roles), order, url_name, labels or {})
    CHARTS.append(chart)
    CHARTS.sort(key=lambda c: c.order)
    return chart


def register_link(label, url_name, *, roles, order=100, query="", help_text="") -> Link:
    link = Link(label, url_name, frozenset(roles), order, query, help_text)
    LINKS.append(link)
    LINKS.sort(key=lambda link: link.order)
    return link


def list_count(request, url_name: str, query: str = "") -> int:
    """The rows the list page *url_name* shows for *query*, counted in one query by
    that page's own view."""
    listing = copy.copy(request)
    listing.GET = QueryDict(query)
    view = resolve(reverse(url_name)).func.view_class()
    view.setup(listing)
    return view.get_queryset().count()


KEPT = "core.dashboard"
# A page of a dozen figures: each kept from this long, so that together they stay
# well under half a second.
KEPT_SLOW = 0.05


def _kept(request, figure: str, compute: Callable) -> snapshots.Figures:
    """A figure of the jurisdiction alone (an overview count, a chart's data), for
    the active role's kind, read through core.snapshots."""
    query = QueryDict(mutable=True)
    query.update({"kind": request.active_role.kind, "figure": figure})
    return snapshots.read(KEPT, query, compute=lambda: compute(request), slow=KEPT_SLOW)


def _opens_with(bureau) -> list[QueryDict]:
    """The kept figures (overview counts, charts) the dashboard of each kind of role
    the bureau's staff hold opens with, as _kept() reads them."""
    kinds = Role.objects.filter(
        kind__in=DIRECTORS, ended_at__isnull=True, region_id=bureau.region_id
    ).values_list("kind", flat=True)
    queries = []
    for kind in sorted(set(kinds)):
        figures = [f"item:{i.key}" for i in ITEMS if kind in i.roles and i.section == OVERVIEW]
        figures += [f"chart:{c.key}" for c in CHARTS if kind in c.roles]
        for figure in figures:
            query = QueryDict(mutable=True)
            query.update({"kind": kind, "figure": figure})
            queries.append(query)
    return queries


@snapshots.report(KEPT, opens_with=_opens_with, slow=KEPT_SLOW)
def _recompute(query):
    """The snapshot job's computation of a kept figure: as a role of that kind whose
    jurisdiction is the active one would see it."""
    request = _stand_in(query["kind"])
    kind, key = query["figure"].split(":", 1)
    if kind == "chart":
        return next(c for c in CHARTS if c.key == key).data(request)
    return next(i for i in ITEMS if i.key == key).value(request)


def _stand_in(kind):
    """A request of a role of *kind* over the active jurisdiction (figures of the
    jurisdiction alone do not depend on which user holds it)."""
    roles = Role.objects.filter(kind=kind, ended_at__isnull=True).select_related(
        "region", "bureau", "office"
    )
    role = next((r for r in roles if r.region.prefix == active_prefix()), None)
    if role is None:
        raise LookupError(f"no {kind} role over {active_prefix()!r} to compute as")
    request = HttpRequest()
    request.method, request.path = "GET", "/"
    request.user, request.active_role = role.user, role
    return request


def build(request) -> dict:
    """The dashboard of the request's active role: each section's items with their
    counts and links, the charts with their data, and the links; ``as_of``: when the
    oldest kept figure shown was computed (None when all are live)."""
    kind = request.active_role.kind
    sections = {WAITING: [], OVERVIEW: []}
    kept_at = []

    def kept(figure, compute):
        figures = _kept(request, figure, compute)
        if figures.computed_at:
            kept_at.append(figures.computed_at)
        return figures.data

    for item in ITEMS:
        if kind not in item.roles:
            continue
        if item.section == OVERVIEW:
            value = kept(f"item:{item.key}", item.value)
        else:
            value = item.value(request)
        sections[item.section].append(
            {
                "key": item.key,
                "label": item.label,
                "value": value,
                "url": item.url(request),
                "url_name": item.url_name,
                "alert": bool(value) and item.is_alert(request),
            }
        )
    charts = [
        {
            "key": chart.key,
            "title": chart.title,
            "data": kept(f"chart:{chart.key}", chart.data),
            "url": reverse(chart.url_name) if chart.url_name else "",
            "labels": chart.labels,
        }
        for chart in CHARTS
        if kind in chart.roles
    ]
    links = [link for link in LINKS if kind in link.roles]
    return {
        "waiting": sections[WAITING],
        "overview": sections[OVERVIEW],
        "charts": charts,
        "links": links,
        "alerts": sum(1 for item in sections[WAITING] if item["alert"]),
        "as_of": min(kept_at, default=None),
    }
