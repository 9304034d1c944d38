"""The ranking's Celery tasks (run eagerly in tests)."""

import datetime

import pytest

from core.jobs import start_job
from core.models import Job, JobStatus, Role
from core.tenancy import all_regions, jurisdiction
from mediation.jobs import rankings as jobs
from mediation.models import RankingSnapshot
from tests.factories import AppointmentFactory, CommitteeFactory, MediatorFactory


@pytest.fixture
def staffed(world):
    with all_regions():
        for side in ("a", "b"):
            committee = CommitteeFactory(region=world[side]["village"])
            AppointmentFactory(
                committee=committee, mediator=MediatorFactory(region=committee.region)
            )
    return world


def test_a_job_from_a_page_writes_the_draft_with_progress(
    staffed, django_capture_on_commit_callbacks
):
    with all_regions():
        role = Role.objects.select_related("region", "bureau").get(user=staffed["a"]["county_user"])
    with jurisdiction(role.jurisdiction_prefix):
        with django_capture_on_commit_callbacks(execute=True):
            job = start_job(
                role, "rank_quarter", jobs.rank_quarter, bureau=role.bureau_id, year=2025, quarter=1
            )
        job.refresh_from_db()
        assert job.status == JobStatus.DONE, job.message
        assert (job.done, job.total) == (3, 3)
        snapshot = RankingSnapshot.objects.get()
        assert job.result == {"snapshot": snapshot.pk, "version": 1, "entries": 1}


def test_a_job_for_a_quarter_not_over_fails_with_the_reason(
    staffed, django_capture_on_commit_callbacks
):
    with all_regions():
        role = Role.objects.select_related("region").get(user=staffed["a"]["county_user"])
    with jurisdiction(role.jurisdiction_prefix):
        # In the request the error is not raised: the job page shows it.
        with django_capture_on_commit_callbacks(execute=True):
            start_job(
                role, "rank_quarter", jobs.rank_quarter, bureau=role.bureau_id, year=2099, quarter=1
            )
        job = Job.objects.get()
        assert job.status == JobStatus.FAILED and "2099" in job.message
        assert RankingSnapshot.objects.count() == 0


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (datetime.date(2026, 1, 1), (2025, 4)),
        (datetime.date(2026, 4, 1), (2026, 1)),
        (datetime.date(2026, 7, 1), (2026, 2)),
        (datetime.date(2026, 10, 1), (2026, 3)),
    ],
)
def test_last_quarter(today, expected):
    assert jobs.last_quarter(today) == expected


def test_beat_ranks_every_bureau_once_even_run_twice(staffed, monkeypatch):
    monkeypatch.setattr(jobs.timezone, "localdate", lambda: datetime.date(2025, 4, 1))
    assert jobs.rank_last_quarter.delay().get()["bureaus"] == 5
    jobs.rank_last_quarter.delay().get()
    with all_regions():
        drafts = RankingSnapshot.objects.filter(year=2025, quarter=1)
        assert drafts.count() == 5  # one draft per bureau, replaced by the second run
        county = drafts.get(bureau=staffed["a"]["county_bureau"])
        assert county.version == 2 and county.entries.count() == 1
