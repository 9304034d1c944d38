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
"""

import copy
from collections.abc import Callable
from dataclasses import dataclass, field

from django.http import QueryDict
from django.urls import resolve, reverse

from core.models import RoleKind

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


def build(request) -> dict:
    """The dashboard of the request's active role: each section's items with their
    counts and links, the charts with their data, and the links."""
    kind = request.active_role.kind
    sections = {WAITING: [], OVERVIEW: []}
    for item in ITEMS:
        if kind not in item.roles:
            continue
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
            "data": chart.data(request),
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
    }
