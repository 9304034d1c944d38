"""Case numbers under concurrent filing, on PostgreSQL: threads with their own
connections file at the same moment, through the service and through the API, and
the bureau's numbers for the year come out 1..N with no gap and no duplicate."""

import threading

import pytest
from django.db import connection
from django.test import Client

from core.tenancy import all_regions, jurisdiction
from mediation.models import Case
from tests.factories import AppointmentFactory, CommitteeFactory, MediatorFactory, make_case

pytestmark = [
    # The dispute types a flush empties are put back by tests/conftest.py's
    # _reference_data (serialized_rollback would load them again on top of the
    # content types a flush by another transactional test recreated, and fail).
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks need PostgreSQL to race for real"
    ),
]


@pytest.fixture
def post(world):
    with all_regions():
        committee = CommitteeFactory(region=world["a"]["village"], office=world["a"]["office"])
        return AppointmentFactory(
            mediator=MediatorFactory(region=world["a"]["township"]), committee=committee
        )


def _race(threads: int, work):
    """Run ``work(index)`` in *threads* threads released together; re-raise the
    first error any of them met."""
    barrier = threading.Barrier(threads)
    errors = []

    def run(index):
        try:
            barrier.wait(timeout=30)
            work(index)
        except Exception as exc:  # collected, so the test fails with the real cause
            errors.append(exc)
        finally:
            connection.close()  # each thread had its own connection

    workers = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert not errors, errors


def _numbers(world):
    with all_regions():
        rows = Case.objects.filter(bureau=world["a"]["county_bureau"], year=2025)
        return sorted(rows.values_list("sequence", flat=True)), rows.values_list(
            "number", flat=True
        )


def test_parallel_filings_through_the_service_are_numbered_without_gaps(world, post):
    threads, per_thread = 8, 5
    prefix = world["a"]["county"].prefix

    def file_five(index):
        with jurisdiction(prefix):
            for n in range(per_thread):
                make_case(post.committee, post.mediator, summary=f"并发立案 {index}-{n}")

    _race(threads, file_five)
    sequences, numbers = _numbers(world)
    total = threads * per_thread
    assert sequences == list(range(1, total + 1))
    assert len(set(numbers)) == total


def test_parallel_filings_through_the_api_are_numbered_without_gaps(world, post):
    threads, per_thread = 6, 4
    body = {
        "committee": post.committee.pk,
        "received_on": "2025-05-06",
        "source": "application",
        "dispute_type": "neighbourhood",
        "summary": "并发立案",
        "lead_mediator": post.mediator.pk,
        "parties": [
            {"role": "applicant", "name": "张三"},
            {"role": "respondent", "name": "李四"},
        ],
    }
    users = [world["a"]["clerk_user"], world["a"]["county_user"]]

    def file_by_api(index):
        client = Client()
        client.force_login(users[index % 2])
        for _ in range(per_thread):
            response = client.post("/api/v1/cases/", body, content_type="application/json")
            assert response.status_code == 201, response.content

    _race(threads, file_by_api)
    sequences, numbers = _numbers(world)
    total = threads * per_thread
    assert sequences == list(range(1, total + 1))
    assert len(set(numbers)) == total
