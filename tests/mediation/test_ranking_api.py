"""The ranking API: snapshots with entries, filters, run and publish, the schema."""

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.models import Job
from core.tenancy import all_regions, jurisdiction
from mediation import ranking
from mediation.models import RankingSnapshot
from tests.factories import AppointmentFactory, CommitteeFactory, MediatorFactory

URL = "/api/v1/rankings/"


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


def _rank(side, mediators=2, quarter=1):
    with jurisdiction(side["county"].prefix):
        committee = CommitteeFactory(region=side["village"])
        for _ in range(mediators):
            AppointmentFactory(
                committee=committee, mediator=MediatorFactory(region=committee.region)
            )
        return ranking.rank_quarter(side["county_bureau"], 2025, quarter)


def test_lists_published_by_default_with_entries_and_filters(world, api):
    draft = _rank(world["a"])
    other = _rank(world["b"])
    with all_regions():
        ranking.publish(other)
    call = api(world["a"]["county_user"])
    assert call("get", URL).json()["results"] == []
    rows = call("get", URL + "?status=draft&year=2025&quarter=1").json()["results"]
    assert [r["id"] for r in rows] == [draft.pk]  # never 杭州's
    assert rows[0]["entry_count"] == 2 and "entries" not in rows[0]
    entries = call("get", f"{URL}{draft.pk}/").json()["entries"]
    assert len(entries) == 2 and entries[0]["rank"] == 1 and entries[0]["mediator_name"]
    assert call("get", URL + "?status=draft&quarter=2").json()["results"] == []
    assert call("get", f"{URL}{other.pk}/").status_code == 404


def test_list_query_count_is_constant(world, api):
    call = api(world["a"]["county_user"])
    _rank(world["a"], mediators=1, quarter=1)
    with CaptureQueriesContext(connection) as small:
        call("get", URL + "?status=all")
    _rank(world["a"], mediators=5, quarter=2)
    _rank(world["a"], mediators=3, quarter=3)
    with CaptureQueriesContext(connection) as large:
        assert len(call("get", URL + "?status=all").json()["results"]) == 3
    assert len(large) == len(small)


def test_run_and_publish(world, api, django_capture_on_commit_callbacks):
    _rank(world["a"])
    call = api(world["a"]["county_user"])
    with django_capture_on_commit_callbacks(execute=True):
        response = call("post", URL + "run/", {"year": 2025, "quarter": 1})
    assert response.status_code == 202, response.content
    with all_regions():
        assert Job.objects.get(uuid=response.json()["job"]).status == "done"
        snapshot = RankingSnapshot.objects.get(bureau=world["a"]["county_bureau"])
    assert snapshot.version == 2
    response = call("post", f"{URL}{snapshot.pk}/publish/")
    assert response.status_code == 200 and response.json()["status"] == "published"
    assert call("post", f"{URL}{snapshot.pk}/publish/").status_code == 400


def test_bad_runs_are_refused(world, api):
    call = api(world["a"]["county_user"])
    next_year = datetime.date.today().year + 1
    assert "quarter" in call("post", URL + "run/", {"year": next_year, "quarter": 1}).json()
    assert "quarter" in call("post", URL + "run/", {"year": 2025, "quarter": 0}).json()
    clerk = api(world["a"]["clerk_user"])
    assert clerk("post", URL + "run/", {"year": 2025, "quarter": 1}).status_code == 403
    with all_regions():
        assert Job.objects.count() == 0
    assert call("put", URL + "1/", {}).status_code in (404, 405)


def test_in_the_schema_without_warnings(world, api, capsys):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    paths = schema["paths"]
    assert "/api/v1/rankings/" in paths and "/api/v1/rankings/run/" in paths
    assert "/api/v1/rankings/{id}/publish/" in paths
    err = capsys.readouterr().err
    assert "rankings" not in err.lower() and "Ranking" not in err
