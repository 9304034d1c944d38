from types import SimpleNamespace

import pytest
from django.conf import settings
from django.template.loader import get_template
from django.utils import translation

from core.tenancy import all_regions
from publication import services
from publication.models import (
    PublicationStatus,
    PublishedCommittee,
    PublishedMediator,
    RosterPublication,
)
from publication.rows import RowHtml
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

    # After the committees are written: the whole snapshot goes.
    monkeypatch.setattr(services, "_write_mediators", broken)
    pending = services.request_publication(bureau)
    with pytest.raises(RuntimeError):
        services.publish(pending)
    with all_regions():
        assert RosterPublication.objects.get(pk=live.pk).status == PublicationStatus.LIVE
        assert RosterPublication.objects.get(pk=pending.pk).status == PublicationStatus.FAILED
        assert not PublishedCommittee.objects.filter(publication=pending).exists()


def test_a_scheduled_period_publishes_once(world, roster):
    bureau = world["a"]["county_bureau"]
    one = services.request_publication(bureau, period="2026-11")
    two = services.request_publication(bureau, period="2026-11")
    assert one.pk == two.pk
    services.publish(one)
    assert services.publish(two).status == PublicationStatus.LIVE


LINES = [
    # (name, full-time, level name, committee code and name, region label, expertise)
    ("王芳", True, "一级", "330602001001-01", "青山村调委会", "越城区 江福乡", "婚姻、邻里"),
    ('<b>O\'Neil & "Co"</b>', False, "", "甲 1&2", "A&B <调委会>", "", ""),
]


@pytest.mark.parametrize("line", LINES)
def test_a_stored_line_is_what_the_template_renders(world, line):
    """publication.rows writes public/_mediator_row.html without the template engine;
    the committee page still renders the template, so the two must not drift."""
    name, full_time, level_name, code, committee_name, label, expertise = line
    bureau = world["a"]["county_bureau"]
    row = SimpleNamespace(
        mediator_id=123456,
        name=name,
        full_time=full_time,
        level_name=level_name,
        committee=SimpleNamespace(code=code, name=committee_name, region_name="江福乡"),
        region_label=label,
        expertise_names=expertise,
    )
    with translation.override(settings.LANGUAGE_CODE):
        rendered = get_template("public/_mediator_row.html").render({"row": row, "bureau": bureau})
    written = RowHtml(bureau)(
        mediator_id=row.mediator_id,
        name=name,
        full_time=full_time,
        level_name=level_name,
        committee_code=code,
        committee_name=committee_name,
        region_label=label,
        region_name="江福乡",
        expertise_names=expertise,
    )
    assert written == rendered
