"""Factories of honours' models for the isolation walker (joined to
tests.factories.FACTORIES) and the honours tests."""

import datetime

from core.tenancy import all_regions
from honours.models import HonourCall, Nomination, PanelMember, Score
from tests import factories

CRITERIA = [{"name": "调解成效", "points": 60}, {"name": "群众评价", "points": 40}]


def make_call(bureau, *, status="open", subject="mediator", **fields):
    today = datetime.date.today()
    defaults = {
        "name": f"{bureau.name}{today.year}年度金牌调解员评选",
        "title": "金牌调解员",
        "year": today.year,
        "places": 1,
        "deadline": today + datetime.timedelta(days=30),
        "criteria": CRITERIA,
    }
    with all_regions():
        return HonourCall.objects.create(
            bureau=bureau,
            region=bureau.region,
            subject=subject,
            status=status,
            **{**defaults, **fields},
        )


def _call(world, side):
    return make_call(world[side]["county_bureau"])


def _member(world, side):
    with all_regions():
        return PanelMember.objects.create(call=_call(world, side), user=world[side]["county_user"])


def _nomination(world, side):
    mediator = factories._mediator(world, side)
    with all_regions():
        return Nomination.objects.create(
            call=_call(world, side),
            office=world[side]["office"],
            mediator=mediator,
            statement="扎根基层，调解成效显著。",
        )


def _score(world, side):
    nomination = _nomination(world, side)
    with all_regions():
        member = PanelMember.objects.create(call=nomination.call, user=world[side]["county_admin"])
        return Score.objects.create(nomination=nomination, member=member, points=[50, 30], total=80)


FACTORIES = {
    HonourCall: _call,
    PanelMember: _member,
    Nomination: _nomination,
    Score: _score,
}
