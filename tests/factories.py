"""Factories for every model. The isolation walker looks models up in FACTORIES to
create an object in a foreign bureau, so a new model must add its factory here."""

import datetime

import factory
from django.contrib.auth import get_user_model

from complaints.models import Complaint, ComplaintAttachment, IntegrityRecord
from core.models import Bureau, BureauLevel, Job, JudicialOffice, Policy, Region, Role, RoleKind
from core.personal import make_id_number
from core.regions import level_of, prefix_of
from core.tenancy import all_regions
from grading.models import Application, Eligibility, GradingRound, LevelChange, Objection
from mediation import services as case_services
from mediation.models import (
    Callback,
    CallbackDraw,
    Case,
    CaseFlag,
    DisputeType,
    QuarterlyTarget,
    RankingEntry,
    RankingSnapshot,
    ZeroReport,
)
from publication.models import RosterPublication
from registry.models import (
    Appointment,
    Committee,
    CommitteeTerm,
    CommitteeType,
    LeaveRecord,
    Mediator,
    Mentorship,
    MonthlyAttendance,
    TermWarning,
    TrainingAttendance,
    TrainingSession,
)


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"3306029{n % 100:02d}000")
    name = factory.Sequence(lambda n: f"测试区域{n}")
    level = factory.LazyAttribute(lambda o: level_of(o.code))
    prefix = factory.LazyAttribute(lambda o: prefix_of(o.code))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("pass-word-123")


class BureauFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Bureau

    name = factory.LazyAttribute(lambda o: f"{o.region.name}司法局")
    level = factory.LazyAttribute(
        lambda o: BureauLevel.COUNTY if o.region.level == "county" else BureauLevel.CITY
    )


class JudicialOfficeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JudicialOffice

    name = factory.LazyAttribute(lambda o: f"{o.region.name}司法所")
    bureau = factory.LazyAttribute(lambda o: Bureau.objects.get(region_id=o.region.parent_id))


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Role

    user = factory.SubFactory(UserFactory)
    kind = RoleKind.BUREAU_STAFF


class PolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Policy

    key = "training_min_sessions"
    value = 3


class JobFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Job

    kind = "export_roles"


class CommitteeFactory(factory.django.DjangoModelFactory):
    """A village committee by default: give ``region`` (a village) or another kind."""

    class Meta:
        model = Committee

    code = factory.Sequence(lambda n: f"TWH-{n:05d}")
    name = factory.LazyAttribute(lambda o: f"{o.region.name}人民调解委员会")
    kind = CommitteeType.VILLAGE
    founded_on = datetime.date(2015, 3, 1)
    address = "人民路1号"
    phone = "0575-88001234"


class MediatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mediator

    name = factory.Sequence(lambda n: f"调解员{n}")
    gender = "M"
    birth_date = datetime.date(1975, 6, 1)
    id_number = factory.Sequence(
        lambda n: make_id_number("330602", datetime.date(1975, 6, 1), n, "M")
    )
    phone = factory.Sequence(lambda n: f"139{n:08d}")
    education = "college"


class AppointmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Appointment

    post = "mediator"
    full_time = True
    paid_by = "bureau"
    starts_on = datetime.date(2022, 1, 1)
    region = factory.LazyAttribute(lambda o: o.committee.region)


class TrainingSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingSession

    title = factory.Sequence(lambda n: f"人民调解员培训{n}")
    kind = "all_staff"
    held_on = datetime.date(2025, 4, 10)
    hours = 4


def _mediator(world, side):
    return MediatorFactory(region=world[side]["township"])


def _committee(world, side):
    return CommitteeFactory(region=world[side]["village"], office=world[side]["office"])


def _appointment(world, side):
    return AppointmentFactory(mediator=_mediator(world, side), committee=_committee(world, side))


def _term(world, side):
    committee = _committee(world, side)
    return CommitteeTerm.objects.create(
        committee=committee,
        number=1,
        starts_on=datetime.date(2024, 1, 1),
        ends_on=datetime.date(2026, 12, 31),
        region=committee.region,
    )


def _attendance(world, side):
    mediator = _mediator(world, side)
    return TrainingAttendance.objects.create(
        session=TrainingSessionFactory(region=world[side]["county"]),
        mediator=mediator,
        region=mediator.region,
    )


def _monthly(world, side):
    appointment = _appointment(world, side)
    return MonthlyAttendance.objects.create(
        mediator=appointment.mediator,
        month=datetime.date(2025, 3, 1),
        days_present=20,
        region=appointment.mediator.region,
    )


def _mentorship(world, side):
    apprentice = _mediator(world, side)
    return Mentorship.objects.create(
        mentor=_mediator(world, side),
        apprentice=apprentice,
        starts_on=datetime.date(2025, 1, 1),
        region=apprentice.region,
    )


def _leave(world, side):
    mediator = _mediator(world, side)
    return LeaveRecord.objects.create(
        mediator=mediator,
        kind="sick",
        starts_on=datetime.date(2025, 3, 3),
        ends_on=datetime.date(2025, 3, 4),
        region=mediator.region,
    )


def _warning(world, side):
    term = _term(world, side)
    return TermWarning.objects.create(term=term, due_on=term.ends_on, region=term.region)


# A dispute has two sides at least (Party.check_count).
TWO_PARTIES = [{"role": "applicant", "name": "张三"}, {"role": "respondent", "name": "李四"}]


def make_case(committee, lead, **fields):
    """A case filed through the service, as pages and the API file them."""
    defaults = {
        "received_on": datetime.date(2025, 3, 10),
        "source": "application",
        "dispute_type": DisputeType.objects.get(code="neighbourhood"),
        "summary": "邻里之间因排水沟堵塞发生纠纷。",
        "lead_mediator": lead,
        "parties": TWO_PARTIES,
    }
    return case_services.file_case(committee=committee, **{**defaults, **fields})


def _case(world, side):
    appointment = _appointment(world, side)
    return make_case(appointment.committee, appointment.mediator)


def _callback(world, side):
    case = _case(world, side)
    return Callback.objects.create(case=case, region=case.region)


def _draw(world, side):
    bureau = world[side]["county_bureau"]
    return CallbackDraw.objects.create(
        bureau=bureau,
        month=datetime.date(2025, 3, 1),
        rate=0.15,
        seed=1,
        population=0,
        drawn=0,
        region=bureau.region,
    )


def _flag(world, side):
    case = _case(world, side)
    return CaseFlag.objects.create(
        case=case, kind="repeated_parties", reason="测试", region=case.region
    )


def _zero_report(world, side):
    committee = _committee(world, side)
    return ZeroReport.objects.create(
        committee=committee, month=datetime.date(2025, 4, 1), region=committee.region
    )


def _target(world, side):
    mediator = _mediator(world, side)
    return QuarterlyTarget.objects.create(
        mediator=mediator, year=2025, quarter=1, target=5, region=mediator.region
    )


def _snapshot(world, side, quarter=1):
    bureau = world[side]["county_bureau"]
    return RankingSnapshot.objects.create(
        bureau=bureau,
        year=2025,
        quarter=quarter,
        version=1,
        cutoff_at=datetime.datetime(2025, 4, 1, tzinfo=datetime.UTC),
        criteria=["successes", "success_rate", "satisfaction"],
        region=bureau.region,
    )


def _entry(world, side):
    snapshot = _snapshot(world, side, quarter=2)
    return RankingEntry.objects.create(
        snapshot=snapshot,
        mediator=_mediator(world, side),
        rank=1,
        cases=3,
        successes=2,
        success_rate=0.6667,
        target=2,
        under_target=False,
        region=snapshot.region,
    )


def publish_roster(bureau, user=None):
    """A live roster publication of *bureau*, written through the service."""
    from publication import services as publication_services

    return publication_services.publish(publication_services.request_publication(bureau, user=user))


def _publication(world, side):
    _appointment(world, side)
    return publish_roster(world[side]["county_bureau"])


def make_complaint(mediator=None, committee=None, **fields):
    """A complaint filed through the service; returns (complaint, secret code)."""
    from complaints import services as complaint_services

    defaults = {
        "name": "张三",
        "phone": "13800001111",
        "description": "调解时态度恶劣。",
        "channel": "online",
    }
    with all_regions():
        return complaint_services.file_complaint(
            mediator=mediator, committee=committee, **{**defaults, **fields}
        )


def _complaint(world, side):
    return make_complaint(mediator=_appointment(world, side).mediator)[0]


def _attachment(world, side):
    from django.core.files.base import ContentFile

    complaint = _complaint(world, side)
    with all_regions():
        return ComplaintAttachment.objects.create(
            complaint=complaint,
            file=ContentFile(b"%PDF-1.4 test", name="a.pdf"),
            content_type="application/pdf",
            original_name="a.pdf",
            size=13,
        )


def _job(world, side):
    """A job its unit's admin started (a job is its owner's: the walk needs one of the
    unit's users to reach it)."""
    admin = world[side]["county_admin"]
    with all_regions():
        role = Role.objects.get(user=admin)
    return JobFactory(region=role.region, created_by=admin, role=role)


def _integrity(world, side):
    mediator = _mediator(world, side)
    with all_regions():
        return IntegrityRecord.objects.create(
            mediator=mediator,
            kind="commendation",
            occurred_on=datetime.date(2025, 5, 1),
            title="优秀人民调解员",
            awarded_by="司法局",
        )


def _round(world, side):
    bureau = world[side]["county_bureau"]
    with all_regions():
        return GradingRound.objects.create(
            bureau=bureau,
            region=bureau.region,
            name=f"{bureau.name}2026年人民调解员等级评定",
            ranks=[3, 4],
            cutoff_on=datetime.date(2025, 12, 31),
            applications_open_on=datetime.date(2026, 1, 1),
            applications_close_on=datetime.date(2026, 1, 31),
            effective_on=datetime.date(2026, 4, 1),
            status="applications",
        )


def _eligibility(world, side):
    mediator = _appointment(world, side).mediator
    with all_regions():
        return Eligibility.objects.create(
            round=_round(world, side),
            mediator=mediator,
            serving=True,
            record_complete=True,
            years=4,
            cases=60,
            successes=55,
            success_rate=55 / 60,
            oral_share=0.1,
            difficult=3,
            training_sessions=2,
            training_hours=8,
            satisfaction=4.5,
            complaints=0,
            criminal=0,
            checks={"basic": {"serving": True}, "4": {"cases": True}},
            qualified_rank=4,
        )


def _application(world, side):
    mediator = _appointment(world, side).mediator
    with all_regions():
        return Application.objects.create(
            round=_round(world, side), mediator=mediator, rank=4, source="applied"
        )


def _objection(world, side):
    application = _application(world, side)
    with all_regions():
        return Objection.objects.create(
            round=application.round,
            application=application,
            phone="13900001111",
            text="对公示人选有异议。",
        )


def _level_change(world, side):
    mediator = _mediator(world, side)
    with all_regions():
        return LevelChange.objects.create(
            mediator=mediator,
            to_rank=4,
            to_name="四级",
            decision="司法局决定",
            reason="等级调整",
            effective_on=datetime.date(2026, 1, 1),
        )


def make_round(bureau, *, status="notice", ranks=(3, 4), **fields):
    """A grading round of *bureau* written as stored (the services' tests walk the
    workflow); by default in its public notice, running today."""
    today = datetime.date.today()
    defaults = {
        "name": f"{bureau.name}{today.year}年调解员等级评定",
        "cutoff_on": today - datetime.timedelta(days=60),
        "applications_open_on": today - datetime.timedelta(days=50),
        "applications_close_on": today - datetime.timedelta(days=30),
        "notice_starts_on": today - datetime.timedelta(days=1),
        "notice_ends_on": today + datetime.timedelta(days=5),
        "effective_on": today + datetime.timedelta(days=30),
    }
    with all_regions():
        return GradingRound.objects.create(
            bureau=bureau,
            region=bureau.region,
            ranks=list(ranks),
            status=status,
            **{**defaults, **fields},
        )


# Model → callable(world, side) creating one object owned by that side of the world
# ("a" or "b"); used by the isolation walker.
FACTORIES = {
    Region: lambda world, side: world[side]["township"],
    Bureau: lambda world, side: world[side]["county_bureau"],
    JudicialOffice: lambda world, side: world[side]["office"],
    Role: lambda world, side: world[side]["clerk_role"],
    get_user_model(): lambda world, side: world[side]["clerk_user"],
    Policy: lambda world, side: PolicyFactory(
        bureau=world[side]["county_bureau"], region=world[side]["county_bureau"].region
    ),
    Job: _job,
    Committee: _committee,
    Mediator: _mediator,
    Appointment: _appointment,
    CommitteeTerm: _term,
    TermWarning: _warning,
    TrainingSession: lambda world, side: TrainingSessionFactory(region=world[side]["county"]),
    TrainingAttendance: _attendance,
    Mentorship: _mentorship,
    MonthlyAttendance: _monthly,
    LeaveRecord: _leave,
    Case: _case,
    Callback: _callback,
    CallbackDraw: _draw,
    CaseFlag: _flag,
    ZeroReport: _zero_report,
    QuarterlyTarget: _target,
    RankingSnapshot: _snapshot,
    RankingEntry: _entry,
    RosterPublication: _publication,
    Complaint: _complaint,
    ComplaintAttachment: _attachment,
    IntegrityRecord: _integrity,
    GradingRound: _round,
    Eligibility: _eligibility,
    Application: _application,
    Objection: _objection,
    LevelChange: _level_change,
}

# The annual evaluation's objects (tests/evaluation_factories.py, kept apart so each
# app's factories stay in a file of their own).
from tests.evaluation_factories import EVALUATION_FACTORIES  # noqa: E402

FACTORIES.update(EVALUATION_FACTORIES)

# Subsidies' factories live in their own module (tests/subsidies_factories.py).
from tests.subsidies_factories import SUBSIDY_FACTORIES  # noqa: E402

FACTORIES.update(SUBSIDY_FACTORIES)


# The apps above grading keep their factories in files of their own, joined here.
from tests.caselibrary_factories import FACTORIES as _CASELIBRARY  # noqa: E402
from tests.honours_factories import FACTORIES as _HONOURS  # noqa: E402

FACTORIES.update(_HONOURS)
FACTORIES.update(_CASELIBRARY)

# Subsidies' finance side, in one block.
from subsidies.models.budget import Budget  # noqa: E402


def _budget(world, side):
    bureau = world[side]["county_bureau"]
    return Budget.objects.create(
        bureau=bureau, region=bureau.region, year=2026, fund="base", amount=180000
    )


FACTORIES[Budget] = _budget
