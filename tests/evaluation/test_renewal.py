"""The renewal list a published evaluation writes, against the turnover target, and
the bureau's decisions: ending a contract goes through the roster's exit service."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from core.tenancy import all_regions
from evaluation import services
from evaluation.models import RenewalCandidate, RenewalReason
from mediation.models import RankingEntry, RankingSnapshot
from registry.models import Appointment
from tests.evaluation.conftest import YEAR, open_posts

pytestmark = pytest.mark.django_db


def _published_quarters(county, under: list, quarters=(1, 2)):
    """Published rankings of the county in which *under* missed their target."""
    with all_regions():
        for quarter in quarters:
            snapshot = RankingSnapshot.objects.create(
                bureau=county.bureau,
                year=YEAR,
                quarter=quarter,
                version=1,
                status="published",
                cutoff_at=datetime.datetime(YEAR, 12, 31, tzinfo=datetime.UTC),
                criteria=["cases"],
                region=county.bureau.region,
            )
            for n, mediator in enumerate(under, start=1):
                RankingEntry.objects.create(
                    snapshot=snapshot,
                    mediator=mediator,
                    rank=n,
                    cases=0,
                    successes=0,
                    success_rate=0,
                    target=3,
                    under_target=True,
                    region=snapshot.region,
                )


def _publish(county):
    user = county.unit["county_user"]
    with county.scope():
        evaluation = services.evaluate_year(county.bureau, YEAR)
        services.review(evaluation, user=user)
        return services.publish(evaluation)


def _candidates(evaluation):
    with all_regions():
        return {
            c.mediator_id: c
            for c in RenewalCandidate.objects.filter(evaluation=evaluation).select_related(
                "entry", "evaluation__bureau__region"
            )
        }


def test_listed_for_incompetence_or_quarters_under_target(county):
    good = [county.mediator(cases=12) for _n in range(8)]
    weak = county.mediator(cases=1, failed=1, satisfaction=1, fulfilled=False, trained=False)
    slow = county.mediator(cases=10)
    _published_quarters(county, [slow, good[0]], quarters=(1, 2))
    with all_regions():
        # good[0] missed its target in one quarter only (version 2 of Q2 replaces it).
        snapshot = RankingSnapshot.objects.create(
            bureau=county.bureau,
            year=YEAR,
            quarter=2,
            version=2,
            status="published",
            cutoff_at=datetime.datetime(YEAR, 12, 31, tzinfo=datetime.UTC),
            criteria=["cases"],
            region=county.bureau.region,
        )
        RankingEntry.objects.create(
            snapshot=snapshot,
            mediator=slow,
            rank=1,
            cases=0,
            successes=0,
            success_rate=0,
            target=3,
            under_target=True,
            region=snapshot.region,
        )
    listed = _candidates(_publish(county))
    assert set(listed) == {weak.pk, slow.pk}
    assert listed[weak.pk].reason == RenewalReason.INCOMPETENT
    assert listed[slow.pk].reason == RenewalReason.UNDER_TARGET
    assert listed[slow.pk].quarters_under == 2


def test_the_lowest_scores_fill_the_turnover_target(county):
    for cases in (12, 12, 12, 11, 11, 10, 10, 9, 9, 8, 7):
        county.mediator(cases=cases)
    evaluation = _publish(county)
    listed = _candidates(evaluation)
    # 10 % of 11 mediators: at least 2 contracts; no one failed, so the lowest two.
    assert len(listed) == 2
    assert {c.reason for c in listed.values()} == {RenewalReason.LOWEST_SCORE}
    with all_regions():
        lowest = sorted(evaluation.entries.all(), key=lambda e: e.score)[:2]
    assert {e.mediator_id for e in lowest} == set(listed)


def test_ending_a_contract_goes_through_the_exit_service(county):
    user = county.unit["county_user"]
    for _n in range(9):
        county.mediator(cases=12)
    weak = county.mediator(cases=1, failed=1, satisfaction=1, fulfilled=False, trained=False)
    evaluation = _publish(county)
    candidate = _candidates(evaluation)[weak.pk]
    today = datetime.date.today()
    with county.scope():
        with pytest.raises(ValidationError) as caught:
            services.decide(candidate, decision="renew", note="", user=user)
        assert "note" in caught.value.message_dict
        with pytest.raises(ValidationError) as caught:
            services.decide(candidate, decision="end", ends_on=datetime.date(YEAR, 6, 1), user=user)
        assert "ends_on" in caught.value.message_dict
        services.decide(candidate, decision="end", ends_on=today, user=user)
        with pytest.raises(ValidationError):
            services.decide(candidate, decision="renew", note="再议", user=user)
    assert open_posts(weak) == []
    with all_regions():
        post = Appointment._base_manager.get(mediator=weak)
        candidate.refresh_from_db()
    assert post.ends_on == today and post.exit_reason == "elimination"
    assert str(YEAR) in post.exit_note
    assert candidate.decision == "end" and candidate.decided_by == user
