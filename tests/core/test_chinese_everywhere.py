"""The staff side is Chinese throughout, whatever request came before.

Reading the OpenAPI schema once used to leave every list page's filter labels in
English (Status, Result, Source...) for every user until the server restarted: the
schema generator built the form fields of the FilterSets' class-level filters, and
every later FilterSet copied those label-less fields. These tests read the schema
and its docs page first, then walk every page the URL resolver knows, as each kind
of user, and fail on any English word a user can see.
"""

import re
from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.template.loader import render_to_string
from django.urls import reverse

from core.tenancy import all_regions
from publication.models import PublishedMediator, RosterPublication
from tests.factories import FACTORIES
from tests.isolation.test_walker import ROUTES, _concrete, _methods, _model_of

# Words that are proper in a Chinese UI: product, format and standard names.
ALLOWED = {
    "api",
    "echarts",
    "excel",
    "icp",  # ICP备案号, the website filing every Chinese site shows
    "javascript",
    "jpeg",
    "json",
    "openapi",
    "pdf",
    "png",
    "wps",
    "xls",
    "xlsx",
}
ROLES = ["city_user", "county_user", "clerk_user", "admin_user", "county_admin", "finance_user"]
# Attributes a user reads: hints, tooltips, screen-reader names, image texts.
READ_ATTRIBUTES = {"placeholder", "title", "aria-label", "alt"}
BUTTON_TYPES = {"submit", "button", "reset"}
# A run of ASCII letters, digits, underscores and hyphens: an English word or an
# identifier (rank_quarter, YYYY-MM) when it has no digit, a code when it has one
# (TWH-00012, TS2026...), which is data, not language.
TOKEN = re.compile(r"[A-Za-z0-9_-]+")
QUARTER = re.compile(r"\bQ[1-4]\b")

# data-* attributes that hold names for scripts and tests, not text for people.
MACHINE_DATA = (
    "data-testid",
    "data-field",
    "data-rule",
    "data-bs-",
    "data-pow-bits",
    "data-picker",  # a picker's endpoint and settings (static/js/pickers.js)
)


def _shown_data(name: str, value: str) -> bool:
    """A data-* attribute whose text the page shows: charts take their series names
    from them, and the public roster's narrow layout its column labels (CSS attr())."""
    return (
        name.startswith("data-")
        and not name.startswith(MACHINE_DATA)
        and not value.lstrip().startswith(("{", "["))  # JSON for a chart
    )


class _ReadableText(HTMLParser):
    """The text of a page as a user meets it: text nodes outside script and style,
    the attributes a browser or the page's scripts show, and the values of input
    buttons; each with the tag it sits in, to say where a finding is."""

    HIDDEN = {"script", "style"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hidden = []  # the open tags whose content is skipped
        self.tag = ""
        self.found = []

    def handle_starttag(self, tag, attrs):
        self.tag = tag
        attributes = dict(attrs)
        if self.hidden:
            if tag == self.hidden[-1]:
                self.hidden.append(tag)
            return
        if tag in self.HIDDEN:
            self.hidden.append(tag)
            return
        for name, value in attributes.items():
            if name in READ_ATTRIBUTES or _shown_data(name, value or ""):
                self.found.append((f"<{tag} {name}>", value or ""))
        if tag == "input" and attributes.get("type") in BUTTON_TYPES:
            self.found.append(("<input value>", attributes.get("value") or ""))

    def handle_endtag(self, tag):
        if self.hidden and tag == self.hidden[-1]:
            self.hidden.pop()

    def handle_data(self, data):
        if not self.hidden and data.strip():
            self.found.append((f"<{self.tag}>", data.strip()))


def _is_english(token: str, allowed) -> bool:
    if any(c.isdigit() for c in token) or token.lower() in allowed:
        return False
    return sum(c.isalpha() for c in token) >= 3


def english_in(html: str, allowed=frozenset()) -> list[str]:
    """Every English word a user can read on the page, as "<tag> words in its text".
    A word is a run of ASCII letters, underscores and hyphens with at least three
    letters (an identifier such as rank_quarter counts), or a quarter written Q1-Q4;
    *allowed* and ALLOWED are compared case-blind."""
    parser = _ReadableText()
    parser.feed(html)
    parser.close()
    allowed = {w.lower() for w in allowed} | ALLOWED
    findings = []
    for where, text in parser.found:
        words = [t for t in TOKEN.findall(text) if _is_english(t, allowed)]
        words += QUARTER.findall(text)
        if words:
            findings.append(f"{where} {', '.join(words)} in {text[:80]!r}")
    return findings


def test_the_detector_finds_english_where_users_read_it():
    page = """<html><head><title>Cases</title><style>.x{color:red}</style></head><body>
    <script>const status = "closed";</script>
    <label for="s">Status</label><select><option>第一季度</option><option>Q2</option></select>
    <input placeholder="YYYY-MM"><input type="submit" value="Filter">
    <button aria-label="Close">×</button><td>rank_quarter</td><th>案号</th>
    <div data-cases="Cases" data-chart='{"names": ["王芳"]}' data-testid="summary"></div>
    <p>导出 Excel，API 文档，a_city</p></body></html>"""
    findings = " | ".join(english_in(page, allowed={"a_city"}))
    for word in ("<title> Cases", "Status", "Q2", "YYYY", "Filter", "Close", "rank_quarter"):
        assert word in findings
    assert "data-cases> Cases" in findings
    for word in ("color", "const", "closed", "Excel", "API", "a_city", "names", "summary"):
        assert word not in findings


def test_the_detector_passes_a_chinese_page():
    page = '<h1>调解案件</h1><input placeholder="（格式：2026-05）"><td>(2026)越城调字第1号</td>'
    assert english_in(page) == []


@pytest.fixture
def objects(world):
    """One object of every model in world "a", a published roster among them."""
    with all_regions():
        return {model: make(world, "a") for model, make in FACTORIES.items()}


def _usernames():
    return set(get_user_model().objects.values_list("username", flat=True))


def _read_the_api_schema(client):
    """What turned the labels English: the schema (in the request's language and in
    another one) and the docs page."""
    for url in ("/api/schema/", "/api/schema/?lang=en", "/api/docs/"):
        assert client.get(url).status_code == 200, url


def _filter_labels(client, url):
    body = client.get(url).content.decode()
    return re.findall(r"<label[^>]*>\s*([^<]+?)\s*<", body)


@pytest.mark.parametrize("url", ["/cases/", "/mediators/", "/committees/", "/leave/", "/users/"])
def test_reading_the_api_schema_leaves_the_filter_labels_chinese(client, world, url):
    client.force_login(world["a"]["admin_user"])
    before = _filter_labels(client, url)
    assert before, f"{url} shows no labels"
    _read_the_api_schema(client)
    assert _filter_labels(client, url) == before
    assert not english_in(" ".join(f"<label>{label}</label>" for label in before))


# Pages that serve a file, not a page.
FILES = ("download/", "export/", "template/", "photo/", ".xlsx", "attachments/")
STAFF_ROUTES = [
    (route, pattern)
    for route, pattern in ROUTES
    if not route.startswith(("api/", "admin/", "public/"))
    and "GET" in _methods(pattern)
    and not route.endswith(FILES)
    and route != "logout/"
]


def _staff_urls(objects):
    for route, pattern in STAFF_ROUTES:
        obj = None
        if "pk" in pattern.pattern.regex.groupindex:
            obj = objects[_model_of(pattern)]
        yield _concrete(route, pattern, obj)


def _read(client, url, allowed):
    """The English findings on *url*, or None when it is not a page."""
    response = client.get(url)
    if not response["Content-Type"].startswith("text/html"):
        return None
    return english_in(response.content.decode(), allowed)


@pytest.mark.parametrize("role", ROLES)
def test_every_staff_page_is_chinese_after_the_api_schema_was_read(client, world, objects, role):
    client.force_login(world["a"][role])
    _read_the_api_schema(client)
    allowed = _usernames()
    english, pages = {}, 0
    for url in _staff_urls(objects):
        findings = _read(client, url, allowed)
        if findings is None:
            continue
        pages += 1
        if findings:
            english[url] = findings
    assert pages > 60, "the walk read too few pages to be walking them"
    assert not english, "\n".join(f"{url}: {f}" for url, found in english.items() for f in found)


def _public_urls(publication):
    """Every public page of a published roster, the login page, and a missing
    mediator's page: (url, status)."""
    code = publication.bureau.region_id
    mediator = PublishedMediator.objects.filter(publication=publication).first()
    yield reverse("public:index"), 200
    yield reverse("public:search", args=[code]), 200
    yield reverse("public:about", args=[code]), 200
    yield reverse("public:mediator", args=[code, mediator.mediator_id]), 200
    yield reverse("public:committee", args=[code, mediator.committee.code]), 200
    yield reverse("public_complaints:new"), 200
    yield reverse("public_complaints:status"), 200
    yield reverse("login"), 200
    yield reverse("public:mediator", args=[code, 10**17]), 404


def test_every_public_page_is_chinese_after_the_api_schema_was_read(client, world, objects):
    # The schema is for signed-in users; a staff user reads it, then the public does.
    client.force_login(world["a"]["county_user"])
    _read_the_api_schema(client)
    client.logout()
    english = {}
    for url, status in _public_urls(objects[RosterPublication]):
        response = client.get(url)
        assert response.status_code == status, url
        findings = english_in(response.content.decode())
        if findings:
            english[url] = findings
    assert not english, "\n".join(f"{url}: {f}" for url, found in english.items() for f in found)


ERROR_PAGES = ["400.html", "403.html", "403_csrf.html", "404.html", "500.html"]


@pytest.mark.parametrize("template", ERROR_PAGES)
def test_the_error_pages_are_chinese(rf, template):
    # Rendered as Django's handlers do; 500.html gets no context at all.
    request = rf.get("/nowhere/") if template != "500.html" else None
    body = render_to_string(template, {}, request)
    assert re.search(r"<h1[^>]*>[^<a-zA-Z]+</h1>", body), body
    assert english_in(body) == []
