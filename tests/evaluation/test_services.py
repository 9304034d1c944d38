"""The annual evaluation's services on a small county: figures from the records, the
score and grades, the snapshot, the workflow and a constant number of queries."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.models import Policy
from core.tenancy import all_regions
from evaluation import services
from evaluation.models import EvaluationEntry, Grade
from mediation.models import Case
from tests.evaluation.conftest import YEAR

pytestmark = pytest.mark.django_db


def _evaluate(county):
    with county.scope():
        return services.evaluate_year(county.bureau, YEAR)


def _entry(evaluation, mediator):
    with all_regions():
        return EvaluationEntry.objects.get(evaluation=evaluation, mediator=mediator)


def test_figures_come_from_the_year_s_records(county):
    good = county.mediator(cases=12, satisfaction=5, fulfilled=True)
    weak = county.mediator(
        cases=3,
        failed=2,
        satisfaction=2,
        fulfilled=False,
        trained=False,
        months=6,
        present=10,
        complaints=1,
    )
    county.mediator(full_time=False)  # not full-time: not evaluated
    evaluation = _evaluate(county)
    with all_regions():
        assert evaluation.entries.count() == 2
    row = _entry(evaluation, good)
    assert (row.cases, row.successes, row.success_rate) == (12, 12, Decimal("1.0000"))
    assert (row.fulfilment_checked, row.fulfilled, row.callbacks) == (2, 2, 2)
    assert row.satisfaction == Decimal("5.00")
    assert row.training_hours == Decimal("8.0")
    assert (row.attendance_months, row.days_present, row.attendance_rate) == (
        12,
        252,
        Decimal("1.0000"),
    )
    assert row.complaints == 0
    # cases 100, success 100, fulfilment 100, satisfaction 100, training 8/16 → 50,
    # attendance 100, complaints 100: 100 less 10 % of 50.
    assert row.score == Decimal("95.00")
    assert row.rank == 1
    low = _entry(evaluation, weak)
    assert (low.cases, low.successes, low.fulfilled, low.complaints) == (3, 1, 0, 1)
    assert low.attendance_rate == Decimal("0.4762")  # 60 days of 6 × 21
    assert low.grade == Grade.INCOMPETENT and low.rank == 2


def test_excellent_is_capped_by_share(county):
    for _n in range(7):
        county.mediator(cases=12)
    county.mediator(cases=12, trained=False)  # a lower score, still in the top band
    with all_regions():
        Policy.objects.create(
            bureau=county.bureau,
            region=county.bureau.region,
            key="evaluation_grades",
            value={"excellent": 80.0, "competent": 70.0, "basic": 60.0, "excellent_share": 0.2},
        )
    evaluation = _evaluate(county)
    with all_regions():
        grades = list(evaluation.entries.values_list("grade", flat=True))
    # Seven share the best score: they do not fit under a cap of one (floor 20 % × 8),
    # so no one is Excellent rather than an arbitrary one of them.
    assert Grade.EXCELLENT not in grades
    assert grades.count(Grade.COMPETENT) == 8


def test_the_snapshot_does_not_follow_later_edits(county):
    mediator = county.mediator(cases=4)
    evaluation = _evaluate(county)
    before = _entry(evaluation, mediator)
    with all_regions():
        Case.objects.filter(lead_mediator=mediator).update(result="failure")
    after = _entry(evaluation, mediator)
    assert (after.successes, after.score) == (before.successes, before.score) == (4, before.score)


def test_query_count_does_not_grow_with_mediators(county):
    county.mediator(cases=2)
    _evaluate(county)  # both counted runs replace a draft
    with county.scope(), CaptureQueriesContext(connection) as few:
        services.evaluate_year(county.bureau, YEAR)
    for _n in range(6):
        county.mediator(cases=3, complaints=1)
    with county.scope(), CaptureQueriesContext(connection) as many:
        services.evaluate_year(county.bureau, YEAR)
    assert len(many) == len(few), "\n".join(q["sql"][:150] for q in many.captured_queries)
    assert len(many) <= 30


def test_a_year_not_over_is_refused(county):
    with county.scope(), pytest.raises(ValidationError) as caught:
        services.evaluate_year(county.bureau, datetime.date.today().year)
    assert "year" in caught.value.message_dict


def test_workflow_draft_reviewed_published(county):
    user = county.unit["county_user"]
    county.mediator()
    first = _evaluate(county)
    second = _evaluate(county)  # a rerun replaces the draft
    assert second.version == first.version + 1
    with county.scope():
        with pytest.raises(ValidationError):
            services.publish(second)  # not reviewed yet
        services.review(second, user=user)
    with county.scope(), pytest.raises(ValidationError):
        services.evaluate_year(county.bureau, YEAR)  # reviewed: not run again
    with county.scope():
        evaluation = services.publish(second)
        assert evaluation.status == "published"
        with pytest.raises(ValidationError):
            services.review(evaluation, user=user)


def test_a_grade_changes_only_with_a_reason_and_within_the_cap(county):
    user = county.unit["county_user"]
    mediators = [county.mediator(cases=12 - n) for n in range(5)]
    evaluation = _evaluate(county)
    entry = _entry(evaluation, mediators[-1])
    with county.scope():
        with pytest.raises(ValidationError) as caught:
            services.adjust_grade(entry, grade=Grade.BASIC, reason="  ", user=user)
        assert "reason" in caught.value.message_dict
        # 15 % of 5 is no Excellent place at all.
        with pytest.raises(ValidationError) as caught:
            services.adjust_grade(entry, grade=Grade.EXCELLENT, reason="表现突出", user=user)
        assert "grade" in caught.value.message_dict
        services.adjust_grade(entry, grade=Grade.BASIC, reason="年中请假较多", user=user)
    entry = _entry(evaluation, mediators[-1])
    assert entry.grade == Grade.BASIC and entry.adjustment_reason == "年中请假较多"
    assert entry.adjusted_by == user and entry.adjusted
