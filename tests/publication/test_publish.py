import pytest

from core.tenancy import all_regions
from publication import services
from publication.models import PublicationStatus, PublishedMediator, RosterPublication
from tests.factories import AppointmentFactory, CommitteeFactory, MediatorFactory, publish_roster


@pytest.fixture
def roster(world):
    with all_regions():
        committee = CommitteeFactory(region=world["a"]["village"], office=world["a"]["office"])
        return [
            AppointmentFactory(
                mediator=MediatorFactory(region=world["a"]["township"]), committee=committee
            )
            for _ in range(3)
        ]


def test_publishing_writes_public_fields_and_supersedes_the_live_version(world, roster):
    bureau = world["a"]["county_bureau"]
    first = publish_roster(bureau)
    assert first.status == PublicationStatus.LIVE and first.mediator_count == 3
    second = publish_roster(bureau)
    with all_regions():
        first.refresh_from_db()
        assert first.status == PublicationStatus.SUPERSEDED
        assert second.version == first.version + 1
        assert PublishedMediator.objects.filter(publication=second).count() == 3


def test_a_failed_publication_leaves_the_previous_one_live(world, roster, monkeypatch):
    bureau = world["a"]["county_bureau"]
    live = publish_roster(bureau)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(PublishedMediator.objects, "bulk_create", broken)
    pending = services.request_publication(bureau)
    with pytest.raises(RuntimeError):
        services.publish(pending)
    with all_regions():
        assert RosterPublication.objects.get(pk=live.pk).status == PublicationStatus.LIVE
        assert RosterPublication.objects.get(pk=pending.pk).status == PublicationStatus.FAILED


def test_a_scheduled_period_publishes_once(world, roster):
    bureau = world["a"]["county_bureau"]
    one = services.request_publication(bureau, period="2026-11")
    two = services.request_publication(bureau, period="2026-11")
    assert one.pk == two.pk
    services.publish(one)
    assert services.publish(two).status == PublicationStatus.LIVE
