"""The public name search prepared at publish time (publication.search): stored rows,
the page frame, the lexeme index on PostgreSQL."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.safestring import mark_safe

from core.tenancy import all_regions
from publication import search
from publication.models import PublishedMediator
from publication.views import public as views
from tests.factories import AppointmentFactory, CommitteeFactory, MediatorFactory, publish_roster

NAMES = ["王芳", "王小明", "小明王小", "李明", "ＬＩ Ｍing", "欧阳娜娜"]


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def live(world):
    a = world["a"]
    with all_regions():
        committee = CommitteeFactory(region=a["village"], office=a["office"], name="青山村调委会")
        for name in NAMES:
            AppointmentFactory(
                mediator=MediatorFactory(region=a["township"], name=name), committee=committee
            )
    publication = publish_roster(a["county_bureau"])
    return {"code": a["county"].code, "publication": publication}


def _found(client, live, **query) -> set[str]:
    body = client.get(reverse("public:search", args=[live["code"]]), query).content.decode()
    return {name for name in NAMES if f">{name}</a>" in body}


def test_grams_are_characters_and_pairs():
    assert search.grams("王小明") == ["王", "小", "明", "王小", "小明"]
    assert search.normalise(" ＬＩ Ｍing ") == "liming"
    assert search.grams_vector("it's", 7) == "'7:i' '7:t' '7:''' '7:s' '7:it' '7:t''' '7:''s'"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("王", {"王芳", "王小明", "小明王小"}),
        ("小明", {"王小明", "小明王小"}),
        # Its pairs are all in 小明王小, but not one after the other.
        ("王小明", {"王小明"}),
        ("欧阳娜娜", {"欧阳娜娜"}),
        ("王 芳", {"王芳"}),
        ("li", {"ＬＩ Ｍing"}),
        ("ｍｉｎｇ", {"ＬＩ Ｍing"}),
        ("王芳王", set()),
        ("'", set()),
        ("\\", set()),
        ("王 & 芳", set()),
        ("!芳", set()),
    ],
)
def test_name_search_finds_names_containing_the_query(client, live, query, expected):
    assert _found(client, live, name=query) == expected


def test_search_rows_are_rendered_at_publish_time(live):
    rows = PublishedMediator.objects.filter(publication=live["publication"])
    html = rows.get(name="王芳").row_html
    assert ">王芳</a>" in html and "青山村调委会" in html
    assert reverse("public:mediator", args=[live["code"], rows.get(name="王芳").mediator_id]) in (
        html
    )
    positions = list(rows.order_by("position").values_list("name", flat=True))
    assert positions == list(
        rows.order_by("region_id", "name", "mediator_id").values_list("name", flat=True)
    )


def test_rows_published_before_they_were_stored_still_show(client, live):
    PublishedMediator.objects.filter(publication=live["publication"]).update(row_html="")
    assert _found(client, live, name="王") == {"王芳", "王小明", "小明王小"}


@pytest.mark.parametrize(
    "query",
    [
        {"name": "王", "page": "2"},
        {"name": "王", "level": "1", "region": "330602000000"},
        {},
        {"page": "2"},
        {"committee": "青山"},
        {"committee": "青山", "expertise": "medical", "name": "明"},
        {"name": "search-canonical-slot"},
        {"name": "<!--search-results-->"},
        {"name": "王", "page": "999"},
        {"name": " 王 ", "committee": "<b>'\"&amp;"},
        {"name": "   ", "level": ""},
        # Valid once stripped, but no plain line as sent: the form cleans it.
        {"name": "王\t"},
    ],
)
def test_a_page_from_the_frame_is_the_page_the_template_renders(client, live, monkeypatch, query):
    """The page put together from the frame, its inputs filled without a form and its
    results written in Python, is the page public/search.html renders."""
    monkeypatch.setattr(views, "PER_PAGE", 2)  # a page with a page before and after it
    url = reverse("public:search", args=[live["code"]])
    framed = client.get(url, query).content.decode()
    cache.clear()
    monkeypatch.setattr(views, "_kept_entries", {})
    seen = {}
    frame = views._frame

    def spy(request, publication, choices, key):
        seen.update(request=request, publication=publication, choices=choices)
        return frame(request, publication, choices, key)

    def whole(_frame, data, _form, page, query, canonical):
        context = {
            "filter": views._filterset(data, seen["publication"], seen["choices"]),
            "page_obj": page,
            "query": query,
            "canonical": canonical,
            "rows_html": mark_safe("".join(page.object_list)),
        }
        return views._render(seen["request"], seen["publication"], "public/search.html", context)

    monkeypatch.setattr(views, "_frame", spy)
    monkeypatch.setattr(views, "_framed_search", whole)
    assert client.get(url, query).content.decode() == framed


def test_an_uncached_page_gets_the_headers_of_the_whole_stack(client, live):
    response = client.get(reverse("public:search", args=[live["code"]]), {"name": "王"})
    assert "X-Public-Cache" not in response
    assert response["X-Frame-Options"] == "DENY"
    assert response["Content-Language"] == "zh-hans"
    assert response["Cache-Control"] == "public, max-age=60"
    assert "Content-Security-Policy" in response


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the GIN index is PostgreSQL's")
def test_name_search_uses_the_lexeme_index(live):
    """At a size where reading the publication's rows would be the plan without it,
    the name search is a bitmap scan of the lexeme index."""
    publication = live["publication"]
    committee = publication.committees.get()
    template = PublishedMediator.objects.filter(publication=publication).first()
    rows = []
    for number in range(4000):
        name = f"{chr(0x4E00 + number % 900)}{chr(0x4E00 + number // 900)}"
        if number % 20 == 0:
            name = "李" + name  # a common surname: one name in twenty
        rows.append(
            PublishedMediator(
                publication=publication,
                mediator_id=10_000_000 + number,
                name=name,
                committee=committee,
                region_id=template.region_id,
                appointed_since=template.appointed_since,
                search_name=search.normalise(name),
                name_grams=search.grams_vector(name, publication.pk),
                position=100 + number,
            )
        )
    PublishedMediator.objects.bulk_create(rows)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE publication_publishedmediator")
    rows = PublishedMediator.objects.filter(publication=publication)
    plan = search.filter_name(rows, "王芳", publication.pk).explain()
    assert "Bitmap Index Scan on published_name_grams" in plan
    # The scan the index replaces: a LIKE on the name reads every row.
    assert "published_name_grams" not in rows.filter(name__icontains="王芳").explain()
    # The page's own statement (publication.search.Matches), as it was sent: with
    # the count beside the rows, however common the name.
    for query in ("王芳", "王小明", "李"):
        with CaptureQueriesContext(connection) as sent:
            search.Matches(publication.pk, {"name": query}).rows(0, 20, counted=True)
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN " + sent.captured_queries[0]["sql"])
            plan = "\n".join(line for (line,) in cursor.fetchall())
        assert "Bitmap Index Scan on published_name_grams" in plan, query


def _choices(live):
    from publication.views.public import search_choices

    return search_choices(live["publication"])


@pytest.mark.parametrize(
    ("data", "plain"),
    [
        ({}, True),
        ({"name": "王", "level": "1", "region": "330602000000", "extra": "x"}, True),
        ({"name": " 王 ", "committee": "\u3000青山 "}, True),
        ({"name": "   ", "level": "", "expertise": ""}, True),
        ({"name": "王" * 50}, True),
        ({"committee": "a" * 100}, True),
        ({"name": "王" * 51}, False),
        ({"committee": "a" * 101}, False),
        ({"name": "王\t"}, False),
        ({"name": "\r\n王"}, False),
        ({"name": "王\x00"}, False),
        ({"name": "王\x85"}, False),
        ({"name": "\ud800"}, False),
        ({"level": "9"}, False),
        ({"level": " 1"}, False),
        ({"level": "01"}, False),
        ({"region": "330602"}, False),
        ({"expertise": "nope"}, False),
    ],
)
def test_plainly_valid_values_are_cleaned_without_the_form(live, data, plain):
    """Without a form, plainly valid values are cleaned as the form cleans them; the
    rest (a field error, or a value that is only valid once stripped) are left to it."""
    choices = _choices(live)
    quick = views.PublicRosterFilterSet.quick_normalised(
        data, regions=choices["regions"], expertise=choices["expertise"], levels=choices["levels"]
    )
    filterset = views._filterset(data, live["publication"], choices)
    assert (quick is not None) == plain
    if plain:
        assert not filterset.errors
        assert quick == filterset.normalised()


def test_the_search_finds_what_its_filterset_finds(live):
    """publication.search.Matches, the search as SQL, and the FilterSet, which the
    page of a roster published before its rows were stored uses, find the same rows
    in the same order, counted alike."""
    from publication.search import Matches

    publication = live["publication"]
    row = PublishedMediator.objects.filter(publication=publication, name="王小明").get()
    expertise = _choices(live)["expertise"][0][0]
    row.expertise.add(expertise)
    searches = [
        {},
        {"name": "王"},
        {"name": "小明"},
        {"name": "王小明"},
        {"name": "li"},
        {"name": "%"},
        {"name": "_"},
        {"committee": "青山"},
        {"committee": "%"},
        {"committee": "山_"},
        {"level": "1"},
        {"region": "330602000000"},
        {"region": "330602001000", "name": "王"},
        {"expertise": expertise},
        {"expertise": expertise, "name": "明", "committee": "村"},
    ]
    choices = _choices(live)
    for values in searches:
        filterset = views._filterset(values, publication, choices)
        assert not filterset.errors, values
        expected = list(filterset.qs.values_list("row_html", flat=True))
        matches = Matches(publication.pk, dict(filterset.normalised()))
        assert matches.rows(0, 100) == expected, values
        assert matches.count() == len(expected), values
        assert [html for html, _total in matches.rows(1, 2, counted=True)] == expected[1:3]
        assert {total for _html, total in matches.rows(0, 100, counted=True)} <= {len(expected)}
