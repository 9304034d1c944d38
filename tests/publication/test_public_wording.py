"""What the public pages say: each region named once, and the complaint status
look-up named for what it is and reachable from every page."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from core.tenancy import all_regions
from registry.models import CommitteeType
from tests.factories import AppointmentFactory, CommitteeFactory, MediatorFactory, publish_roster

STATUS_LINK = "查询投诉进度"


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def county_post(world):
    """越城区's own industry committee, registered at the county, with a mediator
    registered there too; published."""
    a = world["a"]
    with all_regions():
        committee = CommitteeFactory(
            region=a["county"], kind=CommitteeType.INDUSTRY, name="越城区医疗纠纷调委会"
        )
        mediator = MediatorFactory(region=a["county"], name="孙立")
        AppointmentFactory(mediator=mediator, committee=committee)
    publish_roster(a["county_bureau"])
    return {"code": a["county"].code, "committee": committee, "mediator": mediator}


def _body(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_a_county_level_post_names_its_county_once(client, county_post):
    code = county_post["code"]
    pages = [
        reverse("public:search", args=[code]),
        reverse("public:mediator", args=[code, county_post["mediator"].pk]),
        reverse("public:committee", args=[code, county_post["committee"].code]),
    ]
    for url in pages:
        body = _body(client, url)
        assert "越城区" in body, url
        assert "越城区 越城区" not in body, url


def test_a_township_post_names_its_county_and_township(client, world):
    a = world["a"]
    with all_regions():
        committee = CommitteeFactory(region=a["village"], kind=CommitteeType.VILLAGE)
        AppointmentFactory(mediator=MediatorFactory(region=a["township"]), committee=committee)
    publish_roster(a["county_bureau"])
    body = _body(client, reverse("public:search", args=[a["county"].code]))
    assert "越城区 a镇" in body


def test_the_status_form_is_headed_with_what_it_looks_up(client):
    body = _body(client, reverse("public_complaints:status"))
    assert f"<h1>{STATUS_LINK}</h1>" in body
    legend = body.split("<legend>", 1)[1].split("</legend>", 1)[0]
    assert STATUS_LINK in legend


def test_every_public_page_links_the_complaint_status_look_up(client, county_post):
    code = county_post["code"]
    status_url = reverse("public_complaints:status")
    link = f'href="{status_url}"'
    pages = [
        reverse("public:index"),
        reverse("public:search", args=[code]),
        reverse("public:about", args=[code]),
        reverse("public:mediator", args=[code, county_post["mediator"].pk]),
        reverse("public:committee", args=[code, county_post["committee"].code]),
        reverse("public_complaints:new"),
        status_url,
    ]
    for url in pages:
        body = _body(client, url)
        header = body.split("</header>", 1)[0]
        assert link in header and STATUS_LINK in header, url


def test_a_page_not_found_on_the_public_site_links_the_look_up_too(client, county_post):
    missing = reverse("public:mediator", args=[county_post["code"], 10**17])
    response = client.get(missing)
    assert response.status_code == 404
    body = response.content.decode()
    assert f'href="{reverse("public_complaints:status")}"' in body and STATUS_LINK in body
