import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from complaints import services
from complaints.models import ComplaintStatus, IntegrityRecord
from core.models import Role
from core.tenancy import all_regions
from registry.models import Appointment, MediatorStatus
from tests.factories import AppointmentFactory, CommitteeFactory, MediatorFactory, make_complaint


@pytest.fixture
def post(world):
    with all_regions():
        committee = CommitteeFactory(region=world["a"]["village"], office=world["a"]["office"])
        mediator = MediatorFactory(region=world["a"]["township"])
        return AppointmentFactory(mediator=mediator, committee=committee)


def _role(user):
    with all_regions():
        return Role.objects.get(user=user)


def test_filing_routes_to_the_appointing_office_with_a_working_day_deadline(world, post):
    complaint, code = make_complaint(mediator=post.mediator, received_on=datetime.date(2026, 9, 28))
    assert complaint.status == ComplaintStatus.ASSIGNED
    assert complaint.assigned_office == world["a"]["office"]
    assert complaint.region_id == post.committee.region_id
    # 15 working days from 28 September 2026 skip the National Day week (1–7 Oct) and
    # count the make-up Saturday 10 October.
    assert complaint.due_on == datetime.date(2026, 10, 23)
    assert not complaint.due_provisional
    assert len(code) == 8 and complaint.secret_hash != code
    assert services.find_for_complainant(complaint.tracking_number, code) == complaint
    assert services.find_for_complainant(complaint.tracking_number, "WRONGCOD") is None


def test_a_year_the_calendar_does_not_know_is_provisional_until_entered(world, post):
    from core.models import WorkdaySchedule

    complaint, _ = make_complaint(mediator=post.mediator, received_on=datetime.date(2026, 12, 28))
    assert complaint.due_provisional
    with all_regions():
        WorkdaySchedule.objects.create(year=2027, holidays=["2027-01-01"], workdays=[])
    assert services.recompute_provisional_deadlines() == 1
    with all_regions():
        complaint.refresh_from_db()
    assert not complaint.due_provisional


def test_dismissal_ends_posts_and_enters_the_integrity_file(world, post):
    complaint, _ = make_complaint(mediator=post.mediator)
    role = _role(world["a"]["county_user"])
    with all_regions():
        services.start_verification(complaint, note="核实属实")
        services.conclude(complaint, role=role, finding="founded", sanction="dismissal")
        post.refresh_from_db()
        post.mediator.refresh_from_db()
        kinds = set(
            IntegrityRecord.objects.filter(mediator=post.mediator).values_list("kind", flat=True)
        )
        assert complaint.status == ComplaintStatus.CONCLUDED
        assert post.ends_on == datetime.date.today()
        assert post.exit_reason == "dismissal"
        assert complaint.tracking_number in post.exit_note
        assert post.mediator.status == MediatorStatus.LEFT
        assert kinds == {"complaint", "sanction"}
        services.answer(complaint, text="经核实，已解聘该调解员。")
        assert complaint.status == ComplaintStatus.ANSWERED


def test_a_clerk_cannot_dismiss(world, post):
    complaint, _ = make_complaint(mediator=post.mediator)
    with all_regions():
        services.start_verification(complaint)
        with pytest.raises(PermissionDenied):
            services.conclude(
                complaint,
                role=_role(world["a"]["clerk_user"]),
                finding="founded",
                sanction="dismissal",
            )
        with pytest.raises(ValidationError):
            services.conclude(
                complaint,
                role=_role(world["a"]["clerk_user"]),
                finding="unfounded",
                sanction="warning",
            )
        assert Appointment.objects.filter(pk=post.pk, ends_on__isnull=True).exists()
