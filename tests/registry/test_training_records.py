"""Mentorships, full-time mediators' monthly attendance and leave: pages, forms with
their refusals, leave approval by bureau staff, and the API."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.tenancy import all_regions
from registry.models import LeaveRecord, Mentorship, MonthlyAttendance
from tests.factories import AppointmentFactory, CommitteeFactory, MediatorFactory

LAST_MONTH = (datetime.date.today().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def _count(model):
    with all_regions():
        return model._base_manager.count()


def _full_timer(unit):
    with all_regions():
        committee = CommitteeFactory(region=unit["village"], office=unit["office"])
        return AppointmentFactory(
            mediator=MediatorFactory(region=unit["township"]), committee=committee, full_time=True
        ).mediator


def _part_timer(unit):
    with all_regions():
        committee = CommitteeFactory(region=unit["village"], office=unit["office"])
        return AppointmentFactory(
            mediator=MediatorFactory(region=unit["township"]), committee=committee, full_time=False
        ).mediator


def _records(world, count):
    """*count* mentorships, monthly reports and leave records in 越城区."""
    unit = world["a"]
    for _ in range(count):
        mentor, apprentice = _full_timer(unit), _full_timer(unit)
        with all_regions():
            Mentorship.objects.create(mentor=mentor, apprentice=apprentice, starts_on=LAST_MONTH)
            MonthlyAttendance.objects.create(mediator=mentor, month=LAST_MONTH, days_present=20)
            LeaveRecord.objects.create(
                mediator=apprentice, kind="sick", starts_on=LAST_MONTH, ends_on=LAST_MONTH
            )


@pytest.fixture
def pair(world):
    return _full_timer(world["a"]), _full_timer(world["a"])


# --- Mentorships ----------------------------------------------------------------------------


def test_a_mentorship_is_created_by_name_and_id_card_number(login, world, pair):
    mentor, apprentice = pair
    client = login(world["a"]["county_user"])
    response = client.post(
        "/mentorships/new/",
        {"mentor": mentor.name, "apprentice": apprentice.id_number, "starts_on": "2025-01-01"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/mentorships/"
    listed = client.get("/mentorships/", {"mentor": mentor.name}).context["object_list"]
    assert [(m.mentor, m.apprentice) for m in listed] == [(mentor, apprentice)]


@pytest.mark.parametrize(
    "case, field",
    [
        ("self", "apprentice"),
        ("foreign", "mentor"),
        ("unknown", "apprentice"),
        ("ends_before", "ends_on"),
    ],
)
def test_a_bad_mentorship_is_refused_and_nothing_written(login, world, pair, case, field):
    mentor, apprentice = pair
    data = {"mentor": mentor.name, "apprentice": apprentice.name, "starts_on": "2025-01-01"}
    if case == "self":
        data["apprentice"] = mentor.name
    elif case == "foreign":
        data["mentor"] = _full_timer(world["b"]).name
    elif case == "unknown":
        data["apprentice"] = "110101199001011234"
    else:
        data["ends_on"] = "2024-12-31"
    response = login(world["a"]["county_user"]).post("/mentorships/new/", data)
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {field}
    assert _count(Mentorship) == 0


def test_mentor_filters_are_pickers_not_ten_thousand_options(login, world):
    body = login(world["a"]["county_user"]).get("/mentorships/").content.decode()
    assert '<select name="mentor"' not in body
    assert 'name="mentor"' in body and 'data-picker="/pick/mediator/"' in body


# --- Monthly attendance -------------------------------------------------------------------


def test_monthly_attendance_of_a_full_time_mediator_is_stored_on_the_first(login, world, pair):
    client = login(world["a"]["clerk_user"])
    response = client.post(
        "/attendance/new/",
        {
            "mediator": pair[0].name,
            "month": LAST_MONTH.strftime("%Y-%m"),
            "days_present": 21,
            "days_leave": 1,
        },
    )
    assert response.status_code == 302
    with all_regions():
        stored = MonthlyAttendance.objects.get()
    assert stored.month == LAST_MONTH
    assert list(client.get("/attendance/").context["object_list"]) == [stored]


@pytest.mark.parametrize(
    "case, field",
    [
        ("part_time", "mediator"),
        ("foreign", "mediator"),
        ("future", "month"),
        ("too_many_days", "days_leave"),
        ("bad_month", "month"),
    ],
)
def test_bad_monthly_attendance_is_refused_and_nothing_written(login, world, pair, case, field):
    data = {
        "mediator": pair[0].name,
        "month": LAST_MONTH.strftime("%Y-%m"),
        "days_present": 20,
        "days_leave": 0,
    }
    if case == "part_time":
        data["mediator"] = _part_timer(world["a"]).name
    elif case == "foreign":
        data["mediator"] = _full_timer(world["a2"]).name
    elif case == "future":
        data["month"] = (datetime.date.today() + datetime.timedelta(days=40)).strftime("%Y-%m")
    elif case == "too_many_days":
        data["days_leave"] = 15
    else:
        data["month"] = "2025-13"
    response = login(world["a"]["county_user"]).post("/attendance/new/", data)
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {field}
    assert _count(MonthlyAttendance) == 0


def test_a_month_is_reported_once(login, world, pair):
    client = login(world["a"]["county_user"])
    data = {
        "mediator": pair[0].name,
        "month": LAST_MONTH.strftime("%Y-%m"),
        "days_present": 20,
        "days_leave": 0,
    }
    assert client.post("/attendance/new/", data).status_code == 302
    response = client.post("/attendance/new/", {**data, "days_present": 19})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert _count(MonthlyAttendance) == 1


# --- Leave ----------------------------------------------------------------------------------


def test_leave_is_recorded_and_approved_by_bureau_staff(login, world, pair):
    clerk = login(world["a"]["clerk_user"])
    response = clerk.post(
        "/leave/new/",
        {
            "mediator": pair[0].name,
            "kind": "personal",
            "starts_on": "2025-03-03",
            "ends_on": "2025-03-05",
        },
    )
    assert response.status_code == 302
    with all_regions():
        leave = LeaveRecord.objects.get()
    assert not leave.approved
    url = f"/leave/{leave.pk}/approve/"
    assert clerk.get(url).status_code == 403
    assert clerk.post(url).status_code == 403
    staff = login(world["a"]["county_user"])
    assert staff.get(url).status_code == 200
    assert staff.post(url)["Location"] == "/leave/"
    leave.refresh_from_db()
    assert leave.approved
    page = staff.get("/leave/", {"approved": "true"})
    assert list(page.context["object_list"]) == [leave]


def test_the_leave_form_has_no_approved_box(login, world):
    form = login(world["a"]["clerk_user"]).get("/leave/new/").context["form"]
    assert "approved" not in form.fields


@pytest.mark.parametrize(
    "case, field", [("ends_before", "ends_on"), ("foreign", "mediator"), ("no_kind", "kind")]
)
def test_bad_leave_is_refused_and_nothing_written(login, world, pair, case, field):
    data = {
        "mediator": pair[0].name,
        "kind": "sick",
        "starts_on": "2025-03-05",
        "ends_on": "2025-03-06",
    }
    if case == "ends_before":
        data["ends_on"] = "2025-03-04"
    elif case == "foreign":
        data["mediator"] = _full_timer(world["b"]).name
    else:
        data["kind"] = ""
    response = login(world["a"]["county_user"]).post("/leave/new/", data)
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {field}
    assert _count(LeaveRecord) == 0


# --- Lists and the API ------------------------------------------------------------------------


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "url",
    [
        "/mentorships/",
        "/attendance/",
        "/leave/",
        "/api/v1/mentorships/",
        "/api/v1/monthly-attendance/",
        "/api/v1/leave-records/",
    ],
)
def test_lists_run_constant_queries(login, world, url, django_assert_max_num_queries):
    client = login(world["a"]["county_user"])
    _records(world, 1)
    client.get(url)
    few = _queries(client, url)
    _records(world, 12)
    with django_assert_max_num_queries(few):
        assert client.get(url).status_code == 200


def test_lists_show_nothing_of_another_county(login, world):
    _records(world, 1)
    client = login(world["a2"]["county_user"])
    for url in ("/mentorships/", "/attendance/", "/leave/"):
        assert client.get(url).context["paginator"].count == 0
    for url in ("/api/v1/mentorships/", "/api/v1/monthly-attendance/", "/api/v1/leave-records/"):
        assert client.get(url).json()["count"] == 0


def _post(client, url, data):
    return client.post(url, data, content_type="application/json")


def test_the_api_refuses_mentoring_oneself(login, world, pair):
    response = _post(
        login(world["a"]["county_user"]),
        "/api/v1/mentorships/",
        {"mentor": pair[0].pk, "apprentice": pair[0].pk, "starts_on": "2025-01-01"},
    )
    assert response.status_code == 400
    assert "apprentice" in response.json()
    assert _count(Mentorship) == 0


def test_the_api_stores_monthly_attendance_once_per_month(login, world, pair):
    client = login(world["a"]["county_user"])
    data = {
        "mediator": pair[0].pk,
        "month": LAST_MONTH.replace(day=15).isoformat(),
        "days_present": 20,
    }
    response = _post(client, "/api/v1/monthly-attendance/", data)
    assert response.status_code == 201, response.content
    assert response.json()["month"] == LAST_MONTH.isoformat()
    again = _post(client, "/api/v1/monthly-attendance/", {**data, "month": LAST_MONTH.isoformat()})
    assert again.status_code == 400
    assert _count(MonthlyAttendance) == 1


def test_the_api_refuses_attendance_of_a_part_timer(login, world):
    response = _post(
        login(world["a"]["county_user"]),
        "/api/v1/monthly-attendance/",
        {
            "mediator": _part_timer(world["a"]).pk,
            "month": LAST_MONTH.isoformat(),
            "days_present": 20,
        },
    )
    assert response.status_code == 400
    assert "mediator" in response.json()
    assert _count(MonthlyAttendance) == 0


def test_the_api_refuses_leave_ending_before_it_starts(login, world, pair):
    response = _post(
        login(world["a"]["county_user"]),
        "/api/v1/leave-records/",
        {
            "mediator": pair[0].pk,
            "kind": "sick",
            "starts_on": "2025-03-05",
            "ends_on": "2025-03-01",
        },
    )
    assert response.status_code == 400
    assert "ends_on" in response.json()
    assert _count(LeaveRecord) == 0


def test_the_api_approves_leave_for_bureau_staff_only(login, world, pair):
    clerk = login(world["a"]["clerk_user"])
    created = _post(
        clerk,
        "/api/v1/leave-records/",
        {
            "mediator": pair[0].pk,
            "kind": "sick",
            "starts_on": "2025-03-05",
            "ends_on": "2025-03-06",
            "approved": True,
        },
    ).json()
    assert created["approved"] is False  # read-only: a clerk cannot approve by writing it
    url = f"/api/v1/leave-records/{created['id']}/approve/"
    assert _post(clerk, url, {}).status_code == 403
    response = _post(login(world["a"]["county_user"]), url, {})
    assert response.status_code == 200
    assert response.json()["approved"] is True
