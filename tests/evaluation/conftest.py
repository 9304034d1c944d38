"""A small county bureau to evaluate: a committee and full-time mediators whose year
(last year, so it has ended) is built from real records: cases filed through the
service and closed, callbacks, training, monthly attendance and founded complaints.
Built under ``all_regions``; tests open ``county.scope()`` around service calls."""

import datetime

import pytest
from django.db.models import Q

from core.models import Role
from core.tenancy import all_regions, jurisdiction
from mediation.models import Callback, Case
from registry.models import MonthlyAttendance, TrainingAttendance
from tests.factories import (
    AppointmentFactory,
    CommitteeFactory,
    MediatorFactory,
    TrainingSessionFactory,
    make_case,
)

YEAR = datetime.date.today().year - 1


def day(month, dom=15):
    return datetime.date(YEAR, month, dom)


class County:
    def __init__(self, world):
        self.world = world
        self.unit = world["a"]
        self.bureau = self.unit["county_bureau"]
        with all_regions():
            self.committee = CommitteeFactory(
                region=self.unit["village"], office=self.unit["office"]
            )
            self.session = TrainingSessionFactory(
                region=self.unit["county"], held_on=day(3), hours=8
            )
            self.role = Role.objects.select_related("bureau__region").get(
                user=self.unit["county_user"]
            )

    def scope(self):
        return jurisdiction(self.bureau.region.prefix)

    def mediator(
        self,
        *,
        cases=6,
        failed=0,
        satisfaction=5,
        fulfilled=True,
        trained=True,
        months=12,
        present=21,
        complaints=0,
        full_time=True,
    ):
        with all_regions():
            mediator = MediatorFactory(region=self.unit["township"])
            AppointmentFactory(
                mediator=mediator,
                committee=self.committee,
                starts_on=datetime.date(YEAR - 3, 1, 1),
                full_time=full_time,
                paid_by="bureau" if full_time else "",
            )
            ids = []
            for n in range(cases):
                case = make_case(self.committee, mediator, received_on=day(1 + n % 11, 2))
                ids.append(case.pk)
                Case.objects.filter(pk=case.pk).update(
                    status="closed",
                    closed_on=day(1 + n % 11, 20),
                    result="failure" if n < failed else "success",
                    agreement_form="" if n < failed else "written",
                )
            for pk in ids[:2]:
                Callback.objects.create(
                    case_id=pk,
                    region=self.committee.region,
                    called_on=day(12, 1),
                    satisfaction=satisfaction,
                    fulfilled=fulfilled,
                )
            if trained:
                TrainingAttendance.objects.create(
                    session=self.session, mediator=mediator, region=mediator.region
                )
            MonthlyAttendance.objects.bulk_create(
                [
                    MonthlyAttendance(
                        mediator=mediator,
                        month=day(m, 1),
                        days_present=present,
                        region=mediator.region,
                    )
                    for m in range(1, months + 1)
                ]
            )
            for _n in range(complaints):
                self.founded_complaint(mediator)
        return mediator

    def founded_complaint(self, mediator):
        from complaints.models import Complaint
        from tests.factories import make_complaint

        complaint = make_complaint(mediator=mediator)[0]
        with all_regions():
            Complaint.objects.filter(pk=complaint.pk).update(
                status="concluded", finding="founded", concluded_on=day(6)
            )
        return complaint


@pytest.fixture
def county(world):
    return County(world)


def open_posts(mediator):
    from registry.models import Appointment

    with all_regions():
        return list(
            Appointment._base_manager.filter(mediator=mediator).filter(Q(ends_on__isnull=True))
        )
