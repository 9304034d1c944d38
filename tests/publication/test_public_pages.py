import datetime
from io import BytesIO

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import Resolver404, resolve, reverse
from openpyxl import load_workbook

from core.tenancy import all_regions
from publication import services
from registry.models import ExpertiseField, Mediator
from tests.factories import AppointmentFactory, CommitteeFactory, MediatorFactory, publish_roster

# A 1x1 GIF.
GIF = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00"
    b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def _post(committee, **fields):
    return AppointmentFactory(mediator=MediatorFactory(**fields), committee=committee).mediator


@pytest.fixture
def roster(world):
    """越城区 (world a): two committees, five mediators with known fields."""
    a = world["a"]
    with all_regions():
        first = CommitteeFactory(region=a["village"], office=a["office"], name="青山村调委会")
        second = CommitteeFactory(region=a["village"], office=a["office"], name="绿水调解室")
        medical = ExpertiseField.objects.order_by("position").first()
        wang = _post(first, region=a["township"], name="王芳", gender="F", level=1)
        wang.expertise.add(medical)
        li = _post(first, region=a["township"], name="李强", level=2)
        zhang = _post(second, region=a["township"], name="张伟", level=3)
        _post(second, region=a["township"], name="张敏", level=3)
        _post(second, region=a["township"], name="赵四", level=4)
    return {
        "bureau": a["county_bureau"],
        "code": a["county"].code,
        "first": first,
        "second": second,
        "medical": medical,
        "wang": wang,
        "li": li,
        "zhang": zhang,
    }


@pytest.fixture
def live(roster):
    publish_roster(roster["bureau"])
    return roster


def _url(name, *args):
    return reverse(f"public:{name}", args=args)


def test_index_lists_bureaus_with_a_live_roster(client, live, world):
    body = client.get(_url("index")).content.decode()
    assert live["code"] in body
    assert world["a"]["city"].name in body
    # 上城区 has not published.
    assert world["b"]["county"].code not in body


def test_search_page_lists_the_live_snapshot(client, live):
    response = client.get(_url("search", live["code"]))
    assert response.status_code == 200
    body = response.content.decode()
    for name in ("王芳", "李强", "张伟", "张敏", "赵四", "青山村调委会"):
        assert name in body
    assert response["Cache-Control"] == "public, max-age=60"
    assert "Cookie" in response["Vary"]
    assert "csrfmiddlewaretoken" not in body
    assert 'lang="zh-hans"' in body
    # Every input has its label.
    for field in ("region", "committee", "expertise", "level", "name"):
        assert f'for="id_{field}"' in body


@pytest.mark.parametrize(
    ("query", "expected", "absent"),
    [
        ({"name": "张"}, {"张伟", "张敏"}, {"王芳", "赵四"}),
        ({"level": "3"}, {"张伟", "张敏"}, {"王芳", "李强"}),
        ({"committee": "青山"}, {"王芳", "李强"}, {"张伟"}),
        ({"name": "王", "level": "1"}, {"王芳"}, {"李强"}),
    ],
)
def test_filters(client, live, query, expected, absent):
    body = client.get(_url("search", live["code"]), query).content.decode()
    for name in expected:
        assert name in body
    for name in absent:
        assert name not in body


def test_expertise_and_region_filters(client, live, world):
    url = _url("search", live["code"])
    body = client.get(url, {"expertise": live["medical"].code}).content.decode()
    assert "王芳" in body and "李强" not in body
    township = world["a"]["township"]
    body = client.get(url, {"region": township.code}).content.decode()
    assert township.name in body  # an option of the select
    assert "王芳" in body and "赵四" in body


@pytest.mark.parametrize(
    "query",
    [
        {"level": "abc"},
        {"level": "9"},
        {"region": "110101000000"},
        {"region": "<script>"},
        {"expertise": "nope"},
        {"page": "abc"},
        {"page": "-1"},
        {"page": "99999999999999999999"},
        {"name": "x" * 5000},
        {"committee": "\x00"},
        {"name": "%' OR 1=1 --"},
    ],
)
def test_bad_filter_values_do_not_fail(client, live, query):
    response = client.get(_url("search", live["code"]), query)
    assert response.status_code == 200


def test_a_bad_value_shows_a_field_message_and_the_rest_still_filters(client, live):
    response = client.get(_url("search", live["code"]), {"level": "abc", "name": "张"})
    body = response.content.decode()
    assert 'class="field-error"' in body
    assert "张伟" in body and "王芳" not in body


def test_pagination(client, roster):
    with all_regions():
        for _ in range(25):
            _post(roster["second"], region=roster["wang"].region)
    publish_roster(roster["bureau"])
    url = _url("search", roster["code"])
    first = client.get(url).content.decode()
    second = client.get(url, {"page": "2"}).content.decode()
    assert 'rel="next"' in first and "page=2" in first
    assert 'rel="prev"' in second
    assert "30" in first  # the total


@pytest.mark.parametrize("extra", [0, 30])
def test_search_runs_a_constant_number_of_queries(client, roster, extra, django_assert_num_queries):
    with all_regions():
        for _ in range(extra):
            mediator = _post(roster["second"], region=roster["wang"].region)
            mediator.expertise.add(roster["medical"])
    publish_roster(roster["bureau"])
    url = _url("search", roster["code"])
    # Cold: live publication, regions present, their names, expertise fields, the
    # bureau's level names (its city bureau, the rule); then the count and the rows.
    with django_assert_num_queries(8):
        assert client.get(url, {"expertise": roster["medical"].code}).status_code == 200
    # A new search once the publication is known: the count and the rows.
    with django_assert_num_queries(2):
        assert client.get(url, {"page": "2", "level": "3"}).status_code == 200
    # A name search counts its matches in the same query as its rows.
    with django_assert_num_queries(1):
        assert client.get(url, {"name": "张"}).status_code == 200
    with django_assert_num_queries(1):
        assert client.get(url, {"name": "王芳", "level": "1"}).status_code == 200
    # Finding nothing on its first page, it has nothing to count.
    with django_assert_num_queries(1):
        body = client.get(url, {"name": "无此人"}).content.decode()
    assert '<h2 id="results">共找到0名调解员</h2>' in body
    # Warm: from the cache, no query at all.
    with django_assert_num_queries(0):
        assert client.get(url, {"page": "2", "level": "3"}).status_code == 200


def test_pages_are_served_from_the_cache_and_unknown_parameters_share_it(
    client, live, django_assert_num_queries
):
    url = _url("search", live["code"])
    client.get(url, {"name": "张"})
    with django_assert_num_queries(0):
        body = client.get(url, {"name": " 张 ", "utm": "x"}).content.decode()
    assert "张伟" in body


def test_a_new_publication_replaces_the_cached_pages(
    client, live, django_capture_on_commit_callbacks
):
    url = _url("search", live["code"])
    assert "新来的" not in client.get(url).content.decode()
    card_url = _url("mediator", live["code"], live["li"].pk)
    assert client.get(card_url).status_code == 200
    with all_regions():
        _post(live["first"], region=live["wang"].region, name="新来的")
        Mediator.objects.filter(pk=live["li"].pk).update(status="left")
    with django_capture_on_commit_callbacks(execute=True):
        publish_roster(live["bureau"])
    assert "新来的" in client.get(url).content.decode()
    assert client.get(card_url).status_code == 404


def test_mediator_card(client, live):
    wang = live["wang"]
    response = client.get(_url("mediator", live["code"], wang.pk))
    assert response.status_code == 200
    body = response.content.decode()
    assert "王芳" in body and "青山村调委会" in body and live["medical"].name in body
    assert reverse("public:committee", args=[live["code"], live["first"].code]) in body
    assert f"/public/complaints/new/?bureau={live['code']}&amp;mediator={wang.pk}" in body
    assert "<img" not in body  # no photo


def test_photo_only_while_published_and_consented(client, roster):
    wang = roster["wang"]
    with all_regions():
        wang.photo = SimpleUploadedFile("w.gif", GIF, content_type="image/gif")
        wang.photo_public = True
        wang.save()
    publish_roster(roster["bureau"])
    card = client.get(_url("mediator", roster["code"], wang.pk)).content.decode()
    photo_url = _url("photo", roster["code"], wang.pk)
    assert photo_url in card
    assert 'alt="Photo of 王芳"' in card or "王芳的照片" in card
    response = client.get(photo_url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == GIF
    # No photo for a mediator without one, nor after consent is withdrawn.
    assert client.get(_url("photo", roster["code"], roster["li"].pk)).status_code == 404
    with all_regions():
        Mediator.objects.filter(pk=wang.pk).update(photo_public=False)
    assert client.get(photo_url).status_code == 404


def test_committee_page(client, live):
    response = client.get(_url("committee", live["code"], live["second"].code))
    assert response.status_code == 200
    body = response.content.decode()
    assert "绿水调解室" in body
    assert "张伟" in body and "王芳" not in body
    assert f"/public/complaints/new/?bureau={live['code']}&amp;committee={live['second'].code}" in (
        body
    )


def test_about_page_names_the_bureau_not_the_user(client, roster, world):
    user = world["a"]["county_user"]
    user.first_name, user.last_name = "秘", "书"
    user.save()
    publish_roster(roster["bureau"], user=user)
    body = client.get(_url("about", roster["code"])).content.decode()
    assert roster["bureau"].name in body
    assert user.username not in body and "秘" not in body
    assert "由司法局手动发布" in body  # "Published on demand by the bureau"


def test_roster_workbook(client, live):
    response = client.get(_url("roster_xlsx", live["code"]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    sheet = load_workbook(BytesIO(response.content), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 6
    names = {row[0] for row in rows[1:]}
    assert names == {"王芳", "李强", "张伟", "张敏", "赵四"}
    # Built once per publication.
    again = client.get(_url("roster_xlsx", live["code"]))
    assert again.content == response.content


@pytest.mark.parametrize(
    "url",
    [
        "/public/110101000000/",
        "/public/330602000000/mediators/999999/",
        "/public/330602000000/committees/NOPE/",
        "/public/330602000000/photos/999999/",
        "/public/330602/",
        "/public/33060200000x/",
        "/public/330602000000/mediators/999999999999999999/",
    ],
)
def test_unknown_things_are_404(client, live, url):
    assert client.get(url).status_code == 404


def test_an_unpublished_bureau_is_404(client, live, world):
    assert client.get(_url("search", world["b"]["county"].code)).status_code == 404
    assert client.get(_url("about", world["b"]["county"].code)).status_code == 404
    assert client.get(_url("roster_xlsx", world["b"]["county"].code)).status_code == 404


def test_a_pending_publication_is_not_shown(client, roster):
    services.request_publication(roster["bureau"])
    assert client.get(_url("search", roster["code"])).status_code == 404


def test_a_foreign_snapshot_row_is_404(client, live, world):
    """A mediator of another bureau's roster is not reachable through this one."""
    b = world["b"]
    with all_regions():
        committee = CommitteeFactory(region=b["village"], office=b["office"])
        other = _post(committee, region=b["township"], name="外地人")
    publish_roster(b["county_bureau"])
    assert client.get(_url("mediator", b["county"].code, other.pk)).status_code == 200
    assert client.get(_url("mediator", live["code"], other.pk)).status_code == 404
    assert client.get(_url("committee", live["code"], committee.code)).status_code == 404


def test_staff_users_see_the_same_public_pages(login, live, world):
    """A logged-in user of another city (jurisdiction active) still reads the page."""
    client = login(world["b"]["city_user"])
    assert client.get(_url("search", live["code"])).status_code == 200


def test_large_text_toggle(client, live):
    page = _url("search", live["code"])
    body = client.get(page).content.decode()
    assert 'class="large-text"' not in body
    assert f"{_url('text_size')}?large=1&amp;next=" in body
    response = client.get(_url("text_size"), {"large": "1", "next": page})
    assert response.status_code == 302 and response["Location"] == page
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    body = client.get(page).content.decode()
    assert 'class="large-text"' in body
    assert "large=0" in body
    client.get(_url("text_size"), {"large": "0", "next": page})
    assert 'class="large-text"' not in client.get(page).content.decode()


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "javascript:alert(1)", ""]
)
def test_text_size_does_not_redirect_off_site(client, target):
    response = client.get(_url("text_size"), {"large": "1", "next": target})
    assert response["Location"] == _url("index")


def test_large_text_cookie_is_part_of_the_cache_key(client, live):
    page = _url("search", live["code"])
    client.get(page)
    client.cookies["large_text"] = "1"
    assert 'class="large-text"' in client.get(page).content.decode()


def test_toggle_keeps_the_search(client, live):
    body = client.get(_url("search", live["code"]), {"name": "张", "junk": "x"}).content.decode()
    assert 'next=%2Fpublic%2F330602000000%2F%3Fname%3D%25E5%25BC%25A0"' in body
    assert "junk" not in body


def test_only_safe_methods(client, live):
    assert client.post(_url("search", live["code"])).status_code in (403, 405)


def test_as_of_date(client, live):
    body = client.get(_url("about", live["code"])).content.decode()
    assert datetime.date.today().isoformat() in body


FAST_PATH = "publication.cache.PublicPageCacheMiddleware"


@pytest.fixture
def fast_path(settings):
    """The page-cache middleware right after WhiteNoise, as production runs it."""
    middleware = [entry for entry in settings.MIDDLEWARE if entry != FAST_PATH]
    at = middleware.index("whitenoise.middleware.WhiteNoiseMiddleware") + 1
    settings.MIDDLEWARE = [*middleware[:at], FAST_PATH, *middleware[at:]]


def test_fast_path_answers_a_repeated_url(client, live, fast_path, django_assert_num_queries):
    url = _url("search", live["code"])
    first = client.get(url, {"name": "张"})
    assert "X-Public-Cache" not in first
    with django_assert_num_queries(0):
        again = client.get(url, {"name": "张"})
    assert again["X-Public-Cache"] == "hit"
    assert again.content == first.content
    assert again["Cache-Control"] == "public, max-age=60"
    assert "Cookie" in again["Vary"]
    # Card, committee and about pages too.
    for page in (
        _url("mediator", live["code"], live["wang"].pk),
        _url("committee", live["code"], live["first"].code),
        _url("about", live["code"]),
    ):
        client.get(page)
        assert client.get(page)["X-Public-Cache"] == "hit"


def test_fast_path_ignores_unknown_parameters_and_bad_values(client, live, fast_path):
    url = _url("search", live["code"])
    for query in (
        {"name": "张", "utm": "x"},
        {"level": "abc"},
        {"name": ["a", "b"]},
        {"page": "abc"},
    ):
        client.get(url, query)
        assert "X-Public-Cache" not in client.get(url, query)


def test_fast_path_keeps_the_text_size_apart(client, live, fast_path):
    url = _url("search", live["code"])
    client.get(url)
    assert 'class="large-text"' not in client.get(url).content.decode()
    client.cookies["large_text"] = "1"
    body = client.get(url).content.decode()
    assert 'class="large-text"' in body


def test_fast_path_follows_a_new_publication(
    client, live, fast_path, django_capture_on_commit_callbacks
):
    url = _url("search", live["code"])
    client.get(url)
    assert client.get(url)["X-Public-Cache"] == "hit"
    with all_regions():
        _post(live["first"], region=live["wang"].region, name="新来的")
    with django_capture_on_commit_callbacks(execute=True):
        publish_roster(live["bureau"])
    response = client.get(url)
    assert "X-Public-Cache" not in response
    assert "新来的" in response.content.decode()
    assert "新来的" in client.get(url).content.decode()


def test_fast_path_leaves_other_urls_alone(client, live, fast_path):
    assert client.get(_url("index")).status_code == 200
    assert client.get("/public/110101000000/").status_code == 404
    client.get(_url("roster_xlsx", live["code"]))
    assert "X-Public-Cache" not in client.get(_url("roster_xlsx", live["code"]))


def test_fast_path_resolves_public_pages_as_the_urlconf_does(live):
    """It resolves against the public roster's routes alone: each finds the view the
    whole URLconf finds, and a page of another public app is left to the stack."""
    from publication.cache import public_match

    code = live["code"]
    for url in (
        _url("search", code),
        _url("mediator", code, live["wang"].pk),
        _url("committee", code, live["first"].code),
        _url("about", code),
        _url("photo", code, live["wang"].pk),
        _url("roster_xlsx", code),
    ):
        found, expected = public_match(url), resolve(url)
        assert (found.func, found.kwargs, found.namespace, found.url_name) == (
            expected.func,
            expected.kwargs,
            expected.namespace,
            expected.url_name,
        )
    grading = reverse("public_grading:notices", args=[code])
    assert resolve(grading).namespace == "public_grading"
    with pytest.raises(Resolver404):
        public_match(grading)


def test_the_level_filter_offers_the_publishing_bureaus_level_names(client, roster):
    from core.services import set_policy

    with all_regions():
        set_policy(roster["bureau"], "grading_levels", ["特级", "一级", "二级", "三级"])
    publish_roster(roster["bureau"])
    url = _url("search", roster["code"])
    body = client.get(url).content.decode()
    select = body[body.index('name="level"') :]
    select = select[: select.index("</select>")]
    assert '<option value="1">特级</option>' in select
    assert '<option value="4">三级</option>' in select
    assert "四级" not in select
    # The filter still goes by rank: 特级 is rank 1.
    body = client.get(url, {"level": "1"}).content.decode()
    assert "王芳" in body and "李强" not in body
