"""The library as staff and the public use it: promote a closed case from its
anonymised draft (a name left in is refused beside the field), search it, publish
it; the public list and page show no party's name or number and are cached."""

import pytest
from django.core.cache import cache

from caselibrary import services
from caselibrary.models import LibraryEntry
from core.tenancy import all_regions, jurisdiction
from tests.caselibrary.conftest import PARTIES, closed_case

pytestmark = pytest.mark.django_db
SECRETS = ["王大锤", "欧阳娜娜", "13812345678"]


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def test_a_case_is_promoted_searched_and_published_without_any_partys_name(client, world, case):
    client.force_login(world["a"]["county_admin"])
    start = client.post("/case-library/promote/", {"number": case.number})
    assert start.status_code == 303
    url = start["Location"]
    page = client.get(url)
    assert page.status_code == 200
    draft = page.context["form"].initial["account"]
    assert not any(secret in draft for secret in SECRETS)
    refused = client.post(
        url,
        {"title": "宅基地纠纷", "dispute_type": case.dispute_type_id, "account": "王大锤" + draft},
    )
    assert refused.status_code == 200 and refused.context["form"].errors["account"]
    with all_regions():
        assert not LibraryEntry.objects.exists()
    saved = client.post(
        url,
        {
            "title": "宅基地界线纠纷调解案例",
            "dispute_type": case.dispute_type_id,
            "account": draft,
            "commentary": "实地丈量，释法说理。",
        },
    )
    assert saved.status_code == 302
    with all_regions():
        entry = LibraryEntry.objects.get()
    found = client.get("/case-library/?q=界线")
    assert [e.pk for e in found.context["object_list"]] == [entry.pk]
    assert client.get("/case-library/?q=不存在的词").context["object_list"].count() == 0
    assert client.post(f"/case-library/{entry.pk}/publish/", {}).status_code == 302
    detail = client.get(f"/case-library/{entry.pk}/")
    assert detail.status_code == 200 and detail.context["public_url"]
    assert "history" in detail.context

    client.logout()
    region = world["a"]["county"].code
    listing = client.get(f"/public/{region}/cases/")
    assert listing.status_code == 200 and "宅基地界线纠纷调解案例" in listing.content.decode()
    assert "public" in listing["Cache-Control"]
    shown = client.get(f"/public/{region}/cases/{entry.pk}/")
    body = shown.content.decode()
    assert shown.status_code == 200 and "实地丈量" in body
    for secret in [*SECRETS, case.number, case.lead_mediator.name]:
        assert secret not in body and secret not in listing.content.decode()
    city = client.get(f"/public/{world['a']['city'].code}/cases/")
    assert "宅基地界线纠纷调解案例" in city.content.decode()
    other = client.get(f"/public/{world['b']['county'].code}/cases/{entry.pk}/")
    assert other.status_code == 404


def test_the_public_pages_follow_a_withdrawal_at_once(client, world, case):
    with jurisdiction(world["a"]["county"].prefix):
        entry = services.promote(case, title="赡养纠纷案例", account="甲与乙达成赡养协议。")
        services.publish(entry)
    url = f"/public/{world['a']['county'].code}/cases/"
    assert "赡养纠纷案例" in client.get(url).content.decode()
    assert "赡养纠纷案例" in client.get(url).content.decode()  # from the cache
    with jurisdiction(world["a"]["county"].prefix):
        services.withdraw(entry)
    assert "赡养纠纷案例" not in client.get(url).content.decode()
    assert client.get(f"{url}{entry.pk}/").status_code == 404


def test_an_unpublished_entry_is_not_public(client, world, case):
    with jurisdiction(world["a"]["county"].prefix):
        entry = services.promote(case, title="未公开案例", account="甲与乙达成协议。")
    region = world["a"]["county"].code
    assert client.get(f"/public/{region}/cases/{entry.pk}/").status_code == 404
    assert "未公开案例" not in client.get(f"/public/{region}/cases/").content.decode()


@pytest.mark.parametrize(
    "query", ["?page=%00", "?page=-1", "?type=%3Cscript%3E", "?type=" + "x" * 500, "?page=99999"]
)
def test_hostile_public_queries_never_fail(client, world, query):
    response = client.get(f"/public/{world['a']['county'].code}/cases/{query}")
    assert response.status_code == 200


@pytest.mark.parametrize("query", ["?q=%00", "?year=abc", "?dispute_type=nope", "?sort=x"])
def test_hostile_staff_queries_never_fail(client, world, query):
    client.force_login(world["a"]["county_user"])
    for url in ("/case-library/", "/api/v1/case-library/"):
        assert client.get(url + query).status_code < 500


def test_only_bureau_staff_publish(client, world, case):
    with jurisdiction(world["a"]["county"].prefix):
        entry = services.promote(case, title="案例", account="甲与乙达成协议。")
    client.force_login(world["a"]["clerk_user"])
    assert client.post(f"/case-library/{entry.pk}/publish/", {}).status_code == 403
    entry.refresh_from_db()
    assert not entry.published


def test_the_api_promotes_refuses_names_and_publishes(client, world):
    case = closed_case(world)
    client.force_login(world["a"]["county_admin"])
    body = {"case": case.pk, "title": "案例", "account": f"{PARTIES[1]['name']}同意调解。"}
    refused = client.post("/api/v1/case-library/", body, content_type="application/json")
    assert refused.status_code == 400 and "account" in refused.json()
    body["account"] = "乙同意调解。"
    created = client.post("/api/v1/case-library/", body, content_type="application/json")
    assert created.status_code == 201, created.content
    entry = created.json()["id"]
    published = client.post(f"/api/v1/case-library/{entry}/publish/")
    assert published.status_code == 200 and published.json()["published"]
    assert client.get("/api/v1/case-library/?published=true").json()["results"][0]["id"] == entry


@pytest.mark.parametrize("url", ["/case-library/", "/api/v1/case-library/"])
def test_lists_run_a_constant_number_of_queries(client, world, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.caselibrary_factories import _entry

    client.force_login(world["a"]["city_user"])
    with all_regions():
        for _n in range(2):
            _entry(world, "a")
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    with all_regions():
        for _n in range(8):
            _entry(world, "a2")
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)


def test_the_public_list_runs_a_constant_number_of_queries_and_then_none(client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.caselibrary_factories import _entry

    def publish(count):
        with all_regions():
            for _n in range(count):
                LibraryEntry.objects.filter(pk=_entry(world, "a").pk).update(published=True)

    url = f"/public/{world['a']['county'].code}/cases/"
    publish(2)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    publish(8)
    cache.clear()
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)
    with CaptureQueriesContext(connection) as cached:
        response = client.get(url)
    assert response["Cache-Control"].startswith("public") and "Cookie" in response["Vary"]
    assert len(cached) == 1  # the bureau, to answer 404 for a region without one
