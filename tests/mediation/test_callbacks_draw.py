"""The monthly callback draw: round(rate × N) of a bureau's cases closed in the month,
seeded by (bureau, month), idempotent, and redone from the stored seed for an audit."""

import datetime
import random

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.models import Job
from core.tenancy import all_regions, jurisdiction
from mediation import callbacks, services
from mediation.jobs.callbacks import draw_last_month
from mediation.models import Callback, CallbackDraw
from tests.factories import AppointmentFactory, CommitteeFactory, MediatorFactory, make_case

MARCH = datetime.date(2025, 3, 1)


def _close_cases(unit, count, closed_on=datetime.date(2025, 3, 15)):
    with jurisdiction(unit["county"].prefix):
        committee = CommitteeFactory(region=unit["village"], office=unit["office"])
        post = AppointmentFactory(
            mediator=MediatorFactory(region=unit["township"]), committee=committee
        )
        cases = [make_case(committee, post.mediator) for _ in range(count)]
        for case in cases:
            services.close_case(case, closed_on=closed_on, result="failure")
        return cases


def test_seed_is_stable_and_sample_is_rounded():
    assert callbacks.draw_seed(7, MARCH) == callbacks.draw_seed(7, datetime.date(2025, 3, 31))
    assert callbacks.draw_seed(7, MARCH) != callbacks.draw_seed(8, MARCH)
    assert 0 <= callbacks.draw_seed(7, MARCH) < 2**63
    assert callbacks.sample_size(0.15, 10) == 2  # 1.5 rounds up
    assert callbacks.sample_size(0.15, 20) == 3
    assert callbacks.sample_size(0.15, 0) == 0


def test_draw_samples_the_month_reproducibly_and_only_once(world):
    unit = world["a"]
    cases = _close_cases(unit, 20)
    _close_cases(unit, 3, closed_on=datetime.date(2025, 4, 2))  # another month
    bureau = unit["county_bureau"]
    with jurisdiction(unit["county"].prefix):
        draw, made = callbacks.draw_month(bureau, MARCH)
        assert made and (draw.population, draw.drawn) == (20, 3)
        assert draw.seed == callbacks.draw_seed(bureau.pk, MARCH)
        drawn = sorted(Callback.objects.filter(draw=draw).values_list("case_id", flat=True))
        ids = sorted(c.pk for c in cases)
        assert drawn == sorted(random.Random(draw.seed).sample(ids, 3))
        assert all(c.called_on is None for c in Callback.objects.filter(draw=draw))
        assert LogEntry.objects.get_for_model(Callback).count() == 3  # audited
        # Auditable: redone from the stored seed, the same cases.
        assert callbacks.redraw(draw) == drawn
        # Idempotent: a second run changes nothing.
        again, made_again = callbacks.draw_month(bureau, datetime.date(2025, 3, 9))
        assert again == draw and not made_again
        assert Callback.objects.count() == 3 and CallbackDraw.objects.count() == 1


def test_rate_comes_from_the_bureau_policy(world):
    from core.models import Policy

    unit = world["a"]
    _close_cases(unit, 10)
    with jurisdiction(unit["county"].prefix):
        Policy.objects.create(
            bureau=unit["county_bureau"],
            key="callback_rate",
            value=0.5,
            region=unit["county_bureau"].region,
        )
        draw, _ = callbacks.draw_month(unit["county_bureau"], MARCH)
    assert draw.drawn == 5 and str(draw.rate) == "0.500"


def test_a_month_not_ended_cannot_be_drawn(world):
    with jurisdiction(world["a"]["county"].prefix), pytest.raises(ValidationError):
        callbacks.draw_month(world["a"]["county_bureau"], datetime.date.today())
    with all_regions():
        assert not CallbackDraw.objects.exists()


def test_beat_task_fans_out_per_county_bureau(world, monkeypatch):
    monkeypatch.setattr(callbacks, "last_month", lambda today=None: MARCH)
    _close_cases(world["a"], 10)
    _close_cases(world["b"], 7)
    result = draw_last_month()
    assert result["bureaus"] == 3  # the three county bureaus, not the cities
    draw_last_month()  # twice: nothing more
    with all_regions():
        assert CallbackDraw.objects.count() == 3
        assert Callback.objects.count() == 2 + 1  # round(1.5) + round(1.05)
        assert {d.bureau.level for d in CallbackDraw.objects.all()} == {"county"}


def test_staff_draw_a_month_on_demand(login, world, django_capture_on_commit_callbacks):
    _close_cases(world["a"], 10)
    client = login(world["a"]["county_user"])
    url = reverse("mediation:callback_draw")
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"month": "2025-03"})
    assert response.status_code == 302
    with all_regions():
        job = Job.objects.get()
        assert job.status == "done" and job.result["new_draws"] == 1
        assert CallbackDraw.objects.get().bureau == world["a"]["county_bureau"]
    bad = client.post(url, {"month": datetime.date.today().strftime("%Y-%m")})
    assert "month" in bad.context["form"].errors
    clerk = login(world["a"]["clerk_user"])
    assert clerk.post(url, {"month": "2025-03"}).status_code == 403
