"""Grading's list pages and API lists run a constant number of queries, however many
rows they show."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.tenancy import all_regions
from grading.models import Application, Eligibility, LevelChange, Objection
from tests.factories import AppointmentFactory, CommitteeFactory, MediatorFactory, make_round

URLS = [
    "/grading/rounds/",
    "/grading/applications/",
    "/grading/objections/",
    "/grading/levels/",
    "/grading/rounds/{round}/eligibility/",
    "/grading/rounds/{round}/decisions/",
    "/grading/rounds/{round}/notice-list/",
    "/api/v1/grading-rounds/",
    "/api/v1/grading-applications/",
    "/api/v1/grading-objections/",
    "/api/v1/levels/",
    "/api/v1/grading-rounds/{round}/eligibility/",
]


def _add(world, round_, count):
    unit = world["a"]
    with all_regions():
        committee = CommitteeFactory(region=unit["village"], office=unit["office"])
        for n in range(count):
            mediator = MediatorFactory(region=unit["township"])
            AppointmentFactory(mediator=mediator, committee=committee)
            application = Application.objects.create(
                round=round_, mediator=mediator, rank=4, source="applied", status="approved"
            )
            Objection.objects.create(
                round=round_, application=application, phone="13900001111", text=f"异议{n}"
            )
            LevelChange.objects.create(
                mediator=mediator,
                to_rank=4,
                to_name="四级",
                decision="决定",
                reason="测试",
                effective_on=datetime.date(2026, 1, 1),
            )
            Eligibility.objects.create(
                round=round_,
                mediator=mediator,
                committee=committee,
                serving=True,
                record_complete=True,
                years=3,
                cases=10,
                successes=9,
                success_rate=0.9,
                oral_share=0.1,
                difficult=1,
                training_sessions=2,
                training_hours=8,
                satisfaction=4.5,
                complaints=0,
                criminal=0,
                checks={"basic": {"serving": True}, "3": {"cases": False}, "4": {"cases": True}},
                qualified_rank=4,
            )


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


@pytest.mark.parametrize("url", URLS)
def test_grading_lists_run_a_constant_number_of_queries(login, world, url):
    client = login(world["a"]["county_user"])
    round_ = make_round(world["a"]["county_bureau"])
    url = url.format(round=round_.pk)
    _add(world, round_, 2)
    client.get(url)  # warm the session
    few = _queries(client, url)
    _add(world, round_, 12)
    assert _queries(client, url) == few
