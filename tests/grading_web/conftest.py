"""The county of tests/grading/conftest.py for tests that send requests: built and
used under ``all_regions`` rather than inside a jurisdiction held open for the whole
test (a request's own jurisdiction is then the only one in play)."""

import pytest

from core.models import Policy
from core.tenancy import all_regions
from tests.grading.conftest import CRITERIA, County


class _Unscoped:
    def __init__(self, county):
        self._county = county

    def mediator(self, **kwargs):
        with all_regions():
            return self._county.mediator(**kwargs)

    def __getattr__(self, name):
        return getattr(self._county, name)


@pytest.fixture
def county(world):
    city_bureau = world["a"]["city_bureau"]
    with all_regions():
        Policy.objects.create(
            bureau=city_bureau, region=city_bureau.region, key="grading_criteria", value=CRITERIA
        )
        return _Unscoped(County(world))
