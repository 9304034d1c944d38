"""Case filing and workflow rules at the service level (pages, API and import call
these services)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.tenancy import all_regions, jurisdiction
from mediation import services
from mediation.models import Case, CaseStatus
from tests.factories import (
    AppointmentFactory,
    CommitteeFactory,
    MediatorFactory,
    make_case,
)

TODAY = datetime.date.today()


@pytest.fixture
def a(world):
    unit = world["a"]
    with jurisdiction(unit["county"].prefix):
        yield unit


@pytest.fixture
def post(a):
    committee = CommitteeFactory(region=a["village"], office=a["office"])
    return AppointmentFactory(mediator=MediatorFactory(region=a["township"]), committee=committee)


def test_numbers_are_per_bureau_and_year_and_gap_free(a, post):
    first = make_case(post.committee, post.mediator)
    second = make_case(post.committee, post.mediator)
    other_year = make_case(post.committee, post.mediator, received_on=datetime.date(2024, 5, 1))
    assert (first.sequence, second.sequence, other_year.sequence) == (1, 2, 1)
    assert first.number == "330602-2025-00001" and first.bureau == a["county_bureau"]
    with pytest.raises(ValidationError):
        make_case(post.committee, post.mediator, amount=-1)
    assert make_case(post.committee, post.mediator).sequence == 3  # the refused one took none


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"received_on": TODAY + datetime.timedelta(days=1)}, "received_on"),
        ({"received_on": datetime.date(2015, 1, 1)}, "received_on"),  # before founding
        ({"received_on": datetime.date(2021, 6, 1)}, "lead_mediator"),  # not yet appointed
        ({"amount": -5}, "amount"),
    ],
)
def test_bad_cases_are_refused_with_a_field_error(a, post, fields, field):
    with pytest.raises(ValidationError) as excinfo:
        make_case(post.committee, post.mediator, **fields)
    assert field in excinfo.value.message_dict
    assert not Case.objects.exists()


def test_a_mediator_of_another_committee_cannot_assist(a, post):
    stranger = MediatorFactory(region=a["township"])
    with pytest.raises(ValidationError) as excinfo:
        make_case(post.committee, post.mediator, assistants=[stranger])
    assert list(excinfo.value.message_dict) == ["assistants"]


def test_the_workflow_and_reopening(a, post):
    case = make_case(post.committee, post.mediator)
    services.start_mediation(case)
    with pytest.raises(ValidationError) as excinfo:
        services.close_case(case, closed_on=TODAY)
    assert "result" in excinfo.value.message_dict
    case.refresh_from_db()
    assert case.status == CaseStatus.MEDIATING
    services.close_case(case, closed_on=TODAY, result="success", agreement_form="written")
    with all_regions():
        clerk = a["clerk_role"]
        staff = a["county_bureau"].roles.get(kind="bureau_staff")
    with pytest.raises(PermissionDenied):
        services.reopen_case(case, reason="当事人反悔", role=clerk)
    services.reopen_case(case, reason="当事人反悔", role=staff)
    case.refresh_from_db()
    assert case.status == CaseStatus.MEDIATING and case.result == ""
