"""Done when: on the demo city a year is evaluated (seed_demo publishes last year's
evaluation of the city's full-time mediators, on its four published quarterly
rankings) and the bureau's renewal decisions end two contracts through the roster's
exit service."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command

from core.models import Bureau, Role
from core.tenancy import all_regions, jurisdiction
from evaluation import services
from evaluation.models import Evaluation, RenewalCandidate
from mediation.models import RankingSnapshot
from registry.models import Appointment, MediatorStatus


@pytest.fixture
def seeded(db, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "demo-pass-123")
    out = StringIO()
    call_command("seed_demo", "--scale", "0.05", "--seed", "7", stdout=out)
    return out.getvalue()


def test_the_demo_city_evaluates_a_year_and_ends_two_contracts(seeded):
    year = datetime.date.today().year - 1
    assert "evaluation of" in seeded
    with all_regions():
        city = Bureau.objects.select_related("region").get(region_id="330600000000")
        user = Role.objects.filter(bureau=city, kind="bureau_staff").first().user
        evaluation = Evaluation.objects.get(bureau=city, year=year)
        assert evaluation.status == "published"
        assert (
            RankingSnapshot.objects.filter(bureau=city, year=year, status="published").count() == 4
        )
        evaluated = evaluation.entries.count()
        assert evaluated > 10
        candidates = list(
            RenewalCandidate.objects.filter(evaluation=evaluation, decision="pending")
            .select_related("evaluation__bureau__region", "entry")
            .order_by("entry__score", "pk")
        )
    assert len(candidates) >= services.turnover_target(evaluation, evaluated) >= 2
    ending = [c for c in candidates if services.contract_posts(c).exists()][:2]
    assert len(ending) == 2
    with jurisdiction(city.region.prefix):
        for candidate in ending:
            services.decide(candidate, decision="end", user=user)
        services.decide(
            next(c for c in candidates if c not in ending),
            decision="renew",
            note="经研究，同意续聘一年，加强培训。",
            user=user,
        )
    with all_regions():
        for candidate in ending:
            ended = Appointment._base_manager.filter(
                mediator=candidate.mediator_id, exit_reason="elimination"
            )
            assert ended.exists()
            assert not services.contract_posts(candidate).exists()
            assert all(str(evaluation.year) in post.exit_note for post in ended)
            candidate.mediator.refresh_from_db()
            still_serving = Appointment._base_manager.filter(
                mediator=candidate.mediator_id, ends_on__isnull=True
            ).exists()
            assert (candidate.mediator.status == MediatorStatus.LEFT) != still_serving
        decided = RenewalCandidate.objects.filter(evaluation=evaluation, decision="end")
        assert decided.count() == 2
