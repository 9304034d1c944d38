"""Staff pages of the roster publication: the versions, the preview with its
confirmation (a job), and a version's record."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from core.models import Job, JobStatus
from core.tenancy import all_regions
from publication.models import PublicationStatus, RosterPublication
from tests.factories import AppointmentFactory, CommitteeFactory, MediatorFactory, publish_roster

LIST = reverse("publication:publication_list")
NEW = reverse("publication:publication_preview")


def _staff(world, side="a", count=3):
    with all_regions():
        committee = CommitteeFactory(region=world[side]["village"], office=world[side]["office"])
        return [
            AppointmentFactory(
                mediator=MediatorFactory(region=world[side]["township"]), committee=committee
            )
            for _ in range(count)
        ]


@pytest.fixture
def roster(world):
    return _staff(world)


def test_the_preview_shows_counts_and_only_public_fields(world, roster, login):
    client = login(world["a"]["county_user"])
    response = client.get(NEW)
    assert response.status_code == 200
    preview = response.context["preview"]
    assert (preview["mediator_count"], preview["committee_count"]) == (3, 1)
    assert (preview["added"], preview["removed"], preview["live"]) == (3, 0, None)
    html = response.content.decode()
    sample = response.context["sample"]
    assert len(sample) == 3
    assert set(sample[0]) == {
        "name",
        "gender",
        "level",
        "committee",
        "region",
        "expertise",
        "named_room",
        "full_time",
        "appointed_since",
        "has_photo",
    }
    for post in roster:
        assert post.mediator.name in html
        assert post.mediator.id_number not in html
        assert post.mediator.phone not in html
        assert "1975-06-01" not in html  # birth date


def test_confirming_publishes_through_a_job_and_supersedes_the_live_version(
    world, roster, login, django_capture_on_commit_callbacks
):
    first = publish_roster(world["a"]["county_bureau"])
    with all_regions():
        AppointmentFactory(
            mediator=MediatorFactory(region=world["a"]["township"]), committee=roster[0].committee
        )
    user = world["a"]["county_user"]
    client = login(user)
    preview = client.get(NEW).context["preview"]
    assert (preview["mediator_count"], preview["added"], preview["removed"]) == (4, 1, 0)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(NEW, {"confirm": "True"})
    with all_regions():
        job = Job.objects.get(kind="roster_publication")
        new = RosterPublication.objects.get(bureau=world["a"]["county_bureau"], version=2)
        first.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == reverse("core:job_detail", args=[job.uuid])
    assert job.status == JobStatus.DONE, job.message
    assert job.result["version"] == 2
    assert job.result["mediator_count"] == 4 and job.result["committee_count"] == 1
    assert new.status == PublicationStatus.LIVE and new.requested_by == user
    assert first.status == PublicationStatus.SUPERSEDED
    html = client.get(LIST).content.decode()
    assert user.username in html and "v2" in html


def test_publishing_needs_the_confirmation(world, roster, login):
    client = login(world["a"]["county_user"])
    response = client.post(NEW, {})
    assert response.status_code == 200
    assert response.context["form"].errors["confirm"]
    with all_regions():
        assert not RosterPublication.objects.exists()


def test_a_clerk_may_list_but_not_publish(world, roster, login):
    client = login(world["a"]["clerk_user"])
    assert client.get(LIST).status_code == 200
    assert client.post(NEW, {"confirm": "True"}).status_code == 403
    assert client.get(NEW).status_code == 403
    with all_regions():
        assert not RosterPublication.objects.exists()
    assert 'data-testid="publish"' not in client.get(LIST).content.decode()


def test_a_city_user_publishes_the_city_roster(
    world, roster, login, django_capture_on_commit_callbacks
):
    client = login(world["a"]["city_user"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(NEW, {"confirm": "True"})
    with all_regions():
        publication = RosterPublication.objects.get()
    assert publication.bureau == world["a"]["city_bureau"]
    assert publication.mediator_count == 3  # the city's roster covers its counties


def test_the_detail_shows_the_record_and_its_history(world, roster, login):
    publication = publish_roster(world["a"]["county_bureau"], user=world["a"]["county_user"])
    response = login(world["a"]["county_user"]).get(publication.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "v1" in html and world["a"]["county_user"].username in html
    assert response.context["history"]  # the audit trail of the publication
    try:
        public = reverse("public:search", args=[world["a"]["county"].code])
    except NoReverseMatch:
        public = None  # the public pages are not wired in yet
    if public:
        assert public in html


def test_a_scheduled_publication_says_so(world, roster, login):
    from publication import services

    bureau = world["a"]["county_bureau"]
    services.publish(services.request_publication(bureau, period="2026-01"))
    html = login(world["a"]["county_user"]).get(LIST).content.decode()
    assert "2026-01" in html


def test_foreign_publications_are_404(world, roster, login):
    _staff(world, "b")
    _staff(world, "a2")
    foreign = publish_roster(world["b"]["county_bureau"])
    sibling = publish_roster(world["a2"]["county_bureau"])
    client = login(world["a"]["county_user"])
    assert client.get(foreign.get_absolute_url()).status_code == 404
    assert client.get(sibling.get_absolute_url()).status_code == 404
    html = client.get(LIST).content.decode()
    assert foreign.get_absolute_url() not in html and sibling.get_absolute_url() not in html


def _publications(world, count):
    bureau = world["a"]["county_bureau"]
    users = [world["a"]["county_user"], world["a"]["county_admin"], None]
    with all_regions():
        start = RosterPublication.objects.filter(bureau=bureau).count()
        for n in range(start + 1, start + count + 1):
            RosterPublication.objects.create(
                bureau=bureau,
                version=n,
                status=PublicationStatus.FAILED if n % 5 == 0 else PublicationStatus.SUPERSEDED,
                requested_by=users[n % 3],
                published_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
                mediator_count=n,
                error="boom" if n % 5 == 0 else "",
            )


def test_the_list_query_count_is_constant(world, login):
    client = login(world["a"]["county_user"])
    _publications(world, 2)
    client.get(LIST)
    with CaptureQueriesContext(connection) as few:
        assert client.get(LIST).status_code == 200
    _publications(world, 18)
    with CaptureQueriesContext(connection) as many:
        response = client.get(LIST)
    assert len(response.context["object_list"]) == 20
    assert len(many) == len(few)
    assert "boom" in response.content.decode()
