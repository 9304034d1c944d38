"""On the demo city every grading page opens with data: the rounds in each state,
their eligibility lists, decision sheets and notice lists, applications, objections,
the level history, the overview, a graded mediator's level panel, and the public
notice of the county round in notice."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from core.tenancy import all_regions
from grading.models import Application, GradingRound, Objection, RoundStatus
from registry.models import Mediator


@pytest.fixture
def seeded(db, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "demo-pass-123")
    call_command("seed_demo", "--scale", "0.05", "--seed", "7", stdout=StringIO())


def test_every_grading_page_has_data_on_the_demo_city(seeded, client):
    client.force_login(get_user_model().objects.get(username="city"))
    with all_regions():
        rounds = list(GradingRound.objects.all())
        open_round = next(r for r in rounds if r.status == RoundStatus.APPLICATIONS)
        done = next(
            r for r in rounds if r.status == RoundStatus.EFFECTIVE and r.bureau.parent_id is None
        )
        notice = next(r for r in rounds if r.status == RoundStatus.NOTICE)
        application = Application.objects.filter(round=done).first()
        graded = Mediator.objects.exclude(level=None).first()
        objection = Objection.objects.first()
    pages = [
        "/grading/rounds/",
        "/grading/applications/",
        "/grading/objections/",
        "/grading/levels/",
        "/grading/overview/",
        f"/grading/rounds/{open_round.pk}/",
        f"/grading/rounds/{open_round.pk}/eligibility/",
        f"/grading/rounds/{done.pk}/decisions/",
        f"/grading/rounds/{done.pk}/notice-list/",
        f"/grading/applications/{application.pk}/",
        f"/grading/mediators/{graded.pk}/",
        f"/mediators/{graded.pk}/",
        "/",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
    assert (
        "table-hover"
        in client.get(f"/grading/rounds/{open_round.pk}/eligibility/").content.decode()
    )
    assert graded.level_name in client.get(f"/mediators/{graded.pk}/").content.decode()

    client.force_login(get_user_model().objects.get(username="district"))
    assert client.get(f"/grading/objections/{objection.pk}/").status_code in (200, 404)
    client.logout()
    public = client.get(f"/public/{notice.bureau.region_id}/grading/{notice.pk}/")
    assert public.status_code == 200 and "grading-notice" in public.content.decode()
