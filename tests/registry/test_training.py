"""Training sessions: list, record, create and edit; attendance added by record or ID
card number and removed by bureau staff; the per-mediator training report; the API."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core import services as core_services
from core.tenancy import all_regions
from registry.models import TrainingAttendance, TrainingSession
from tests.factories import MediatorFactory, TrainingSessionFactory

YEAR = datetime.date.today().year


def _count(model):
    with all_regions():
        return model._base_manager.count()


@pytest.fixture
def session(world):
    with all_regions():
        return TrainingSessionFactory(
            region=world["a"]["county"], held_on=datetime.date(YEAR, 3, 5), hours=4
        )


@pytest.fixture
def mediators(world):
    with all_regions():
        return [MediatorFactory(region=world["a"]["township"]) for _ in range(3)]


def _attend(session, *mediators):
    with all_regions():
        for mediator in mediators:
            TrainingAttendance.objects.create(session=session, mediator=mediator)


# --- Sessions ---------------------------------------------------------------------------


def test_the_list_filters_by_year_and_type(login, world, session):
    with all_regions():
        TrainingSessionFactory(region=world["a"]["county"], held_on=datetime.date(2020, 1, 1))
        TrainingSessionFactory(region=world["a"]["county"], kind="initial")
    client = login(world["a"]["county_user"])
    assert client.get("/training/").context["paginator"].count == 3
    assert list(client.get("/training/", {"year": YEAR}).context["object_list"]) == [session]
    initial = client.get("/training/", {"kind": "initial"}).context["object_list"]
    assert [s.kind for s in initial] == ["initial"]


def test_the_list_counts_only_attendees_the_user_may_see(login, world, session, mediators):
    with all_regions():
        outsider = MediatorFactory(region=world["a2"]["township"])
    _attend(session, *mediators, outsider)
    county = login(world["a"]["county_user"]).get("/training/").context["object_list"]
    assert [s.attendee_count for s in county] == [3]


def test_creating_a_session_defaults_to_the_users_unit(login, world):
    client = login(world["a"]["county_user"])
    form = client.get("/training/new/").context["form"]
    assert form.initial["region"] == world["a"]["county"].pk
    response = client.post(
        "/training/new/",
        {
            "title": "新任调解员岗前培训",
            "kind": "initial",
            "held_on": f"{YEAR}-04-01",
            "hours": "6",
            "base": "越城区调解员培训基地",
            "trainer": "王老师",
            "region": world["a"]["county"].pk,
        },
    )
    assert response.status_code == 302
    with all_regions():
        created = TrainingSession.objects.get(title="新任调解员岗前培训")
    assert created.region == world["a"]["county"]
    assert response["Location"] == f"/training/{created.pk}/"


@pytest.mark.parametrize(
    "bad, field",
    [
        ({"hours": "0"}, "hours"),
        ({"held_on": "2025-02-30"}, "held_on"),
        ({"kind": "weekly"}, "kind"),
        ({"region": "330102000000"}, "region"),  # another city
    ],
)
def test_a_bad_session_is_refused_field_by_field(login, world, bad, field):
    data = {
        "title": "培训",
        "kind": "all_staff",
        "held_on": f"{YEAR}-04-01",
        "hours": "2",
        "region": world["a"]["county"].pk,
        **bad,
    }
    before = _count(TrainingSession)
    response = login(world["a"]["county_user"]).post("/training/new/", data)
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {field}
    assert _count(TrainingSession) == before


def test_editing_a_session_is_audited(login, world, session):
    client = login(world["a"]["county_user"])
    data = {
        "title": "全员轮训（修订）",
        "kind": session.kind,
        "held_on": session.held_on.isoformat(),
        "hours": "5.5",
        "region": session.region_id,
    }
    assert client.post(f"/training/{session.pk}/edit/", data).status_code == 302
    page = client.get(f"/training/{session.pk}/")
    assert page.context["object"].hours == 5.5
    assert any(c.field == "title" for e in page.context["history"] for c in e.changes)


def test_finance_may_read_but_not_write_sessions(login, world, session):
    client = login(world["a"]["finance_user"])
    assert client.get(f"/training/{session.pk}/").status_code == 200
    assert client.get("/training/new/").status_code == 403
    assert client.post(f"/training/{session.pk}/", {"mediators": "1"}).status_code == 403


# --- Attendance -----------------------------------------------------------------------


def test_attendees_are_added_by_name_or_id_card_number(login, world, session, mediators):
    first, second, third = mediators
    client = login(world["a"]["county_user"])
    response = client.post(
        f"/training/{session.pk}/",
        {"mediators": f"{first.name}，{second.id_number.lower()}\n{first.name}"},
    )
    assert response.status_code == 302
    page = client.get(f"/training/{session.pk}/")
    assert [a.mediator for a in page.context["attendance"]] == [first, second]
    # Adding the same people again changes nothing; a new one is added.
    client.post(f"/training/{session.pk}/", {"mediators": f"{first.name}、{third.name}"})
    assert _count(TrainingAttendance) == 3


def test_a_clerk_records_attendance_of_a_township_session(login, world, mediators):
    with all_regions():
        township_session = TrainingSessionFactory(region=world["a"]["township"])
        county_session = TrainingSessionFactory(region=world["a"]["county"])
    client = login(world["a"]["clerk_user"])
    response = client.post(f"/training/{township_session.pk}/", {"mediators": mediators[0].name})
    assert response.status_code == 302
    assert _count(TrainingAttendance) == 1
    # A session organised by the county is outside the clerk's township.
    assert client.get(f"/training/{county_session.pk}/").status_code == 404


@pytest.mark.parametrize("who", ["other_county", "other_city", "unknown", "garbage"])
def test_a_mediator_outside_the_jurisdiction_is_a_field_error(
    login, world, session, mediators, who
):
    with all_regions():
        number = {
            "other_county": lambda: MediatorFactory(region=world["a2"]["township"]).name,
            "other_city": lambda: MediatorFactory(region=world["b"]["township"]).id_number,
            "unknown": lambda: "999999",
            "garbage": lambda: "张三",
        }[who]()
    before = _count(TrainingAttendance)
    response = login(world["a"]["county_user"]).post(
        f"/training/{session.pk}/", {"mediators": f"{mediators[0].name}, {number}"}
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"mediators"}
    assert number in response.context["form"].errors["mediators"][0]
    assert _count(TrainingAttendance) == before  # not even the valid one


def test_an_empty_attendance_list_is_refused(login, world, session):
    response = login(world["a"]["county_user"]).post(f"/training/{session.pk}/", {"mediators": " "})
    assert set(response.context["form"].errors) == {"mediators"}


def test_bureau_staff_remove_attendance_and_clerks_may_not(login, world, session, mediators):
    _attend(session, mediators[0])
    with all_regions():
        attendance = TrainingAttendance.objects.get()
    url = f"/training/attendance/{attendance.pk}/remove/"
    clerk = login(world["a"]["clerk_user"])
    assert clerk.get(url).status_code == 403
    assert clerk.post(url).status_code == 403
    assert _count(TrainingAttendance) == 1
    staff = login(world["a"]["county_user"])
    assert staff.get(url).status_code == 200
    response = staff.post(url)
    assert response["Location"] == f"/training/{session.pk}/"
    assert _count(TrainingAttendance) == 0


def test_removing_attendance_of_a_session_organised_above_returns_to_the_report(
    login, world, mediators
):
    with all_regions():
        city_session = TrainingSessionFactory(region=world["a"]["city"])
    _attend(city_session, mediators[0])
    with all_regions():
        attendance = TrainingAttendance.objects.get()
    response = login(world["a"]["county_user"]).post(
        f"/training/attendance/{attendance.pk}/remove/"
    )
    assert response["Location"] == "/training/report/"


# --- Training report ------------------------------------------------------------------


def _report(client, **params):
    response = client.get("/training/report/", params)
    assert response.status_code == 200
    return {m.name: (m.sessions, m.hours, m.min_sessions) for m in response.context["object_list"]}


def test_the_report_counts_sessions_and_hours_of_the_year(login, world, mediators):
    first, second, third = mediators
    with all_regions():
        this_year = [
            TrainingSessionFactory(
                region=world["a"]["county"], held_on=datetime.date(YEAR, m, 1), hours=h
            )
            for m, h in ((1, 4), (2, 2.5))
        ]
        # A city session counts for the county's mediators too.
        city = TrainingSessionFactory(
            region=world["a"]["city"], held_on=datetime.date(YEAR, 3, 1), hours=3
        )
        last_year = TrainingSessionFactory(
            region=world["a"]["county"], held_on=datetime.date(YEAR - 1, 6, 1)
        )
    _attend(this_year[0], first, second)
    _attend(this_year[1], first)
    _attend(city, second)
    _attend(last_year, third)
    client = login(world["a"]["county_user"])
    assert _report(client) == {
        first.name: (2, 6.5, 2),
        second.name: (2, 7, 2),
        third.name: (0, 0, 2),
    }
    response = client.get("/training/report/", {"only_below": "on"})
    assert [m.name for m in response.context["object_list"]] == [third.name]
    assert response.context["below_count"] == 1
    assert _report(client, year=YEAR - 1)[third.name] == (1, 4, 2)


def test_the_minimum_follows_the_bureaus_rule(login, world, mediators):
    with all_regions():
        core_services.set_policy(world["a"]["county_bureau"], "training_min_sessions", 4)
        other = MediatorFactory(region=world["a2"]["township"])
    rows = _report(login(world["a"]["city_user"]))
    assert rows[mediators[0].name][2] == 4
    assert rows[other.name][2] == 2


def test_a_bad_year_is_shown_and_the_current_year_used(login, world, mediators):
    response = login(world["a"]["county_user"]).get("/training/report/", {"year": "1900"})
    assert response.status_code == 200
    assert set(response.context["filterset"]["form"].errors) == {"year"}
    assert response.context["year"] == YEAR


def test_the_report_lists_only_serving_mediators_of_the_jurisdiction(login, world, mediators):
    with all_regions():
        foreign = MediatorFactory(region=world["b"]["township"])
        gone = MediatorFactory(region=world["a"]["township"], status="left")
    names = _report(login(world["a"]["county_user"]))
    assert foreign.name not in names and gone.name not in names
    assert len(names) == 3


def test_the_report_is_paginated(login, world):
    with all_regions():
        for _ in range(55):
            MediatorFactory(region=world["a"]["township"])
    response = login(world["a"]["county_user"]).get("/training/report/", {"page": 2})
    assert response.context["paginator"].count == 55
    assert len(response.context["object_list"]) == 5


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "url", ["/training/report/", "/training/report/?only_below=on", "/training/"]
)
def test_queries_do_not_grow_with_mediators_and_sessions(
    login, world, session, mediators, url, django_assert_max_num_queries
):
    client = login(world["a"]["county_user"])
    client.get(url)
    few = _queries(client, url)
    with all_regions():
        sessions = [
            TrainingSessionFactory(
                region=world["a"]["county"], held_on=datetime.date(YEAR, 5, n + 1)
            )
            for n in range(5)
        ]
        many = [MediatorFactory(region=world["a"]["township"]) for _ in range(40)]
    for n, mediator in enumerate(many):
        _attend(sessions[n % 5], mediator)
    with django_assert_max_num_queries(few):
        assert client.get(url).status_code == 200


# --- API ----------------------------------------------------------------------------------


def test_the_api_lists_sessions_with_visible_attendance(login, world, session, mediators):
    with all_regions():
        outsider = MediatorFactory(region=world["a2"]["township"])
    _attend(session, mediators[0], outsider)
    client = login(world["a"]["county_user"])
    rows = client.get("/api/v1/trainings/").json()["results"]
    assert [(r["id"], r["attendee_count"]) for r in rows] == [(session.pk, 1)]
    one = client.get(f"/api/v1/trainings/{session.pk}/").json()
    assert [a["mediator"] for a in one["attendance"]] == [mediators[0].pk]


def test_the_api_creates_a_session_in_the_users_unit(login, world):
    client = login(world["a"]["county_user"])
    response = client.post(
        "/api/v1/trainings/",
        {"title": "骨干培训", "kind": "backbone", "held_on": f"{YEAR}-05-01", "hours": "3"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["region"] == world["a"]["county"].pk


def test_the_api_adds_attendance_and_refuses_foreign_mediators(login, world, session, mediators):
    client = login(world["a"]["county_user"])
    url = f"/api/v1/trainings/{session.pk}/attendance/"
    response = client.post(
        url, {"mediators": [m.pk for m in mediators[:2]]}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert [a["mediator"] for a in response.json()["attendance"]] == [m.pk for m in mediators[:2]]
    with all_regions():
        foreign = MediatorFactory(region=world["b"]["township"])
    before = _count(TrainingAttendance)
    response = client.post(
        url, {"mediators": [mediators[2].pk, foreign.pk]}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "mediators" in response.json()
    assert _count(TrainingAttendance) == before
    assert client.post(url, {"mediators": []}, content_type="application/json").status_code == 400


def test_the_api_answers_no_delete(login, world, session):
    response = login(world["a"]["county_user"]).delete(f"/api/v1/trainings/{session.pk}/")
    assert response.status_code == 405
    assert _count(TrainingSession) == 1


def test_the_api_filters_by_year(login, world, session):
    with all_regions():
        TrainingSessionFactory(region=world["a"]["county"], held_on=datetime.date(2019, 1, 1))
    rows = login(world["a"]["county_user"]).get("/api/v1/trainings/", {"year": YEAR}).json()
    assert [r["id"] for r in rows["results"]] == [session.pk]


def test_the_api_list_runs_constant_queries(
    login, world, session, mediators, django_assert_max_num_queries
):
    client = login(world["a"]["county_user"])
    url = "/api/v1/trainings/"
    client.get(url)
    few = _queries(client, url)
    with all_regions():
        for _ in range(20):
            extra = TrainingSessionFactory(region=world["a"]["county"])
            _attend(extra, *mediators)
    with django_assert_max_num_queries(few):
        assert len(client.get(url).json()["results"]) == 21
