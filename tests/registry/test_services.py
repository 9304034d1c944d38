"""The roster's rules, at the level of models and services (pages, API and imports
all end here)."""

import datetime
import os
import time

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection

from core.personal import make_id_number
from core.services import set_policy
from core.tenancy import all_regions, jurisdiction
from registry import services
from registry.models import (
    Appointment,
    CommitteeStatus,
    CommitteeType,
    ExitReason,
    Mediator,
    MediatorStatus,
    TermWarning,
)
from registry.tasks import purge_stale_imports
from tests.factories import AppointmentFactory, CommitteeFactory, MediatorFactory

TODAY = datetime.date.today()


@pytest.fixture
def a(world):
    unit = world["a"]
    with jurisdiction(unit["county"].prefix):
        yield unit


def _committee(unit, **kwargs):
    return CommitteeFactory(region=unit["village"], office=unit["office"], **kwargs)


def test_personal_numbers_are_ciphertext_in_the_database(a):
    mediator = MediatorFactory(region=a["township"], bank_account="6222021234567890123")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id_number, phone, bank_account, id_number_digest FROM registry_mediator "
            "WHERE id = %s",
            [mediator.pk],
        )
        row = cursor.fetchone()
    for clear, stored in zip(
        (mediator.id_number, mediator.phone, mediator.bank_account), row[:3], strict=True
    ):
        assert clear not in stored and stored.startswith("gAAAAA")
    assert mediator.id_number not in row[3]
    assert Mediator.objects.get(pk=mediator.pk).id_number == mediator.id_number


def test_the_audit_trail_does_not_copy_personal_numbers(a):
    mediator = MediatorFactory(region=a["township"])
    mediator.phone = "13800001111"
    mediator.save()
    entries = LogEntry.objects.get_for_object(mediator)
    text = str([entry.changes for entry in entries])
    assert mediator.id_number not in text and "13800001111" not in text
    assert "phone" in entries.first().changes  # the change itself is recorded


def test_id_number_must_agree_with_birth_date_and_gender(a):
    number = make_id_number("330602", datetime.date(1980, 5, 17), 3, "F")
    mediator = Mediator(
        name="张三", id_number=number, gender="M", birth_date=datetime.date(1980, 5, 18)
    )
    mediator.region = a["township"]
    with pytest.raises(ValidationError) as excinfo:
        mediator.full_clean()
    assert set(excinfo.value.message_dict) == {"gender", "birth_date"}


def test_birth_date_and_gender_are_read_from_the_id_number_when_left_blank(a):
    number = make_id_number("330602", datetime.date(1980, 5, 17), 3, "F")
    mediator = Mediator(name="李四", id_number=number, region=a["township"])
    mediator.full_clean()
    assert mediator.birth_date == datetime.date(1980, 5, 17) and mediator.gender == "F"


def test_an_id_number_registered_in_another_bureau_is_a_duplicate(world, a):
    with all_regions():
        other = MediatorFactory(region=world["b"]["township"])
    copy = Mediator(name="王五", id_number=other.id_number.lower(), region=a["township"])
    with pytest.raises(ValidationError) as excinfo:
        copy.full_clean()
    assert list(excinfo.value.message_dict) == ["id_number"]


def test_one_full_time_post_at_a_time(a):
    mediator = MediatorFactory(region=a["township"])
    services.appoint(
        mediator,
        _committee(a),
        starts_on=datetime.date(2024, 1, 1),
        post="mediator",
        full_time=True,
        paid_by="bureau",
    )
    with pytest.raises(ValidationError) as excinfo:
        services.appoint(
            mediator,
            _committee(a),
            starts_on=datetime.date(2025, 1, 1),
            post="mediator",
            full_time=True,
            paid_by="court",
        )
    assert list(excinfo.value.message_dict) == ["full_time"]
    # A part-time post beside it is fine.
    services.appoint(mediator, _committee(a), starts_on=TODAY, post="member")
    assert Appointment.objects.filter(mediator=mediator).count() == 2


def test_an_appointment_cannot_end_before_it_starts(a):
    appointment = AppointmentFactory(
        mediator=MediatorFactory(region=a["township"]), committee=_committee(a)
    )
    with pytest.raises(ValidationError) as excinfo:
        services.end_appointment(
            appointment,
            on=appointment.starts_on - datetime.timedelta(days=1),
            reason=ExitReason.HEALTH,
        )
    assert "ends_on" in excinfo.value.message_dict
    appointment.refresh_from_db()
    assert appointment.ends_on is None


def test_a_transfer_ends_the_old_post_and_keeps_it_in_the_career(a):
    old = AppointmentFactory(
        mediator=MediatorFactory(region=a["township"]), committee=_committee(a)
    )
    target = _committee(a)
    new = services.transfer(old, target, on=datetime.date(2025, 7, 1))
    old.refresh_from_db()
    assert old.ends_on == datetime.date(2025, 6, 30) and old.exit_reason == ExitReason.TRANSFER
    assert new.committee == target and new.full_time and new.ends_on is None
    assert old.mediator.appointments.count() == 2


def test_dismissal_ends_every_post_and_the_mediator_leaves(a):
    mediator = MediatorFactory(region=a["township"])
    AppointmentFactory(mediator=mediator, committee=_committee(a))
    AppointmentFactory(mediator=mediator, committee=_committee(a), full_time=False)
    services.exit_mediator(mediator, on=TODAY, reason=ExitReason.DISMISSAL, note="投诉查实")
    assert not Appointment.objects.filter(mediator=mediator, ends_on__isnull=True).exists()
    mediator.refresh_from_db()
    assert mediator.status == MediatorStatus.LEFT


def test_deregistering_keeps_the_committee_and_ends_its_posts(a):
    committee = _committee(a)
    AppointmentFactory(mediator=MediatorFactory(region=a["township"]), committee=committee)
    with pytest.raises(ValidationError):
        services.deregister_committee(committee, on=TODAY, reason="  ")
    services.deregister_committee(committee, on=TODAY, reason="长期不开展工作")
    committee.refresh_from_db()
    assert committee.status == CommitteeStatus.DEREGISTERED
    post = committee.appointments.get()
    assert post.exit_reason == ExitReason.COMMITTEE_DEREGISTERED
    with pytest.raises(ValidationError):
        services.appoint(
            MediatorFactory(region=a["township"]), committee, starts_on=TODAY, post="member"
        )


def test_type_specific_fields_are_required(a):
    committee = CommitteeFactory.build(
        region=a["county"], kind=CommitteeType.INDUSTRY, code="IND-0001"
    )
    with pytest.raises(ValidationError) as excinfo:
        committee.full_clean()
    assert "industry_field" in excinfo.value.message_dict
    village_level = CommitteeFactory.build(
        region=a["county"], kind=CommitteeType.VILLAGE, code="VIL-0001"
    )
    with pytest.raises(ValidationError) as excinfo:
        village_level.full_clean()
    assert "region" in excinfo.value.message_dict


def test_terms_last_the_bureaus_term_length_and_warn_before_they_end(world, a):
    committee = _committee(a)
    first = services.add_term(committee, starts_on=TODAY - datetime.timedelta(days=3 * 365 - 30))
    assert first.number == 1
    assert (first.ends_on - first.starts_on).days in (3 * 365 - 1, 3 * 365)
    assert services.raise_term_warnings() == 1
    assert services.raise_term_warnings() == 0  # idempotent
    warning = TermWarning.objects.get()
    assert warning.due_on == first.ends_on and warning.resolved_at is None
    # Written in bulk, audited as a save would be.
    raised = LogEntry.objects.get_for_object(warning).get()
    assert raised.action == LogEntry.Action.CREATE and raised.actor is None
    assert raised.changes_dict["due_on"] == [None, str(first.ends_on)]
    assert raised.changes_dict["term"] == [None, first.pk]
    second = services.add_term(committee, starts_on=first.ends_on + datetime.timedelta(days=1))
    assert second.number == 2
    warning.refresh_from_db()
    assert warning.resolved_at is not None


def test_a_bureaus_shorter_warning_period_is_respected(world, a):
    with all_regions():
        set_policy(world["a"]["county_bureau"], "term_warning_days", 10)
    committee = _committee(a)
    services.add_term(
        committee,
        starts_on=TODAY - datetime.timedelta(days=400),
        ends_on=TODAY + datetime.timedelta(days=30),
    )
    assert services.raise_term_warnings() == 0
    assert services.raise_term_warnings(TODAY + datetime.timedelta(days=21)) == 1


def test_the_governing_bureau_is_the_deepest(world):
    assert services.governing_bureau(world["a"]["village"].code) == world["a"]["county_bureau"]
    assert services.governing_bureau("330699001000") == world["a"]["city_bureau"]
    assert services.governing_bureau("110101001000") is None


def test_unique_fields_are_checked_across_every_jurisdiction(world, a):
    with all_regions():
        foreign = CommitteeFactory(region=world["b"]["village"])
    copy = CommitteeFactory.build(region=a["village"], code=foreign.code)
    with pytest.raises(ValidationError) as excinfo:
        copy.full_clean()
    assert list(excinfo.value.message_dict) == ["code"]


def test_checked_imports_never_imported_are_purged(settings):
    old = default_storage.save("imports/old.xlsx", ContentFile(b"x"))
    new = default_storage.save("imports/new.xlsx", ContentFile(b"x"))
    day_ago = time.time() - 25 * 3600
    os.utime(default_storage.path(old), (day_ago, day_ago))
    assert purge_stale_imports() == 1
    assert not default_storage.exists(old) and default_storage.exists(new)


def test_a_rejected_number_does_not_stop_later_reads_from_decrypting(a):
    """Regression: the encryption library left its field flagged "already decrypted"
    after a failed validation, and every later read returned ciphertext."""
    stored = MediatorFactory(region=a["township"])
    bad = Mediator(name="错号", id_number="110105194912310021", region=a["township"])
    with pytest.raises(ValidationError):
        bad.full_clean()
    assert Mediator.objects.get(pk=stored.pk).id_number == stored.id_number
