"""Objects of the annual evaluation for the isolation walker and the hostile walks
(joined to tests.factories.FACTORIES at its end), and a helper to store an evaluation
as written."""

import datetime

from core.tenancy import all_regions
from evaluation import figures
from evaluation.models import Evaluation, EvaluationEntry, RenewalCandidate
from tests import factories


def make_evaluation(bureau, *, year=2025, status="draft", version=1):
    with all_regions():
        return Evaluation.objects.create(
            bureau=bureau,
            year=year,
            version=version,
            status=status,
            cutoff_at=datetime.datetime(year + 1, 1, 5, tzinfo=datetime.UTC),
            rules=figures.rules_for(bureau),
            region=bureau.region,
            published_at=(
                datetime.datetime(year + 1, 1, 20, tzinfo=datetime.UTC)
                if status == "published"
                else None
            ),
        )


def make_entry(evaluation, mediator, committee=None, *, grade="competent", score=80, rank=1):
    with all_regions():
        return EvaluationEntry.objects.create(
            evaluation=evaluation,
            mediator=mediator,
            committee=committee,
            rank=rank,
            cases=12,
            successes=10,
            success_rate=10 / 12,
            fulfilment_checked=4,
            fulfilled=3,
            fulfilment_rate=0.75,
            callbacks=4,
            satisfaction=4.25,
            training_hours=16,
            attendance_months=12,
            days_present=240,
            attendance_rate=0.9524,
            complaints=0,
            score=score,
            computed_grade=grade,
            grade=grade,
            region=evaluation.region,
        )


def _evaluation(world, side):
    return make_evaluation(world[side]["county_bureau"], year=2025)


def _entry(world, side):
    evaluation = make_evaluation(world[side]["county_bureau"], year=2024)
    post = factories._appointment(world, side)
    return make_entry(evaluation, post.mediator, post.committee)


def _candidate(world, side):
    evaluation = make_evaluation(world[side]["county_bureau"], year=2023, status="published")
    post = factories._appointment(world, side)
    entry = make_entry(evaluation, post.mediator, post.committee, grade="incompetent", score=40)
    with all_regions():
        return RenewalCandidate.objects.create(
            evaluation=evaluation,
            entry=entry,
            mediator=entry.mediator,
            reason="incompetent",
            quarters_under=2,
            region=evaluation.region,
        )


EVALUATION_FACTORIES = {
    Evaluation: _evaluation,
    EvaluationEntry: _entry,
    RenewalCandidate: _candidate,
}
