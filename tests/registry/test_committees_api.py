"""The committee API: same FilterSet as the pages, deregistration as an action,
terms, and no DELETE."""

import datetime
import json

import pytest

from core.tenancy import all_regions
from registry.models import Committee, CommitteeStatus, CommitteeTerm
from tests.factories import AppointmentFactory, CommitteeFactory, MediatorFactory

TODAY = datetime.date.today()
YESTERDAY = TODAY - datetime.timedelta(days=1)


@pytest.fixture
def api(login):
    """``api(user)(method, url, data)``: a JSON call as *user*."""

    def _as(user):
        client = login(user)

        def call(method, url, data=None):
            if data is None:
                return getattr(client, method)(url)
            return getattr(client, method)(url, json.dumps(data), content_type="application/json")

        return call

    return _as


@pytest.fixture
def committee(world):
    with all_regions():
        committee = CommitteeFactory(region=world["a"]["village"], office=world["a"]["office"])
        AppointmentFactory(mediator=MediatorFactory(region=committee.region), committee=committee)
        return committee


def _body(world, **overrides):
    return {
        "code": "YC-API-1",
        "name": "接口村人民调解委员会",
        "kind": "village",
        "region": world["a"]["village"].code,
        "office": world["a"]["office"].pk,
        **overrides,
    }


def _count():
    with all_regions():
        return Committee.objects.count()


def test_the_list_is_the_jurisdictions_with_member_counts(api, world, committee):
    with all_regions():
        CommitteeFactory(region=world["b"]["village"])
    rows = api(world["a"]["county_user"])("get", "/api/v1/committees/").json()["results"]
    assert [(r["id"], r["member_count"], r["full_time_count"]) for r in rows] == [
        (committee.pk, 1, 1)
    ]


def test_the_list_uses_the_committee_filterset(api, world, committee):
    call = api(world["a"]["county_user"])
    assert call("get", "/api/v1/committees/?kind=township").json()["results"] == []
    assert len(call("get", f"/api/v1/committees/?q={committee.code}").json()["results"]) == 1


def test_a_committee_is_created_and_read_back(api, world):
    call = api(world["a"]["county_user"])
    response = call("post", "/api/v1/committees/", _body(world))
    assert response.status_code == 201, response.content
    created = call("get", f"/api/v1/committees/{response.json()['id']}/").json()
    assert created["code"] == "YC-API-1" and created["status"] == CommitteeStatus.ACTIVE


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"region": "330102001001"}, "region"),  # the other city
        ({"office": None}, None),  # allowed: no office
        ({"kind": "industry"}, "industry_field"),
        ({"filing_status": "filed"}, "filed_on"),
        ({"status": "deregistered"}, None),  # read-only: ignored, stays active
    ],
)
def test_bad_input_is_a_field_error_and_writes_nothing(api, world, overrides, field):
    before = _count()
    response = api(world["a"]["county_user"])(
        "post", "/api/v1/committees/", _body(world, **overrides)
    )
    if field is None:
        assert response.status_code == 201
        assert response.json()["status"] == CommitteeStatus.ACTIVE
        return
    assert response.status_code == 400 and field in response.json(), response.content
    assert _count() == before


def test_a_code_registered_in_another_bureau_is_a_field_error(api, world):
    with all_regions():
        CommitteeFactory(code="YC-API-1", region=world["b"]["village"])
    before = _count()
    response = api(world["a"]["county_user"])("post", "/api/v1/committees/", _body(world))
    assert response.status_code == 400 and "code" in response.json()
    assert _count() == before


def test_deregistering_through_the_api(api, world, committee):
    call = api(world["a"]["county_user"])
    url = f"/api/v1/committees/{committee.pk}/deregister/"
    assert call("post", url, {"deregistered_on": str(TODAY)}).status_code == 400
    response = call(
        "post", url, {"deregistered_on": str(YESTERDAY), "deregistration_reason": "撤并"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == CommitteeStatus.DEREGISTERED
    assert response.json()["member_count"] == 0  # its open posts ended with it
    assert call("get", "/api/v1/committees/").json()["results"] == []
    assert len(call("get", "/api/v1/committees/?status=all").json()["results"]) == 1
    # Still readable, and its history kept.
    assert call("get", f"/api/v1/committees/{committee.pk}/").status_code == 200
    assert call("get", f"/api/v1/committees/{committee.pk}/history/").json()["count"]
    assert (
        call(
            "post", url, {"deregistered_on": str(TODAY), "deregistration_reason": "再次"}
        ).status_code
        == 400
    )


def test_delete_answers_405_and_deletes_nothing(api, world, committee):
    response = api(world["a"]["county_admin"])("delete", f"/api/v1/committees/{committee.pk}/")
    assert response.status_code == 405
    assert _count() == 1


def test_a_read_only_role_cannot_write(api, world, committee):
    call = api(world["a"]["finance_user"])
    assert call("get", "/api/v1/committees/").status_code == 200
    assert call("post", "/api/v1/committees/", _body(world)).status_code == 403
    response = call(
        "post",
        f"/api/v1/committees/{committee.pk}/deregister/",
        {"deregistered_on": str(TODAY), "deregistration_reason": "x"},
    )
    assert response.status_code == 403


def test_terms_are_added_and_listed_per_committee(api, world, committee):
    call = api(world["a"]["county_user"])
    response = call(
        "post", "/api/v1/committee-terms/", {"committee": committee.pk, "starts_on": "2024-03-01"}
    )
    assert response.status_code == 201, response.content
    assert response.json()["number"] == 1 and response.json()["ends_on"] == "2027-02-28"
    bad = call(
        "post",
        "/api/v1/committee-terms/",
        {"committee": committee.pk, "starts_on": "2027-03-01", "ends_on": "2027-01-01"},
    )
    assert bad.status_code == 400 and "ends_on" in bad.json()
    listed = call("get", f"/api/v1/committee-terms/?committee={committee.pk}").json()["results"]
    assert [t["number"] for t in listed] == [1]
    with all_regions():
        assert CommitteeTerm.objects.count() == 1


def test_the_api_is_in_the_openapi_schema(client, world):
    client.force_login(world["a"]["county_user"])  # the schema is for signed-in users
    schema = client.get("/api/schema/").content.decode()
    for path in (
        "/api/v1/committees/",
        "/api/v1/committees/{id}/deregister/",
        "/api/v1/committee-terms/",
    ):
        assert path in schema
