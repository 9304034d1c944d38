"""The ranking computation and its snapshots (mediation.ranking)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from core.models import Policy
from core.tenancy import jurisdiction
from mediation import ranking
from mediation.models import Callback, QuarterlyTarget, RankingEntry, RankingSnapshot
from mediation.services import close_case
from tests.factories import AppointmentFactory, CommitteeFactory, MediatorFactory, make_case

Q1 = datetime.date(2025, 2, 10)


def closed(committee, lead, on=Q1, result="success", received_on=None):
    case = make_case(committee, lead, received_on=received_on or on - datetime.timedelta(days=5))
    fields = {"agreement_form": "written"} if result == "success" else {}
    return close_case(case, closed_on=on, result=result, **fields)


@pytest.fixture
def unit(world):
    """Bureau "a" with a committee of three full-time mediators and a part-timer."""
    side = world["a"]
    with jurisdiction(side["county"].prefix):
        committee = CommitteeFactory(region=side["village"])
        mediators = [MediatorFactory(region=side["village"]) for _ in range(4)]
        for index, mediator in enumerate(mediators):
            AppointmentFactory(committee=committee, mediator=mediator, full_time=index < 3)
        yield {**side, "committee": committee, "mediators": mediators}


def test_ranks_by_successes_then_rate_then_satisfaction(unit):
    c, (m1, m2, m3, part) = unit["committee"], unit["mediators"]
    for _ in range(3):
        closed(c, m1)
    closed(c, m2)
    closed(c, m2)
    closed(c, m2, result="failure")
    case = closed(c, m3)
    closed(c, m3)
    Callback.objects.create(case=case, region=case.region, called_on=Q1, satisfaction=5)
    Callback.objects.create(case=case, region=case.region, satisfaction=1)  # pending: ignored
    closed(c, part)  # part-time: not ranked
    closed(c, m1, on=datetime.date(2025, 4, 2))  # next quarter
    rows = ranking.compute(unit["county_bureau"], 2025, 1)
    assert [(r.mediator_id, r.rank) for r in rows] == [(m1.pk, 1), (m3.pk, 2), (m2.pk, 3)]
    by_id = {r.mediator_id: r for r in rows}
    assert (by_id[m2.pk].cases, by_id[m2.pk].successes) == (3, 2)
    assert by_id[m2.pk].success_rate == Decimal("0.6667")
    assert by_id[m3.pk].satisfaction == Decimal("5.00")
    assert by_id[m1.pk].satisfaction is None
    assert all(r.committee_id == c.pk for r in rows)


def test_ties_share_a_rank_standard_competition_ordered_by_id(unit):
    c, (m1, m2, m3, _part) = unit["committee"], unit["mediators"]
    closed(c, m3)
    closed(c, m2)
    rows = ranking.compute(unit["county_bureau"], 2025, 1)
    assert [(r.mediator_id, r.rank) for r in rows] == [(m2.pk, 1), (m3.pk, 1), (m1.pk, 3)]


def test_the_policy_orders_by_its_criteria(unit):
    c, (m1, m2, _m3, _part) = unit["committee"], unit["mediators"]
    closed(c, m1)
    closed(c, m1)
    closed(c, m2, result="failure")
    closed(c, m2, result="failure")
    closed(c, m2, result="failure")
    Policy.objects.create(bureau=unit["county_bureau"], key="ranking_criteria", value=["cases"])
    rows = ranking.compute(unit["county_bureau"], 2025, 1)
    assert rows[0].mediator_id == m2.pk


def test_target_set_by_the_bureau_or_derived_from_last_year(unit):
    c, (m1, m2, m3, _part) = unit["committee"], unit["mediators"]
    for _ in range(7):  # last year's Q1: 7 cases, 3 full-time mediators → ceil(7/3) = 3
        closed(c, m1, on=datetime.date(2024, 2, 10))
    closed(c, m2)
    closed(c, m2)
    closed(c, m2)
    QuarterlyTarget.objects.create(mediator=m3, year=2025, quarter=1, target=1, region=m3.region)
    rows = {r.mediator_id: r for r in ranking.compute(unit["county_bureau"], 2025, 1)}
    assert (rows[m1.pk].target, rows[m1.pk].under_target) == (3, True)
    assert (rows[m2.pk].target, rows[m2.pk].under_target) == (3, False)
    assert (rows[m3.pk].target, rows[m3.pk].under_target) == (1, True)
    Policy.objects.create(
        bureau=unit["county_bureau"], key="ranking_target_share", value=0.5
    )  # ceil(0.5 × 7 / 3) = 2
    rows = {r.mediator_id: r for r in ranking.compute(unit["county_bureau"], 2025, 1)}
    assert rows[m1.pk].target == 2


def test_only_the_bureaus_region_and_posts_held_in_the_quarter(unit, world):
    c, (m1, _m2, _m3, _part) = unit["committee"], unit["mediators"]
    gone = MediatorFactory(region=unit["village"])
    AppointmentFactory(
        committee=c,
        mediator=gone,
        starts_on=datetime.date(2020, 1, 1),
        ends_on=datetime.date(2024, 12, 31),
    )
    closed(c, m1)
    ids = {r.mediator_id for r in ranking.compute(unit["county_bureau"], 2025, 1)}
    assert m1.pk in ids and gone.pk not in ids
    with jurisdiction(world["b"]["county"].prefix):
        assert ranking.compute(world["b"]["county_bureau"], 2025, 1) == []


def test_one_query(unit, django_assert_num_queries):
    c, mediators = unit["committee"], unit["mediators"]
    for m in mediators:
        closed(c, m)
    bureau = unit["county_bureau"]
    ranking.compute(bureau, 2025, 1)  # warms the policy lookups
    with django_assert_num_queries(1):
        list(ranking.ranking_queryset(bureau, 2025, 1, ["successes"]))


TODAY = datetime.date.today()


@pytest.mark.parametrize(
    ("year", "quarter", "field"),
    [
        (TODAY.year, (TODAY.month - 1) // 3 + 1, "quarter"),  # the current quarter
        (TODAY.year + 1, 1, "quarter"),
        (2025, 5, "quarter"),
        (1999, 1, "year"),
    ],
)
def test_a_quarter_not_over_is_refused(unit, year, quarter, field):
    with pytest.raises(ValidationError) as error:
        ranking.rank_quarter(unit["county_bureau"], year, quarter)
    assert field in error.value.message_dict
    assert RankingSnapshot.objects.count() == 0


def test_rerun_replaces_the_draft_and_publishing_freezes(unit):
    c, (m1, _m2, _m3, _part) = unit["committee"], unit["mediators"]
    bureau = unit["county_bureau"]
    first = ranking.rank_quarter(bureau, 2025, 1)
    assert first.entries.count() == 3 and first.version == 1
    closed(c, m1)
    second = ranking.rank_quarter(bureau, 2025, 1)
    assert RankingSnapshot.objects.filter(bureau=bureau).count() == 1
    assert RankingEntry.objects.count() == 3
    assert second.version == 2 and second.entries.get(mediator=m1).cases == 1
    ranking.publish(second)
    with pytest.raises(ValidationError):
        ranking.publish(second)
    third = ranking.rank_quarter(bureau, 2025, 1)
    assert third.version == 3 and third.status == "draft"
    second.refresh_from_db()
    assert second.status == "published" and second.published_at
    assert second.entries.count() == 3
    assert RankingSnapshot.objects.filter(bureau=bureau).count() == 2


def test_a_run_killed_while_writing_leaves_nothing(unit, monkeypatch):
    bureau = unit["county_bureau"]
    old = ranking.rank_quarter(bureau, 2025, 1)
    real = RankingEntry.objects.bulk_create

    def dies_halfway(entries, **kwargs):
        real(entries[:1], **kwargs)
        raise SystemExit("worker killed")

    monkeypatch.setattr(RankingEntry.objects, "bulk_create", dies_halfway)
    with pytest.raises(SystemExit):
        ranking.rank_quarter(bureau, 2025, 1)
    assert list(RankingSnapshot.objects.values_list("pk", flat=True)) == [old.pk]
    assert set(RankingEntry.objects.values_list("snapshot_id", flat=True)) == {old.pk}
    assert RankingEntry.objects.count() == 3


def test_compute_runs_the_same_queries_for_more_mediators(unit):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    bureau = unit["county_bureau"]
    ranking.compute(bureau, 2025, 1)  # warms the policy lookups
    with CaptureQueriesContext(connection) as small:
        ranking.compute(bureau, 2025, 1)
    for _ in range(10):
        mediator = MediatorFactory(region=unit["village"])
        AppointmentFactory(committee=unit["committee"], mediator=mediator)
        closed(unit["committee"], mediator)
    with CaptureQueriesContext(connection) as large:
        assert len(ranking.compute(bureau, 2025, 1)) == 13
    assert len(large) == len(small) <= 5  # the ranking + two target queries (+ policy)


def test_a_quarter_ends_on_its_last_day():
    assert ranking.quarter_bounds(2025, 4) == (
        datetime.date(2025, 10, 1),
        datetime.date(2025, 12, 31),
    )
    assert ranking.quarter_bounds(2024, 1) == (
        datetime.date(2024, 1, 1),
        datetime.date(2024, 3, 31),
    )
    ranking.check_quarter(2025, 1, today=datetime.date(2025, 4, 1))
    with pytest.raises(ValidationError):
        ranking.check_quarter(2025, 1, today=datetime.date(2025, 3, 31))
