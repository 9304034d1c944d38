import datetime

import pytest

from core.tenancy import all_regions, jurisdiction
from honours import services
from tests.factories import MediatorFactory
from tests.honours_factories import CRITERIA

TODAY = datetime.date.today()


class County:
    """County "a" of the world with a call of its bureau and helpers; the tests open
    ``scope()`` around the calls that act as the county."""

    def __init__(self, world):
        self.world, self.a = world, world["a"]

    def scope(self):
        return jurisdiction(self.a["county"].prefix)

    def mediator(self, side="a", **fields):
        with all_regions():
            return MediatorFactory(region=self.world[side]["township"], **fields)

    def call(self, *, members=("county_user", "county_admin", "clerk_user"), open_=True, **fields):
        with self.scope():
            call = services.create_call(
                self.a["county_bureau"],
                **{
                    "name": "越城区2026年度金牌调解员评选",
                    "title": "金牌调解员",
                    "subject": "mediator",
                    "year": TODAY.year,
                    "places": 1,
                    "deadline": TODAY + datetime.timedelta(days=10),
                    "criteria": CRITERIA,
                    **fields,
                },
            )
            for key in members:
                services.add_member(call, self.a[key])
            if open_:
                call = services.open_call(call)
        return call


@pytest.fixture
def county(world):
    return County(world)
