"""seed_demo grades the demo city: every level on the roster has its history from a
completed round, and rounds are open in every state the pages show."""

from io import StringIO

import pytest
from django.core.management import call_command

from core.tenancy import all_regions
from grading.models import GradingRound, LevelChange, Objection, RoundStatus
from registry.models import Mediator


@pytest.fixture
def seeded(db, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "demo-pass-123")
    call_command("seed_demo", "--scale", "0.05", "--seed", "7", stdout=StringIO())


def test_the_demo_city_has_completed_and_open_rounds(seeded):
    with all_regions():
        statuses = list(GradingRound.objects.values_list("status", flat=True))
        assert statuses.count(RoundStatus.EFFECTIVE) == 7  # the city and its six counties
        assert RoundStatus.APPLICATIONS in statuses and RoundStatus.NOTICE in statuses
        graded = Mediator.objects.exclude(level=None)
        assert graded.exists()
        # Every level on the roster came from a recorded change, with its name.
        for mediator in graded:
            change = LevelChange.objects.filter(mediator=mediator).latest("effective_on")
            assert (change.to_rank, change.to_name) == (mediator.level, mediator.level_name)
        assert Objection.objects.filter(status="open", round__status="notice").exists()
