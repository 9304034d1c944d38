"""Monthly reporting: zero reports (filed only for an ended month without cases,
once) and the committees that reported neither by their bureau's deadline, on a page
and the dashboard, in a constant number of queries."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.tenancy import all_regions, jurisdiction
from mediation import reporting
from mediation.models import ZeroReport
from tests.dashboard import dashboard_items
from tests.factories import (
    AppointmentFactory,
    CommitteeFactory,
    MediatorFactory,
    PolicyFactory,
    make_case,
)

TODAY = datetime.date.today()
LAST_MONTH = reporting.previous_month(TODAY)


def _post(unit, **extra):
    committee = CommitteeFactory(region=unit["village"], office=unit["office"], **extra)
    return AppointmentFactory(mediator=MediatorFactory(region=unit["village"]), committee=committee)


@pytest.fixture
def posts(world):
    """越城区: one committee with a case last month, two without."""
    with all_regions():
        busy, quiet, silent = (_post(world["a"]) for _ in range(3))
        make_case(busy.committee, busy.mediator, received_on=LAST_MONTH + datetime.timedelta(3))
    return {"busy": busy, "quiet": quiet, "silent": silent}


def test_a_clerk_files_a_zero_report(login, world, posts):
    client = login(world["a"]["clerk_user"])
    code = posts["quiet"].committee.code
    response = client.post(
        "/zero-reports/new/", {"committee": code, "month": f"{LAST_MONTH:%Y-%m}"}
    )
    assert response.status_code == 302
    with all_regions():
        report = ZeroReport.objects.get()
    assert (report.committee, report.month) == (posts["quiet"].committee, LAST_MONTH)
    assert report.filed_by == world["a"]["clerk_user"]
    listed = client.get("/zero-reports/")
    assert list(listed.context["object_list"]) == [report]


@pytest.mark.parametrize(
    ("which", "month", "field"),
    [
        ("busy", LAST_MONTH, "month"),  # it had a case
        ("quiet", TODAY.replace(day=1), "month"),  # this month has not ended
        ("unknown", LAST_MONTH, "committee"),
    ],
)
def test_a_bad_zero_report_is_refused(login, world, posts, which, month, field):
    code = posts[which].committee.code if which in posts else "NO-SUCH"
    response = login(world["a"]["clerk_user"]).post(
        "/zero-reports/new/", {"committee": code, "month": f"{month:%Y-%m}"}
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    with all_regions():
        assert not ZeroReport.objects.exists()


def test_a_zero_report_is_filed_once_and_not_for_another_jurisdiction(login, world, posts):
    with jurisdiction(world["a"]["county"].prefix):
        reporting.file_zero_report(committee=posts["quiet"].committee, month=LAST_MONTH)
        with pytest.raises(ValidationError) as excinfo:
            reporting.file_zero_report(committee=posts["quiet"].committee, month=LAST_MONTH)
        assert list(excinfo.value.message_dict) == ["month"]
    form = {"committee": posts["silent"].committee.code, "month": f"{LAST_MONTH:%Y-%m}"}
    response = login(world["b"]["clerk_user"]).post("/zero-reports/new/", form)
    assert "committee" in response.context["form"].errors
    with all_regions():
        assert ZeroReport.objects.count() == 1


def test_unreported_committees_after_the_deadline(world, posts):
    deadline = LAST_MONTH + datetime.timedelta(days=31)  # first day of this month
    deadline = deadline.replace(day=5)
    with jurisdiction(world["a"]["county"].prefix):
        before = reporting.unreported_committees(today=deadline)
        assert not before.exists()  # the 5th is the deadline itself
        after = deadline + datetime.timedelta(days=1)
        late = set(reporting.unreported_committees(today=after))
        assert late == {posts["quiet"].committee, posts["silent"].committee}
        reporting.file_zero_report(committee=posts["quiet"].committee, month=LAST_MONTH)
        assert set(reporting.unreported_committees(today=after)) == {posts["silent"].committee}
        # An earlier month: every deadline has passed.
        earlier = reporting.previous_month(LAST_MONTH)
        assert len(reporting.unreported_committees(earlier, today=after)) == 3


def test_the_bureau_sets_its_own_deadline(world, posts):
    with all_regions():
        PolicyFactory(
            bureau=world["a"]["county_bureau"],
            region=world["a"]["county"],
            key="zero_report_deadline_day",
            value=10,
        )
    day = (LAST_MONTH + datetime.timedelta(days=31)).replace(day=8)
    with jurisdiction(world["a"]["county"].prefix):
        assert not reporting.unreported_committees(today=day).exists()
        assert reporting.unreported_committees(today=day.replace(day=11)).count() == 2


def test_a_committee_founded_later_owes_nothing(world, posts):
    with all_regions():
        _post(world["a"], founded_on=TODAY)
    with jurisdiction(world["a"]["county"].prefix):
        overdue = reporting.unreported_committees(reporting.previous_month(LAST_MONTH))
        assert overdue.count() == 3


def test_the_page_and_the_dashboard_counter(login, world, posts):
    client = login(world["a"]["county_user"])
    earlier = reporting.previous_month(LAST_MONTH)
    response = client.get("/zero-reports/unreported/", {"month": f"{earlier:%Y-%m}"})
    assert response.status_code == 200
    assert len(response.context["object_list"]) == 3
    counter = dashboard_items(client.get("/"))["unreported"]
    with jurisdiction(world["a"]["county"].prefix):
        expected = reporting.unreported_committees().count()  # 0 until the 5th has passed
    assert (counter["value"], counter["url_name"]) == (expected, "mediation:unreported")


def test_a_constant_number_of_queries(login, world, posts):
    client = login(world["a"]["county_user"])
    earlier = {"month": f"{reporting.previous_month(LAST_MONTH):%Y-%m}"}
    counts = []
    with all_regions():
        ZeroReport.objects.create(
            committee=posts["quiet"].committee,
            month=reporting.previous_month(LAST_MONTH),
            region=posts["quiet"].committee.region,
        )
    for grow in (0, 6):
        with all_regions():
            for _ in range(grow):
                quiet = _post(world["a"]).committee
                ZeroReport.objects.create(
                    committee=quiet, month=reporting.previous_month(LAST_MONTH), region=quiet.region
                )
                _post(world["a"])
        for url, query in (("/zero-reports/unreported/", earlier), ("/zero-reports/", {})):
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url, query).status_code == 200
            counts.append(len(captured))
    assert counts[:2] == counts[2:], counts
    with all_regions():
        assert ZeroReport.objects.count() == 7
