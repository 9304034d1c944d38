"""The honours workflow through its services: a call, nominations by a judicial office
from its own township, the panel's scores, and the announcement that enters the
winner's integrity file; and every refusal writes nothing."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from complaints.models import IntegrityKind, IntegrityRecord
from core.models import Policy
from core.tenancy import all_regions, jurisdiction
from honours import services
from honours.models import CallStatus, Nomination, ResultMethod, Score
from tests.honours.conftest import TODAY

pytestmark = pytest.mark.django_db


def _count(model):
    with all_regions():
        return model.objects.count()


def _nominate(county, mediator, **kwargs):
    call = kwargs.pop("call")
    return services.nominate(
        call, county.a["office"], mediator=mediator, statement="调解成效显著。", **kwargs
    )


def test_a_gold_mediator_chosen_by_the_panel_enters_the_integrity_file(county):
    first, second = county.mediator(name="金明"), county.mediator(name="银亮")
    call = county.call()
    with county.scope():
        winner = _nominate(county, first, call=call, user=county.a["clerk_user"])
        runner = _nominate(county, second, call=call)
        call = services.start_judging(call)
        assert call.method == ResultMethod.AVERAGE
        for key, points in (
            ("county_user", ([55, 38], [40, 30])),
            ("county_admin", ([57, 36], [45, 20])),
        ):
            services.score(winner, user=county.a[key], points=points[0])
            services.score(runner, user=county.a[key], points=points[1])
        call = services.announce(call, user=county.a["county_admin"])
        winner.refresh_from_db()
        runner.refresh_from_db()
    assert call.status == CallStatus.ANNOUNCED and call.announced_on == TODAY
    assert (winner.rank, winner.awarded, winner.score) == (1, True, Decimal("93.00"))
    assert (runner.rank, runner.awarded, runner.score) == (2, False, Decimal("67.50"))
    with all_regions():
        record = IntegrityRecord.objects.get(mediator=first)
        assert not IntegrityRecord.objects.filter(mediator=second).exists()
    assert record.pk == winner.integrity_record_id
    assert record.kind == IntegrityKind.COMMENDATION
    assert record.title == f"{TODAY.year}年度金牌调解员"
    assert record.awarded_by == county.a["county_bureau"].name


def test_a_nomination_after_the_deadline_is_refused(county):
    mediator = county.mediator()
    call = county.call()
    with county.scope(), pytest.raises(ValidationError) as refused:
        _nominate(county, mediator, call=call, today=call.deadline + datetime.timedelta(days=1))
    assert "推荐已于" in str(refused.value) or "closed" in str(refused.value)
    assert _count(Nomination) == 0


@pytest.mark.parametrize("side", ["a2", "b"])
def test_a_nomination_from_outside_the_offices_township_is_refused(county, side):
    foreign = county.mediator(side=side)
    call = county.call()
    with county.scope(), pytest.raises(ValidationError) as refused:
        _nominate(county, foreign, call=call)
    assert "mediator" in refused.value.error_dict
    assert _count(Nomination) == 0


def test_an_office_of_another_county_cannot_nominate(county):
    mediator = county.mediator(side="a2")
    call = county.call()
    with county.scope(), pytest.raises(ValidationError) as refused:
        services.nominate(call, county.world["a2"]["office"], mediator=mediator, statement="好")
    assert "office" in refused.value.error_dict


def test_a_panel_member_scores_once(county):
    call = county.call()
    with county.scope():
        nomination = _nominate(county, county.mediator(), call=call)
        services.start_judging(call)
        services.score(nomination, user=county.a["county_user"], points=[50, 30])
        with pytest.raises(ValidationError, match=r"once|一次"):
            services.score(nomination, user=county.a["county_user"], points=[10, 10])
    assert _count(Score) == 1


def test_a_panel_member_does_not_score_their_own_offices_nominee(county):
    call = county.call()
    with county.scope():
        nomination = _nominate(county, county.mediator(), call=call)
        services.start_judging(call)
    with jurisdiction(county.a["township"].prefix), pytest.raises(ValidationError):
        services.score(nomination, user=county.a["clerk_user"], points=[50, 30])
    assert _count(Score) == 0


def test_only_panel_members_score_and_within_each_criterions_points(county):
    call = county.call()
    with county.scope():
        nomination = _nominate(county, county.mediator(), call=call)
        services.start_judging(call)
        with pytest.raises(ValidationError):
            services.score(nomination, user=county.world["a"]["city_user"], points=[50, 30])
        for points in ([61, 30], [-1, 30], [50], ["x", 1]):
            with pytest.raises(ValidationError) as refused:
                services.score(nomination, user=county.a["county_user"], points=points)
            assert "points" in refused.value.error_dict
    assert _count(Score) == 0


def test_scoring_waits_for_judging_and_judging_for_the_panel(county):
    call = county.call(members=("county_user",))
    with county.scope():
        nomination = _nominate(county, county.mediator(), call=call)
        with pytest.raises(ValidationError):
            services.score(nomination, user=county.a["county_user"], points=[50, 30])
        with pytest.raises(ValidationError) as refused:
            services.start_judging(call)
    assert "panel" in refused.value.error_dict
    call.refresh_from_db()
    assert call.status == CallStatus.OPEN


def test_the_announcement_waits_for_every_score(county):
    call = county.call()
    with county.scope():
        nomination = _nominate(county, county.mediator(), call=call)
        services.start_judging(call)
        services.score(nomination, user=county.a["county_user"], points=[50, 30])
        assert services.missing_scores(call) == 1
        with pytest.raises(ValidationError):
            services.announce(call)
    with all_regions():
        assert not IntegrityRecord.objects.exists()


def test_a_tie_for_the_last_place_is_left_to_the_panel(county):
    call = county.call()
    with county.scope():
        one = _nominate(county, county.mediator(), call=call)
        two = _nominate(county, county.mediator(), call=call)
        services.start_judging(call)
        for nomination in (one, two):
            for key in ("county_user", "county_admin"):
                services.score(nomination, user=county.a[key], points=[50, 30])
        with pytest.raises(ValidationError, match="80"):
            services.announce(call)
    call.refresh_from_db()
    assert call.status == CallStatus.JUDGING


def test_the_bureau_may_drop_the_highest_and_lowest_score(county):
    bureau = county.a["county_bureau"]
    with all_regions():
        Policy.objects.create(
            bureau=bureau,
            region=bureau.region,
            key="honours_scoring",
            value={"method": ResultMethod.TRIMMED, "min_panel": 3},
        )
    assert services.result_of([Decimal(10), Decimal(80), Decimal(90)], "trimmed") == 80
    assert services.result_of([Decimal(10), Decimal(80)], "trimmed") == 45
    call = county.call(members=("county_user", "county_admin", "city_user"))
    with county.scope():
        nomination = _nominate(county, county.mediator(), call=call)
        call = services.start_judging(call)
    assert call.method == ResultMethod.TRIMMED
    with jurisdiction(county.world["a"]["city"].prefix):
        for key, points in (
            ("county_user", [10, 0]),
            ("county_admin", [50, 30]),
            ("city_user", [60, 40]),
        ):
            services.score(nomination, user=county.world["a"][key], points=points)
        services.announce(call)
        nomination.refresh_from_db()
    assert nomination.score == 80


def test_a_case_call_takes_closed_cases_and_commends_their_lead_mediator(county):
    from mediation import services as cases
    from tests.factories import _appointment, make_case

    with all_regions():
        appointment = _appointment(county.world, "a")
        case = make_case(appointment.committee, appointment.mediator)
        open_case = make_case(appointment.committee, appointment.mediator)
        cases.close_case(
            case, closed_on=datetime.date(2025, 4, 1), result="success", agreement_form="written"
        )
    call = county.call(
        subject="case", title="十佳案例", members=("county_user", "county_admin", "city_user")
    )
    with county.scope():
        with pytest.raises(ValidationError) as refused:
            services.nominate(call, county.a["office"], case=open_case, statement="好")
        assert "case" in refused.value.error_dict
        nomination = services.nominate(call, county.a["office"], case=case, statement="案情复杂")
        assert nomination.mediator_id == appointment.mediator_id
        services.start_judging(call)
    with jurisdiction(county.world["a"]["city"].prefix):
        for key in ("county_user", "county_admin", "city_user"):
            services.score(nomination, user=county.world["a"][key], points=[40, 40])
        services.announce(call)
        record = IntegrityRecord.objects.get(mediator=appointment.mediator)
    assert case.number in record.title and "十佳案例" in record.title


def test_calls_are_seen_by_the_offices_below_and_not_by_a_sibling(county, world):
    from core.models import Role

    call = county.call()

    def sees(side, key):
        with all_regions():
            role = Role.objects.get(user=world[side][key])
        return services.visible_calls(role).filter(pk=call.pk).exists()

    assert sees("a", "clerk_user") and sees("a", "city_user")
    assert not sees("a2", "clerk_user")
    assert not sees("a2", "county_user")
    assert not sees("b", "city_user")
