"""The holiday-schedule pages: built-in years, a bureau admin entering a later
year's schedule (audited), and the provisional deadlines recomputed."""

import datetime

from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.calendar_views import parse_days
from core.models import WorkdaySchedule
from core.tenancy import all_regions
from tests.factories import AppointmentFactory, CommitteeFactory, MediatorFactory, make_complaint


def _provisional_complaint(world):
    with all_regions():
        committee = CommitteeFactory(region=world["a"]["village"], office=world["a"]["office"])
        mediator = MediatorFactory(region=world["a"]["township"])
        AppointmentFactory(mediator=mediator, committee=committee)
    complaint, _ = make_complaint(mediator=mediator, received_on=datetime.date(2026, 12, 28))
    assert complaint.due_provisional
    return complaint


def test_parse_days():
    assert parse_days("2027-01-02\n2027-01-01，2027-01-01 、 2027-1-3x") == [
        "2027-01-01",
        "2027-01-02",
        "2027-1-3x",
    ]


def test_list_says_which_years_are_built_in(world, login):
    with all_regions():
        WorkdaySchedule.objects.create(year=2027, holidays=["2027-01-01"])
    page = login(world["a"]["county_user"]).get(reverse("core:workday_list")).content.decode()
    assert 'data-year="2004"' in page and 'data-year="2026"' in page
    assert 'data-year="2027"' in page
    assert reverse("core:workday_edit", args=[2027]) not in page  # staff, not admin
    admin = login(world["a"]["county_admin"])
    admin_page = admin.get(reverse("core:workday_list")).content.decode()
    assert reverse("core:workday_edit", args=[2027]) in admin_page
    assert reverse("core:workday_edit", args=[2026]) not in admin_page
    response = login(world["a"]["county_admin"]).get(reverse("core:workday_list") + "?year=2028")
    assert response.status_code == 302
    assert response["Location"] == reverse("core:workday_edit", args=[2028])


def test_list_query_count_is_constant(world, login):
    client = login(world["a"]["admin_user"])
    with all_regions():
        WorkdaySchedule.objects.create(year=2027)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("core:workday_list"))
    with all_regions():
        for year in range(2028, 2034):
            WorkdaySchedule.objects.create(year=year)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("core:workday_list"))
    assert len(many) == len(few)


def test_admin_enters_2027_and_provisional_deadlines_are_recomputed(world, login):
    complaint = _provisional_complaint(world)
    before = complaint.due_on
    client = login(world["b"]["county_admin"])  # any bureau's admin: national data
    url = reverse("core:workday_edit", args=[2027])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "holidays": "2027-01-01\n2027-02-08, 2027-02-09\n2027-02-10",
            "workdays": "2027-02-06",
        },
        follow=True,
    )
    assert response.status_code == 200
    page = response.content.decode()
    # The message says how many deadlines changed.
    (message,) = [str(m) for m in response.context["messages"]]
    assert "2027" in message and "1" in message.replace("2027", "")
    with all_regions():
        schedule = WorkdaySchedule.objects.get(year=2027)
        complaint.refresh_from_db()
    assert schedule.holidays == ["2027-01-01", "2027-02-08", "2027-02-09", "2027-02-10"]
    assert schedule.workdays == ["2027-02-06"]
    assert schedule.entered_by == world["b"]["county_admin"]
    assert not complaint.due_provisional
    # 1 January 2027 is now a holiday: the deadline moves a day later.
    assert complaint.due_on == before + datetime.timedelta(days=1)
    # Audited, and the history shows on the page.
    entry = LogEntry.objects.get_for_object(schedule).get()
    assert entry.actor == world["b"]["county_admin"]
    assert "history-heading" in page


def test_only_bureau_admins_edit(world, login):
    url = reverse("core:workday_edit", args=[2027])
    for key in ("county_user", "clerk_user", "finance_user"):
        client = login(world["a"][key])
        assert client.get(url).status_code == 403, key
        assert client.post(url, {"holidays": "2027-01-01"}).status_code == 403, key
    assert not WorkdaySchedule.objects.exists()


def test_bad_dates_are_field_errors(world, login):
    client = login(world["a"]["county_admin"])
    url = reverse("core:workday_edit", args=[2027])
    page = client.post(url, {"holidays": "2027-13-01", "workdays": ""}).content.decode()
    assert 'data-field="holidays"' in page
    page = client.post(url, {"holidays": "", "workdays": "2028-01-01"}).content.decode()
    assert 'data-field="workdays"' in page
    page = client.post(url, {"holidays": "2027-01-01", "workdays": "2027-01-01"}).content.decode()
    assert "alert-danger" in page
    assert not WorkdaySchedule.objects.exists()


def test_years_the_library_knows_are_refused(world, login):
    client = login(world["a"]["county_admin"])
    url = reverse("core:workday_edit", args=[2026])
    page = client.get(url).content.decode()
    assert "built-in" in page and "<textarea" not in page
    response = client.post(url, {"holidays": "2026-01-01"})
    assert "alert-danger" in response.content.decode()
    assert not WorkdaySchedule.objects.exists()
    assert client.get(reverse("core:workday_edit", args=[1999])).status_code == 404
