"""A small county to grade: a committee, mediators with careers, cases, callbacks,
training and integrity records, and lenient grading rules set by the city (the county
inherits them), so each criterion can be passed or failed by a case or two.

One fixture for the service tests (tests/grading) and the page/API tests
(tests/grading_web, tests/e2e). It is built under ``all_regions`` and leaves no
jurisdiction active: a scope held open by a fixture outlived requests sent in the test
and leaked into later tests. Tests open ``county.scope()`` around the calls that act as
the county.
"""

import datetime

import pytest

from core.models import Policy, Role
from core.tenancy import all_regions, jurisdiction
from grading import services
from mediation.models import Callback, Case
from registry.models import ExpertiseField, TrainingAttendance
from tests.factories import (
    AppointmentFactory,
    CommitteeFactory,
    MediatorFactory,
    TrainingSessionFactory,
    make_case,
)

CUTOFF = datetime.date(2026, 6, 30)
TODAY = datetime.date(2026, 7, 1)

CRITERIA = {
    "1": {
        "graded_by": "city",
        "quota": 0.1,
        "years": 6,
        "cases": 6,
        "success_rate": 0.9,
        "oral_share": 0.2,
        "difficult": 2,
        "training_hours": 8.0,
        "satisfaction": 4.5,
    },
    "2": {
        "graded_by": "city",
        "quota": 0.2,
        "years": 5,
        "cases": 5,
        "success_rate": 0.8,
        "oral_share": 0.3,
        "difficult": 1,
        "training_hours": 8.0,
        "satisfaction": 4.0,
    },
    "3": {
        "graded_by": "county",
        "quota": 0.3,
        "years": 3,
        "cases": 3,
        "success_rate": 0.6,
        "oral_share": 0.5,
        "difficult": 1,
        "training_hours": 4.0,
        "satisfaction": 3.0,
    },
    "4": {
        "graded_by": "county",
        "quota": 0.4,
        "years": 1,
        "cases": 2,
        "success_rate": 0.5,
        "oral_share": 0.5,
        "difficult": 0,
        "training_hours": 0.0,
        "satisfaction": 0.0,
    },
}


def role_of(user):
    with all_regions():
        return Role.objects.select_related("bureau__region").get(user=user)


def close_case(case, *, on, result="success", oral=False, difficulty="ordinary"):
    Case.objects.filter(pk=case.pk).update(
        status="closed",
        closed_on=on,
        result=result,
        agreement_form=("oral" if oral else "written") if result == "success" else "",
        difficulty=difficulty,
    )


class County:
    """Builds mediators of unit "a"; opens no jurisdiction of its own."""

    def __init__(self, world):
        self.world = world
        unit = world["a"]
        self.unit = unit
        with all_regions():
            self._build(unit)

    def _build(self, unit):
        self.committee = CommitteeFactory(region=unit["village"], office=unit["office"])
        self.session = TrainingSessionFactory(
            region=unit["county"], held_on=datetime.date(2026, 3, 1), hours=4
        )
        self.session2 = TrainingSessionFactory(
            region=unit["county"], held_on=datetime.date(2026, 4, 1), hours=4
        )

    def mediator(
        self,
        *,
        since=datetime.date(2021, 1, 1),
        cases=4,
        oral=0,
        failed=0,
        difficult=1,
        satisfaction=4,
        trained=2,
        **fields,
    ):
        with all_regions():
            fields = {"political_status": "masses", "background": "lawyer", **fields}
            mediator = MediatorFactory(region=self.unit["township"], **fields)
            mediator.expertise.add(ExpertiseField.objects.first())
            AppointmentFactory(mediator=mediator, committee=self.committee, starts_on=since)
            for n in range(cases):
                case = make_case(self.committee, mediator, received_on=datetime.date(2026, 1, 5))
                result = "failure" if n < failed else "success"
                close_case(
                    case,
                    on=datetime.date(2026, 2, 1),
                    result=result,
                    oral=result == "success" and n < failed + oral,
                    difficulty="complex" if n < difficult else "ordinary",
                )
                if satisfaction is not None:
                    Callback.objects.create(
                        case=case,
                        region=case.region,
                        called_on=datetime.date(2026, 2, 10),
                        satisfaction=satisfaction,
                    )
            for session in [self.session, self.session2][:trained]:
                TrainingAttendance.objects.create(
                    session=session, mediator=mediator, region=mediator.region
                )
            return mediator

    def scope(self):
        """The county's jurisdiction, for a block of service calls made as the county."""
        return jurisdiction(self.unit["county"].prefix)


@pytest.fixture
def county(world):
    city_bureau = world["a"]["city_bureau"]
    with all_regions():
        Policy.objects.create(
            bureau=city_bureau,
            region=city_bureau.region,
            key="grading_criteria",
            value=CRITERIA,
        )
        return County(world)


def county_round(world, **fields):
    bureau = world["a"]["county_bureau"]
    values = {
        "name": "2026年越城区人民调解员等级评定",
        "ranks": [3, 4],
        "cutoff_on": CUTOFF,
        "applications_open_on": datetime.date(2026, 7, 1),
        "applications_close_on": datetime.date(2026, 7, 31),
        "effective_on": datetime.date(2026, 10, 1),
    }
    return services.create_round(bureau, **{**values, **fields})
