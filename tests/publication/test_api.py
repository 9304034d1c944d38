"""The roster publication API: versions scoped to the jurisdiction, the preview,
and publishing as a job (202)."""

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.models import Job, JobStatus
from core.tenancy import all_regions
from publication.models import PublicationStatus, RosterPublication
from tests.factories import AppointmentFactory, CommitteeFactory, MediatorFactory, publish_roster

URL = "/api/v1/roster-publications/"
FIELDS = {
    "id",
    "bureau",
    "bureau_name",
    "version",
    "status",
    "period",
    "requested_by",
    "requested_at",
    "published_at",
    "as_of",
    "mediator_count",
    "committee_count",
    "error",
}


@pytest.fixture
def api(login):
    def _as(user):
        client = login(user)

        def call(method, url, data=None):
            if data is None:
                return getattr(client, method)(url)
            return getattr(client, method)(url, json.dumps(data), content_type="application/json")

        return call

    return _as


def _staff(world, side, count=2):
    with all_regions():
        committee = CommitteeFactory(region=world[side]["village"], office=world[side]["office"])
        return [
            AppointmentFactory(
                mediator=MediatorFactory(region=world[side]["township"]), committee=committee
            )
            for _ in range(count)
        ]


def test_the_list_is_scoped_filtered_and_has_no_personal_fields(world, api):
    posts = _staff(world, "a")
    _staff(world, "b")
    _staff(world, "a2")
    first = publish_roster(world["a"]["county_bureau"], user=world["a"]["county_user"])
    second = publish_roster(world["a"]["county_bureau"])
    foreign = publish_roster(world["b"]["county_bureau"])
    sibling = publish_roster(world["a2"]["county_bureau"])
    call = api(world["a"]["county_user"])
    response = call("get", URL)
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [r["id"] for r in rows] == [second.pk, first.pk]  # never 杭州's nor 柯桥's
    assert set(rows[0]) == FIELDS
    assert rows[1]["requested_by"] == world["a"]["county_user"].username
    assert rows[0]["requested_by"] is None
    body = response.content.decode()
    for post in posts:
        assert post.mediator.id_number not in body and post.mediator.phone not in body
    live = call("get", URL + "?status=live").json()["results"]
    assert [r["id"] for r in live] == [second.pk]
    bureau = world["a"]["county_bureau"].pk
    assert len(call("get", f"{URL}?bureau={bureau}").json()["results"]) == 2
    assert call("get", f"{URL}{first.pk}/").json()["status"] == PublicationStatus.SUPERSEDED
    assert call("get", f"{URL}{foreign.pk}/").status_code == 404
    assert call("get", f"{URL}{sibling.pk}/").status_code == 404
    # A city user sees its counties' versions.
    city = api(world["a"]["city_user"])
    ids = {r["id"] for r in city("get", URL).json()["results"]}
    assert ids == {first.pk, second.pk, sibling.pk}


def test_the_preview_counts(world, api):
    _staff(world, "a", count=3)
    publish_roster(world["a"]["county_bureau"])
    _staff(world, "a", count=1)
    response = api(world["a"]["county_user"])("get", URL + "preview/")
    assert response.status_code == 200
    data = response.json()
    assert data["mediator_count"] == 4 and data["committee_count"] == 2
    assert (data["added"], data["removed"], data["live_version"]) == (1, 0, 1)
    assert data["bureau"] == world["a"]["county_bureau"].pk


def test_publishing_starts_a_job_and_answers_202(world, api, django_capture_on_commit_callbacks):
    _staff(world, "a")
    live = publish_roster(world["a"]["county_bureau"])
    call = api(world["a"]["county_user"])
    with django_capture_on_commit_callbacks(execute=True):
        response = call("post", URL + "publish/", {"confirm": True})
    assert response.status_code == 202, response.content
    data = response.json()
    with all_regions():
        job = Job.objects.get(uuid=data["job"])
        publication = RosterPublication.objects.get(pk=data["publication"])
        live.refresh_from_db()
    assert data["url"] == f"/jobs/{job.uuid}/"
    assert job.status == JobStatus.DONE and job.result["version"] == 2
    assert publication.status == PublicationStatus.LIVE
    assert publication.requested_by == world["a"]["county_user"]
    assert live.status == PublicationStatus.SUPERSEDED


def test_publishing_needs_a_confirmation_and_a_bureau_writer(world, api):
    _staff(world, "a")
    # One test client: each api(user) logs that user in on it.
    staff = api(world["a"]["county_user"])
    refused = staff("post", URL + "publish/", {})
    assert refused.status_code == 400 and "confirm" in refused.json()
    assert staff("post", URL + "publish/", {"confirm": False}).status_code == 400
    assert staff("post", URL, {"confirm": True}).status_code == 405
    clerk = api(world["a"]["clerk_user"])
    assert clerk("post", URL + "publish/", {"confirm": True}).status_code == 403
    assert clerk("get", URL + "preview/").status_code == 403
    assert clerk("get", URL).status_code == 200
    assert api(world["a"]["finance_user"])("get", URL + "preview/").status_code == 403
    with all_regions():
        assert not RosterPublication.objects.exists()


def _publications(world, count):
    bureau = world["a"]["county_bureau"]
    with all_regions():
        start = RosterPublication.objects.filter(bureau=bureau).count()
        for n in range(start + 1, start + count + 1):
            RosterPublication.objects.create(
                bureau=bureau,
                version=n,
                status=PublicationStatus.SUPERSEDED,
                requested_by=world["a"]["county_user"] if n % 2 else None,
                published_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
            )


def test_the_list_query_count_is_constant(world, login):
    client = login(world["a"]["county_user"])
    _publications(world, 2)
    client.get(URL)
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    _publications(world, 18)
    with CaptureQueriesContext(connection) as many:
        response = client.get(URL)
    assert len(response.json()["results"]) == 20
    assert len(many) == len(few)


def test_the_schema_lists_the_routes(world, login):
    schema = login(world["a"]["county_user"]).get("/api/schema/?format=json").json()
    for path in (URL, URL + "{id}/", URL + "preview/", URL + "publish/"):
        assert "/api/v1/roster-publications/" + path[len(URL) :] in schema["paths"]
