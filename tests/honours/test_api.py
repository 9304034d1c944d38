"""The honours API: a call created, opened, nominated to, judged and announced
through its actions; the rules' refusals are 400s with the field named."""

import datetime

import pytest

from core.tenancy import all_regions
from honours.models import CallStatus, HonourCall, Score
from tests.honours_factories import CRITERIA

pytestmark = pytest.mark.django_db


def _post(client, url, body=None):
    return client.post(url, data=body or {}, content_type="application/json")


def test_the_flow_through_the_api(client, world, county):
    a = world["a"]
    mediator = county.mediator()
    client.force_login(a["county_admin"])
    created = _post(
        client,
        "/api/v1/honours/",
        {
            "bureau": a["county_bureau"].pk,
            "name": "越城区金牌调解员评选",
            "title": "金牌调解员",
            "subject": "mediator",
            "year": 2026,
            "places": 1,
            "deadline": (datetime.date.today() + datetime.timedelta(days=5)).isoformat(),
            "criteria": CRITERIA,
        },
    )
    assert created.status_code == 201, created.content
    call = created.json()["id"]
    for key in ("county_user", "county_admin", "clerk_user"):
        assert (
            _post(client, f"/api/v1/honours/{call}/panel/", {"user": a[key].pk}).status_code == 201
        )
    assert _post(client, f"/api/v1/honours/{call}/open/").json()["status"] == "open"
    client.force_login(a["clerk_user"])
    nominated = _post(
        client, f"/api/v1/honours/{call}/nominate/", {"mediator": mediator.pk, "statement": "好"}
    )
    assert nominated.status_code == 201, nominated.content
    nomination = nominated.json()["id"]
    client.force_login(a["county_admin"])
    assert _post(client, f"/api/v1/honours/{call}/start-judging/").status_code == 200
    for key in ("county_user", "county_admin"):
        client.force_login(a[key])
        scored = _post(
            client, f"/api/v1/honour-nominations/{nomination}/score/", {"points": [50, 30]}
        )
        assert scored.status_code == 201, scored.content
    twice = _post(client, f"/api/v1/honour-nominations/{nomination}/score/", {"points": [1, 1]})
    assert twice.status_code == 400 and "nomination" in twice.json()
    announced = _post(client, f"/api/v1/honours/{call}/announce/")
    assert announced.status_code == 200 and announced.json()["status"] == CallStatus.ANNOUNCED
    listed = client.get(f"/api/v1/honours/{call}/nominations/").json()["results"]
    assert listed[0]["awarded"] and listed[0]["integrity_record"]
    assert client.get(f"/api/v1/honours/{call}/result/").status_code == 200
    assert client.get(f"/api/v1/honour-scores/?call={call}").json()["results"]
    with all_regions():
        assert Score.objects.count() == 2


def test_an_office_nominating_from_outside_its_township_gets_a_field_error(client, world, county):
    call = county.call()
    foreign = county.mediator(side="a2")
    client.force_login(world["a"]["clerk_user"])
    response = _post(
        client, f"/api/v1/honours/{call.pk}/nominate/", {"mediator": foreign.pk, "statement": "好"}
    )
    assert response.status_code == 400 and "mediator" in response.json()


def test_a_clerk_cannot_create_or_run_a_call(client, world, county):
    call = county.call(open_=False)
    client.force_login(world["a"]["clerk_user"])
    assert _post(client, f"/api/v1/honours/{call.pk}/open/").status_code == 403
    with all_regions():
        assert HonourCall.objects.get().status == CallStatus.DRAFT


def test_the_schema_describes_the_routes(client, world):
    client.force_login(world["a"]["county_admin"])
    schema = client.get("/api/schema/?format=json").json()
    for path in (
        "/api/v1/honours/",
        "/api/v1/honours/{id}/announce/",
        "/api/v1/honour-nominations/{id}/score/",
        "/api/v1/case-library/",
        "/api/v1/case-library/{id}/publish/",
    ):
        assert path in schema["paths"], path
