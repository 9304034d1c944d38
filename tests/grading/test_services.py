"""Grading at the service level: eligibility figures, the round's workflow, quotas,
objections and level changes, and every bad input of the issue refused with a Chinese
message beside its field, writing nothing."""

import datetime
import re
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import override

from complaints.models import IntegrityRecord
from core.tenancy import all_regions, jurisdiction
from grading import services, tasks
from grading.models import (
    Application,
    ApplicationStatus,
    Eligibility,
    GradingRound,
    LevelChange,
    Objection,
    RoundStatus,
)
from registry.models import Mediator
from tests.factories import make_case
from tests.grading_county import TODAY, close_case, county_round, role_of

CJK = re.compile(r"[\u4e00-\u9fff]")
pytestmark = pytest.mark.django_db


def _refused(call, field=None):
    """The call's ValidationError, in Chinese, with its message under *field*."""
    with override("zh-hans"), pytest.raises(ValidationError) as caught:
        call()
        return None
    error = caught.value
    messages = (
        error.message_dict.get(field or NON_FIELD_ERRORS)
        if field or hasattr(error, "error_dict")
        else error.messages
    )
    assert messages, error
    assert all(CJK.search(str(m)) for m in messages), messages
    return messages


def _computed(world, **fields):
    round_ = county_round(world, **fields)
    services.compute_eligibility(round_)
    round_.refresh_from_db()
    return round_


def _row(round_, mediator):
    return Eligibility.objects.get(round=round_, mediator=mediator)


# --- Eligibility ---------------------------------------------------------------------


def test_eligibility_gives_each_criterion_its_value_and_pass_or_fail(world, county):
    with county.scope():
        good = county.mediator(cases=5, failed=1, oral=1, difficult=2, satisfaction=4)
        few = county.mediator(cases=2, difficult=0)
        round_ = _computed(world)
        row = _row(round_, good)
        assert (row.cases, row.successes, row.difficult) == (5, 4, 2)
        assert row.success_rate == pytest.approx(0.8) and row.oral_share == pytest.approx(0.2)
        assert row.years == Decimal("5.4") and row.satisfaction == pytest.approx(4.0)
        assert (row.training_sessions, row.training_hours) == (2, Decimal("8.0"))
        assert row.record_complete and row.serving
        assert row.passes(3) and row.qualified_rank == 3
        short = _row(round_, few)
        assert short.checks["3"]["cases"] is False and short.checks["3"]["difficult"] is False
        assert short.checks["4"]["cases"] is True
        assert short.qualified_rank == 4
        assert set(short.failed(3)) == {"cases", "difficult"}


def test_a_founded_complaint_or_a_dispute_turned_criminal_bars_every_level(world, county):
    with county.scope():
        complained = county.mediator()
        criminal = county.mediator()
        old = county.mediator()
        for mediator, kind, on in [
            (complained, "complaint", datetime.date(2026, 1, 1)),
            (criminal, "turned_criminal", datetime.date(2024, 1, 1)),
            (old, "complaint", datetime.date(2023, 1, 1)),  # outside the 2-year window
        ]:
            IntegrityRecord.objects.create(
                mediator=mediator, kind=kind, occurred_on=on, title="记录", region=mediator.region
            )
        round_ = _computed(world)
        assert _row(round_, complained).checks["basic"]["no_complaint"] is False
        assert _row(round_, complained).qualified_rank is None
        assert _row(round_, criminal).checks["basic"]["no_criminal"] is False
        assert _row(round_, old).qualified_rank == 3


def test_an_incomplete_record_or_missing_training_is_a_basic_condition(world, county):
    with county.scope():
        incomplete = county.mediator(background="")
        untrained = county.mediator(trained=1)
        round_ = _computed(world)
        assert _row(round_, incomplete).checks["basic"]["record"] is False
        assert _row(round_, untrained).checks["basic"]["trained"] is False
        assert _row(round_, untrained).qualified_rank is None


def test_eligibility_at_the_same_cut_off_gives_the_same_list(world, county):
    with county.scope():
        for cases in (1, 3, 5):
            county.mediator(cases=cases)
        round_ = _computed(world)
        fields = ["mediator_id", "cases", "successes", "years", "checks", "qualified_rank"]
        first = list(
            Eligibility.objects.filter(round=round_).order_by("mediator_id").values(*fields)
        )
        # Records after the cut-off change nothing; neither does computing again.
        mediator = Mediator.objects.order_by("pk").first()
        case = make_case(county.committee, mediator, received_on=datetime.date(2026, 7, 2))
        close_case(case, on=datetime.date(2026, 7, 3))
        services.compute_eligibility(round_)
        again = list(
            Eligibility.objects.filter(round=round_).order_by("mediator_id").values(*fields)
        )
        assert again == first and len(first) == 3
        # The quota counts the list by the size stored with it.
        round_.refresh_from_db()
        assert round_.listed == 3


def test_eligibility_runs_a_fixed_number_of_queries(world, county, django_assert_max_num_queries):
    with county.scope():
        for _n in range(3):
            county.mediator()
        round_ = county_round(world)
        with django_assert_max_num_queries(20):
            services.compute_eligibility(round_)
        for _n in range(5):
            county.mediator()
        with django_assert_max_num_queries(20):
            services.compute_eligibility(round_)


def test_the_eligibility_job_reports_progress_and_its_result(world, county):
    with county.scope():
        county.mediator()
        round_ = county_round(world)
        job = services.start_eligibility_job(role_of(world["a"]["county_user"]), round_)
        # start_job queues the task when the transaction commits; the test runs it.
        tasks.compute_round_eligibility(job.pk, role_id=job.role_id, round=round_.pk)
        job.refresh_from_db()
        assert job.status == "done", job.message
        assert job.result == {"round": round_.pk, "mediators": 1}
        assert job.done == job.total == 1


# --- The workflow --------------------------------------------------------------------


def _to_panel(world, round_, mediator, rank, user):
    with all_regions():
        services.open_applications(round_)
    application = services.apply(round_, mediator, rank, user=user, today=TODAY)
    services.committee_check(application, user=user)
    services.office_review(application, user=user)
    round_.refresh_from_db()
    services.start_review(round_)
    services.to_panel(round_)
    return application


def test_a_round_runs_from_eligibility_to_levels_in_effect(world, county):
    with county.scope():
        user = world["a"]["county_user"]
        mediator = county.mediator()
        others = [county.mediator() for _n in range(3)]  # room under the 30 % quota
        round_ = _computed(world)
        application = _to_panel(world, round_, mediator, 3, user)
        assert services.places_left(round_)[3].left == 1
        services.decide(application, approve=True, user=user, note="符合条件")
        assert services.places_left(round_)[3].left == 0
        round_ = services.publish_notice(round_, starts_on=TODAY, today=TODAY)
        assert (round_.status, round_.notice_ends_on) == (
            RoundStatus.NOTICE,
            datetime.date(2026, 7, 7),
        )
        application.refresh_from_db()
        with jurisdiction(None):  # the public files it with no jurisdiction active
            objection = services.file_objection(
                round_, application, text="该调解员调解态度差。", phone="13900001111", today=TODAY
            )
        assert objection.phone_masked != objection.phone
        services.answer_objection(objection, text="经核实，不影响评定。", user=user)
        round_ = services.close(round_, user=user, today=datetime.date(2026, 7, 8))
        assert round_.status == RoundStatus.CLOSED
        mediator.refresh_from_db()
        assert mediator.level is None  # not before the effective date
        tasks.apply_due_levels()  # the beat task, run after 1 October 2026
        mediator.refresh_from_db()
        round_.refresh_from_db()
        assert (mediator.level, mediator.level_name) == (3, "三级")
        assert round_.status == RoundStatus.EFFECTIVE
        change = LevelChange.objects.get(mediator=mediator)
        assert (change.from_rank, change.to_rank, change.to_name) == (None, 3, "三级")
        assert change.application == application and change.applied_at is not None
        assert all(o.level is None for o in Mediator.objects.filter(pk__in=[o.pk for o in others]))
        # Every step is on the record.
        assert LogEntry.objects.get_for_object(round_).count() >= 6
        assert LogEntry.objects.get_for_object(application).count() >= 4
        assert any("level" in e.changes_dict for e in LogEntry.objects.get_for_object(mediator))


def test_an_upheld_objection_rejects_the_approval(world, county):
    with county.scope():
        user = world["a"]["county_user"]
        mediator = county.mediator()
        for _n in range(3):
            county.mediator()
        round_ = _computed(world)
        application = _to_panel(world, round_, mediator, 3, user)
        services.decide(application, approve=True, user=user)
        round_ = services.publish_notice(round_, starts_on=TODAY, today=TODAY)
        objection = services.file_objection(
            round_, application, text="反映其有违规收费行为。", phone="13900001111", today=TODAY
        )
        services.answer_objection(objection, text="经查属实。", user=user, upheld=True)
        application.refresh_from_db()
        assert application.status == ApplicationStatus.REJECTED
        services.close(round_, user=user, today=datetime.date(2026, 7, 8))
        assert not LevelChange.objects.filter(mediator=mediator).exists()


def test_a_nomination_follows_the_same_path(world, county):
    with county.scope():
        user = world["a"]["county_user"]
        mediator = county.mediator()
        round_ = _computed(world)
        with all_regions():
            services.open_applications(round_)
        application = services.nominate(round_, mediator, 4, user=user, today=TODAY)
        assert application.source == "nominated" and application.status == "submitted"


# --- Bad input -----------------------------------------------------------------------


def test_a_round_whose_cut_off_is_in_the_future_is_refused(world, county):
    with county.scope():
        future = datetime.date.today() + datetime.timedelta(days=10)
        _refused(lambda: county_round(world, cutoff_on=future, effective_on=future), "cutoff_on")
        assert not GradingRound.objects.exists()


def test_a_county_may_not_grade_a_level_the_city_grades(world, county):
    with county.scope():
        _refused(lambda: county_round(world, ranks=[2, 3]), "ranks")
        assert not GradingRound.objects.exists()


def test_changing_the_cut_off_of_a_draft_drops_its_list(world, county):
    with county.scope():
        county.mediator()
        round_ = _computed(world)
        assert Eligibility.objects.filter(round=round_).exists()
        round_ = services.update_round(round_, cutoff_on=datetime.date(2026, 5, 31))
        assert (round_.eligibility_computed_at, round_.listed) == (None, 0)
        assert not Eligibility.objects.filter(round=round_).exists()
        _refused(lambda: services.open_applications(round_))


def test_an_application_needs_the_minimum_service(world, county):
    with county.scope():
        newcomer = county.mediator(since=datetime.date(2026, 1, 1))
        round_ = _computed(world)
        with all_regions():
            services.open_applications(round_)
        _refused(lambda: services.apply(round_, newcomer, 4, today=TODAY), "mediator")
        assert not Application.objects.exists()


def test_an_application_for_a_level_the_round_does_not_grade_is_refused(world, county):
    with county.scope():
        mediator = county.mediator()
        round_ = _computed(world, ranks=[4])
        with all_regions():
            services.open_applications(round_)
        _refused(lambda: services.apply(round_, mediator, 3, today=TODAY), "rank")
        _refused(lambda: services.apply(round_, mediator, 4, today=datetime.date(2026, 8, 1)))
        assert not Application.objects.exists()


def test_approving_someone_who_fails_a_criterion_needs_a_reason(world, county):
    with county.scope():
        user = world["a"]["county_user"]
        weak = county.mediator(cases=2, difficult=0)  # meets level 4, not level 3
        for _n in range(3):
            county.mediator()
        round_ = _computed(world)
        application = _to_panel(world, round_, weak, 3, user)
        messages = _refused(
            lambda: services.decide(application, approve=True, user=user), "exception_reason"
        )
        assert any("调解案件" in str(m) or "案件" in str(m) for m in messages)
        application.refresh_from_db()
        assert application.status == ApplicationStatus.OFFICE_REVIEWED
        services.decide(
            application, approve=True, user=user, exception_reason="重大疑难纠纷贡献突出"
        )
        application.refresh_from_db()
        assert application.status == ApplicationStatus.APPROVED
        assert application.exception_reason == "重大疑难纠纷贡献突出"


def test_an_approval_over_the_quota_is_refused(world, county):
    with county.scope():
        user = world["a"]["county_user"]
        first, second = county.mediator(), county.mediator()
        county.mediator()  # three considered: level 4's 40 % quota is one place
        round_ = _computed(world)
        with all_regions():
            services.open_applications(round_)
        applications = []
        for mediator in (first, second):
            application = services.apply(round_, mediator, 4, user=user, today=TODAY)
            services.committee_check(application, user=user)
            services.office_review(application, user=user)
            applications.append(application)
        round_.refresh_from_db()
        services.start_review(round_)
        services.to_panel(round_)
        assert services.places_left(round_)[4].cap == 1
        services.decide(applications[0], approve=True, user=user)
        _refused(lambda: services.decide(applications[1], approve=True, user=user))
        applications[1].refresh_from_db()
        assert applications[1].status == ApplicationStatus.OFFICE_REVIEWED


def test_an_objection_outside_the_notice_is_refused(world, county):
    with county.scope():
        user = world["a"]["county_user"]
        mediator = county.mediator()
        for _n in range(3):
            county.mediator()
        round_ = _computed(world)
        application = _to_panel(world, round_, mediator, 3, user)
        services.decide(application, approve=True, user=user)
        round_.refresh_from_db()
        # Not in notice yet.
        _refused(
            lambda: services.file_objection(
                round_, application, text="异议", phone="13900001111", today=TODAY
            )
        )
        round_ = services.publish_notice(round_, starts_on=TODAY, today=TODAY)
        # After the notice period.
        _refused(
            lambda: services.file_objection(
                round_,
                application,
                text="异议",
                phone="13900001111",
                today=datetime.date(2026, 7, 8),
            )
        )
        # A bad phone number is a field error.
        _refused(
            lambda: services.file_objection(
                round_, application, text="异议", phone="123", today=TODAY
            ),
            "phone",
        )
        assert not Objection.objects.exists()


def test_a_closed_round_cannot_be_edited(world, county):
    with county.scope():
        user = world["a"]["county_user"]
        mediator = county.mediator()
        for _n in range(3):
            county.mediator()
        round_ = _computed(world)
        application = _to_panel(world, round_, mediator, 3, user)
        services.decide(application, approve=True, user=user)
        round_ = services.publish_notice(round_, starts_on=TODAY, today=TODAY)
        round_ = services.close(round_, user=user, today=datetime.date(2026, 7, 8))
        _refused(lambda: services.update_round(round_, name="改名"))
        _refused(lambda: services.compute_eligibility(round_))
        round_.name = "改名"
        with pytest.raises(ValidationError):
            round_.save()
        round_.refresh_from_db()
        assert round_.name != "改名"


def test_a_level_changes_between_rounds_only_by_a_recorded_decision(world, county):
    with county.scope():
        mediator = county.mediator()
        Mediator.objects.filter(pk=mediator.pk).update(level=3, level_name="三级")
        mediator.refresh_from_db()
        # Raising it, or lowering it without naming the decision, is refused.
        _refused(
            lambda: services.change_level(mediator, to_rank=2, reason="表现好", decision="x"),
            "to_rank",
        )
        _refused(lambda: services.change_level(mediator, to_rank=4, reason="投诉属实"), "decision")
        assert not LevelChange.objects.exists()
        change = services.change_level(
            mediator, to_rank=4, reason="投诉属实，降级", decision="越司〔2026〕12号"
        )
        mediator.refresh_from_db()
        assert (mediator.level, mediator.level_name) == (4, "四级")
        assert (change.from_rank, change.to_rank, change.applied_at is not None) == (3, 4, True)


def test_a_dismissal_in_the_integrity_file_revokes_the_level(world, county):
    with county.scope():
        mediator = county.mediator()
        Mediator.objects.filter(pk=mediator.pk).update(level=3, level_name="三级")
        record = IntegrityRecord.objects.create(
            mediator=mediator,
            kind="sanction",
            sanction="dismissal",
            occurred_on=datetime.date(2026, 9, 1),
            title="解聘",
            region=mediator.region,
        )
        mediator.refresh_from_db()
        assert mediator.level is None and mediator.level_name == ""
        change = LevelChange.objects.get(mediator=mediator)
        assert change.integrity_record == record and change.to_rank is None


def test_a_future_level_change_waits_for_its_date(world, county):
    with county.scope():
        mediator = county.mediator()
        Mediator.objects.filter(pk=mediator.pk).update(level=3, level_name="三级")
        mediator.refresh_from_db()
        later = datetime.date.today() + datetime.timedelta(days=30)
        services.change_level(
            mediator, to_rank=None, reason="撤销", decision="决定", effective_on=later
        )
        mediator.refresh_from_db()
        assert mediator.level == 3
        assert services.apply_due_level_changes() == 0
        assert services.apply_due_level_changes(today=later) == 1
        mediator.refresh_from_db()
        assert mediator.level is None


# --- What the dashboard and the mediator page read -----------------------------------


def test_who_is_close_to_the_next_level_and_what_they_lack(world, county):
    with county.scope():
        close = county.mediator(cases=1, difficult=0)  # one case short of 四级
        qualified = county.mediator(cases=2, difficult=0)  # meets 四级: nothing lacking
        far = county.mediator(cases=0, satisfaction=None, trained=0, background="")
        bureau = world["a"]["county_bureau"]
        gaps = services.next_level_gaps(bureau, within=2, today=datetime.date(2026, 6, 30))
        assert [g.mediator_id for g in gaps] == [close.pk]
        [gap] = gaps
        assert (gap.current_rank, gap.next_rank, gap.next_name) == (None, 4, "四级")
        [shortfall] = gap.missing
        assert (shortfall.criterion, shortfall.value, shortfall.threshold) == ("cases", 1, 2)
        # One mediator's page asks for that mediator only, whatever they lack.
        [mine] = services.next_level_gaps(
            bureau, mediator_ids={far.pk}, today=datetime.date(2026, 6, 30)
        )
        assert {"cases", "trained", "record"} <= {s.criterion for s in mine.missing}
        assert not services.next_level_gaps(
            bureau, mediator_ids={qualified.pk}, within=2, today=datetime.date(2026, 6, 30)
        )


def test_target_progress_counts_levels_at_or_above_the_target(world, county):
    with county.scope():
        for level in (1, 2, 3):
            mediator = county.mediator(cases=0)
            Mediator.objects.filter(pk=mediator.pk).update(level=level)
        progress = services.target_progress(world["a"]["city_bureau"])
        assert (progress.rank, progress.name, progress.target, progress.reached) == (
            2,
            "二级",
            160,
            2,
        )


def test_a_judicial_office_applies_and_checks_in_its_countys_round(world, county):
    with county.scope():
        mediator = county.mediator()
        round_ = _computed(world)
        services.open_applications(round_)
        with jurisdiction(world["a"]["township"].prefix):  # the office sees its township
            application = services.apply(round_, mediator, 4, today=TODAY)
            services.committee_check(application, user=world["a"]["clerk_user"])
            services.office_review(application, user=world["a"]["clerk_user"])
        application.refresh_from_db()
        assert application.status == ApplicationStatus.OFFICE_REVIEWED
