"""The publication tasks: a job on demand, and the scheduled run of celery beat
(run eagerly in tests)."""

import datetime
import logging

import pytest
from django.utils import timezone

from core.jobs import start_job
from core.models import JobStatus, Policy, Role
from core.tenancy import all_regions, jurisdiction
from publication import services, tasks
from publication.models import PublicationStatus, RosterPublication
from tests.factories import AppointmentFactory, CommitteeFactory, MediatorFactory, publish_roster


def _staff(world, side, count=2):
    with all_regions():
        committee = CommitteeFactory(region=world[side]["village"], office=world[side]["office"])
        for _ in range(count):
            AppointmentFactory(
                mediator=MediatorFactory(region=world[side]["township"]), committee=committee
            )


@pytest.fixture
def staffed(world):
    _staff(world, "a")
    _staff(world, "b", count=1)
    return world


def _months_ago(months: int) -> datetime.datetime:
    today = timezone.localdate()
    index = today.year * 12 + today.month - 1 - months
    day = datetime.date(index // 12, index % 12 + 1, 15)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def _set_published_at(publication, when):
    with all_regions():
        RosterPublication.objects.filter(pk=publication.pk).update(published_at=when)


def _policy(bureau, months):
    with all_regions():
        Policy.objects.create(bureau=bureau, key="roster_publication_months", value=months)


def _live(bureau):
    with all_regions():
        return RosterPublication.objects.get(bureau=bureau, status=PublicationStatus.LIVE)


def test_the_job_publishes_with_progress(staffed, django_capture_on_commit_callbacks):
    with all_regions():
        role = Role.objects.select_related("region", "bureau").get(user=staffed["a"]["county_user"])
    publication = services.request_publication(role.home_bureau, user=role.user)
    with jurisdiction(role.jurisdiction_prefix):
        with django_capture_on_commit_callbacks(execute=True):
            job = start_job(
                role, "roster_publication", tasks.publish_roster, publication_id=publication.pk
            )
        job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.message
    assert (job.done, job.total) == (2, 2)
    assert job.result == {
        "publication": publication.pk,
        "url": f"/roster-publications/{publication.pk}/",
        "version": 1,
        "mediator_count": 2,
        "committee_count": 1,
    }


def test_beat_publishes_each_bureau_with_posts_once_per_period(staffed):
    result = tasks.publish_due_rosters()
    period = timezone.localdate().strftime("%Y-%m")
    with all_regions():
        rows = list(RosterPublication.objects.select_related("bureau"))
    published = {row.bureau for row in rows}
    # Each county with mediators and its city (whose roster covers its counties);
    # the sibling county "a2" has nobody to publish.
    assert published == {
        staffed["a"]["county_bureau"],
        staffed["a"]["city_bureau"],
        staffed["b"]["county_bureau"],
        staffed["b"]["city_bureau"],
    }
    assert all(row.status == PublicationStatus.LIVE for row in rows)
    assert all(row.period == period and row.requested_by is None for row in rows)
    assert result["failed"] == [] and len(result["published"]) == 4
    # The beat fires daily: the rest of the month publishes nothing new.
    again = tasks.publish_due_rosters()
    with all_regions():
        assert RosterPublication.objects.count() == 4
    assert again["published"] == []


def test_beat_waits_for_the_interval(staffed):
    bureau = staffed["a"]["county_bureau"]
    _policy(bureau, 3)
    live = publish_roster(bureau)
    _set_published_at(live, _months_ago(2))
    tasks.publish_due_rosters()
    assert _live(bureau).pk == live.pk  # two months of three: not yet
    _set_published_at(live, _months_ago(3))
    tasks.publish_due_rosters()
    fresh = _live(bureau)
    assert fresh.version == live.version + 1 and fresh.requested_by is None


def test_an_on_demand_publication_this_month_is_enough(staffed):
    bureau = staffed["a"]["county_bureau"]
    live = publish_roster(bureau, user=staffed["a"]["county_user"])
    tasks.publish_due_rosters()
    assert _live(bureau).pk == live.pk


def test_an_interval_of_0_publishes_on_demand_only(staffed):
    bureau = staffed["a"]["county_bureau"]
    _policy(bureau, 0)
    tasks.publish_due_rosters()
    with all_regions():
        assert not RosterPublication.objects.filter(bureau=bureau).exists()
        # Its city keeps the default of monthly.
        assert RosterPublication.objects.filter(bureau=staffed["a"]["city_bureau"]).exists()


def test_a_failing_bureau_neither_stops_the_others_nor_loses_its_live_roster(
    staffed, monkeypatch, caplog
):
    broken = staffed["a"]["county_bureau"]
    live = publish_roster(broken)
    _set_published_at(live, _months_ago(1))
    write = services._write

    def failing(publication, progress):
        if publication.bureau_id == broken.pk:
            raise RuntimeError("disk full")
        return write(publication, progress)

    monkeypatch.setattr(services, "_write", failing)
    with caplog.at_level(logging.ERROR, logger="publication.tasks"):
        result = tasks.publish_due_rosters()
    assert result["failed"] == [broken.pk]
    assert "disk full" in caplog.text
    assert _live(broken).pk == live.pk
    with all_regions():
        failed = RosterPublication.objects.get(bureau=broken, status=PublicationStatus.FAILED)
        assert "disk full" in failed.error
    assert _live(staffed["a"]["city_bureau"]).period
    assert _live(staffed["b"]["county_bureau"]).period
    # The next day's run retries the period's publication, which now goes live.
    monkeypatch.setattr(services, "_write", write)
    tasks.publish_due_rosters()
    assert _live(broken).pk == failed.pk


@pytest.mark.parametrize(
    ("earlier", "later", "months"),
    [
        (datetime.date(2026, 11, 30), datetime.date(2026, 12, 1), 1),
        (datetime.date(2026, 11, 1), datetime.date(2026, 11, 30), 0),
        (datetime.date(2025, 12, 31), datetime.date(2026, 3, 1), 3),
    ],
)
def test_months_between(earlier, later, months):
    assert tasks.months_between(earlier, later) == months


def test_the_beat_task_is_registered_under_its_scheduled_name():
    from mediation.celery import app

    app.loader.import_default_modules()
    assert "publication.tasks.publish_due_rosters" in app.tasks
