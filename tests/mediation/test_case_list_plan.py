"""The case list is served by an index at any size: the city's newest 50 cases are
read newest first from case_newest_first and the read stops at 50, instead of every
case of the city being joined and sorted to keep 50 (EXPLAIN on PostgreSQL; SQLite's
planner is another matter and the production database is PostgreSQL)."""

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.tenancy import all_regions
from mediation.models import Case, DisputeType
from tests.factories import AppointmentFactory, CommitteeFactory, MediatorFactory

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="query plans are PostgreSQL's"
)


def _add_cases(world, n):
    """*n* cases over two years, nine in ten in city a (its two counties), the rest
    in city b: the jurisdiction is a prefix of many regions, not one."""
    with all_regions():
        posts = []
        for unit in ("a", "a2", "b"):
            committee = CommitteeFactory(
                region=world[unit]["village"], office=world[unit]["office"]
            )
            posts.append(
                AppointmentFactory(
                    mediator=MediatorFactory(region=world[unit]["township"]),
                    committee=committee,
                )
            )
        dispute = DisputeType.objects.get(code="neighbourhood")
        start = Case.objects.count()
        cases = []
        for i in range(start, start + n):
            post = posts[2] if i % 10 == 9 else posts[i % 2]
            bureau = post.committee.office.bureau
            cases.append(
                Case(
                    region=post.committee.region,
                    bureau=bureau,
                    year=2025,
                    sequence=i + 1,
                    number=f"P{i:08d}",
                    committee=post.committee,
                    received_on=datetime.date(2024, 1, 1) + datetime.timedelta(days=i % 700),
                    source="application",
                    dispute_type=dispute,
                    summary="邻里纠纷",
                    lead_mediator=post.mediator,
                )
            )
        Case.objects.bulk_create(cases, batch_size=2000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE mediation_case")


def _list_query(client):
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/cases/")
    assert response.status_code == 200
    (sql,) = [
        q["sql"]
        for q in captured.captured_queries
        if 'FROM "mediation_case"' in q["sql"] and "LIMIT" in q["sql"]
    ]
    return sql


def _plan(sql):
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}")
        plan = cursor.fetchone()[0]
    return (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]


def _nodes(node):
    yield node
    for child in node.get("Plans", []):
        yield from _nodes(child)


@pytest.mark.parametrize("sizes", [(2_000, 20_000)])
def test_the_city_case_list_reads_an_index_and_stops_at_a_page(login, world, sizes):
    client = login(world["a"]["city_user"])
    added = 0
    for size in sizes:
        _add_cases(world, size - added)
        added = size
        plan = _plan(_list_query(client))
        nodes = list(_nodes(plan))
        kinds = [node["Node Type"] for node in nodes]
        assert plan["Node Type"] == "Limit", (size, kinds)
        assert not [kind for kind in kinds if "Sort" in kind], (size, kinds)
        case_scans = [node for node in nodes if node.get("Relation Name") == "mediation_case"]
        assert [node["Index Name"] for node in case_scans] == ["case_newest_first"], (
            size,
            kinds,
        )
