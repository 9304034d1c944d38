"""The dashboard: what waits for each kind of user, each count linking to the list
that shows exactly those rows, in a constant number of queries; the charts a
director compares by; and the finance user's way on while subsidies are not kept."""

import datetime
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from complaints.models import Complaint
from core import services as core_services
from core.models import Job, JobStatus, Role, UserProfile
from core.tenancy import all_regions, jurisdiction
from mediation import dashboard as case_dashboard
from mediation.models import Callback, CallbackDraw, CaseFlag, RankingSnapshot
from mediation.services import close_case
from registry.models import TermWarning
from tests.dashboard import dashboard_items
from tests.factories import (
    AppointmentFactory,
    CommitteeFactory,
    MediatorFactory,
    make_case,
    make_complaint,
)

TODAY = datetime.date.today()
ROLES = ["clerk_user", "county_user", "county_admin", "city_user", "admin_user", "finance_user"]
CLERK_WAITING = {
    "cases_to_close",
    "cases_late",
    "callbacks",
    "reports_to_file",
    "office_complaints_due",
    "office_complaints_overdue",
    "imports_to_confirm",
    "grading_to_check",
    "grading_to_review",
    "honours_open",
    "honours_to_score",
}
STAFF_WAITING = {
    "callbacks",
    "term_warnings",
    "short_of_standard",
    "unreported",
    "flags",
    "draft_rankings",
    "complaints_due",
    "complaints_overdue",
    "imports_to_confirm",
    "grading_to_check",
    "grading_to_review",
    "grading_to_decide",
    "grading_objections",
    "subsidies_to_export",
    "subsidies_budgets_at_risk",
    "evaluation_to_review",
    "evaluation_to_publish",
    "renewal_to_decide",
    "honours_open",
    "honours_to_score",
    "honours_judging",
}
FINANCE_WAITING = {"subsidies_to_export", "subsidies_to_pay", "subsidies_budgets_at_risk"}
ADMIN_WAITING = STAFF_WAITING | {"users_never_logged_in", "users_temporary_password"}


def _days_ago(days):
    return TODAY - datetime.timedelta(days=days)


def _import_job(role, path, *, dry_run=True, errors=()):
    return Job.objects.create(
        kind="import_cases",
        status=JobStatus.DONE,
        created_by=role.user,
        role=role,
        region=role.region,
        params={"records": "cases", "path": path, "dry_run": dry_run},
        result={"records": "cases", "path": path, "dry_run": dry_run, "errors": list(errors)},
    )


def _add_work(unit, n=1, tag="x"):
    """In *unit*: a committee with a mediator and, n times over, an open case past the
    default 30 days, a fresh open case, a closed case waiting for its callback, a flag
    to review, a complaint due this week and one overdue, a committee that has not
    reported, and a checked import waiting for the clerk."""
    with all_regions():
        committee = CommitteeFactory(region=unit["village"], office=unit["office"])
        mediator = MediatorFactory(region=unit["township"])
        AppointmentFactory(mediator=mediator, committee=committee)
        draw = CallbackDraw.objects.get_or_create(
            bureau=unit["county_bureau"],
            month=TODAY.replace(day=1),
            defaults={"rate": 0.15, "seed": 1, "population": 1, "drawn": 1},
            region=unit["county"],
        )[0]
        clerk = Role.objects.get(user=unit["clerk_user"])
        for i in range(n):
            old = make_case(committee, mediator, received_on=_days_ago(60))
            make_case(committee, mediator, received_on=_days_ago(2))
            closed = make_case(committee, mediator, received_on=_days_ago(40))
            close_case(closed, closed_on=_days_ago(35), result="success", agreement_form="oral")
            Callback.objects.create(case=closed, draw=draw, region=closed.region)
            CaseFlag.objects.create(
                case=old, kind="repeated_parties", reason="测试", region=old.region
            )
            soon, _ = make_complaint(mediator=mediator)
            Complaint.objects.filter(pk=soon.pk).update(due_on=TODAY + datetime.timedelta(days=3))
            make_complaint(mediator=mediator, received_on=datetime.date(2025, 1, 6))
            CommitteeFactory(region=unit["village"], office=unit["office"])
            _import_job(clerk, f"imports/{tag}{i}-waiting.xlsx")
            _import_job(clerk, f"imports/{tag}{i}-refused.xlsx", errors=[{"row": 2}])
            _import_job(clerk, f"imports/{tag}{i}-done.xlsx")
            _import_job(clerk, f"imports/{tag}{i}-done.xlsx", dry_run=False)
    return committee, mediator


@pytest.fixture
def desk(world):
    """Work waiting in 越城区 (unit "a"), a draft ranking and a term warning there, and
    a little in 上城区 (unit "b") that no one in "a" may count."""
    committee, mediator = _add_work(world["a"])
    _add_work(world["b"], tag="b")
    with all_regions():
        bureau = world["a"]["county_bureau"]
        RankingSnapshot.objects.create(
            bureau=bureau,
            year=TODAY.year - 1,
            quarter=4,
            version=1,
            cutoff_at=datetime.datetime(TODAY.year, 1, 2, tzinfo=datetime.UTC),
            criteria=["successes"],
            region=bureau.region,
        )
        term = committee.terms.create(
            number=1,
            starts_on=_days_ago(1000),
            ends_on=TODAY + datetime.timedelta(days=20),
            region=committee.region,
        )
        TermWarning.objects.create(term=term, due_on=term.ends_on, region=term.region)
    return {"committee": committee, "mediator": mediator}


def _listed(client, url) -> int:
    """How many rows the page at *url* lists, over all its pages."""
    response = client.get(url)
    assert response.status_code == 200, url
    return response.context["paginator"].count


@pytest.mark.parametrize("role", ROLES)
def test_every_count_is_what_its_link_lists(login, world, desk, role):
    client = login(world["a"][role])
    items = dashboard_items(client.get("/"))
    for key, item in items.items():
        assert _listed(client, item["url"]) == item["value"], (key, item["url"])


@pytest.mark.parametrize(
    ("role", "waiting"),
    [
        ("clerk_user", CLERK_WAITING),
        ("county_user", STAFF_WAITING),
        ("city_user", STAFF_WAITING),
        ("county_admin", ADMIN_WAITING),
        ("finance_user", FINANCE_WAITING),
    ],
)
def test_each_role_sees_what_waits_for_it(login, world, desk, role, waiting):
    board = login(world["a"][role]).get("/").context["dashboard"]
    assert {item["key"] for item in board["waiting"]} == waiting


def test_a_clerk_sees_the_work_of_their_township_and_office(login, world, desk):
    client = login(world["a"]["clerk_user"])
    items = dashboard_items(client.get("/"))
    values = {key: item["value"] for key, item in items.items() if key in CLERK_WAITING}
    assert values == {
        "cases_to_close": 2,
        "cases_late": 1,
        "callbacks": 1,
        # The desk's committee received no case last month unless 60 days ago was in
        # it; the committee founded without cases never did.
        "reports_to_file": values["reports_to_file"],
        "office_complaints_due": 1,
        "office_complaints_overdue": 1,
        "imports_to_confirm": 1,
        "grading_to_check": 0,
        "grading_to_review": 0,
        "honours_open": 0,
        "honours_to_score": 0,
    }
    assert values["reports_to_file"] >= 1
    # Oldest first, the late one in red, on the list and on the dashboard.
    cases = client.get(items["cases_to_close"]["url"]).context["object_list"]
    assert [c.received_on for c in cases] == [_days_ago(60), _days_ago(2)]
    assert items["cases_late"]["alert"] and not items["cases_to_close"]["alert"]
    page = client.get(items["cases_to_close"]["url"]).content.decode()
    assert page.count('class="table-danger overdue"') == 1
    # The checked import links to the page with its "Import now" button.
    jobs = client.get(items["imports_to_confirm"]["url"]).content.decode()
    with all_regions():
        waiting = Job.objects.get(params__path="imports/x0-waiting.xlsx")
    assert waiting.get_absolute_url() in jobs


def test_the_time_to_close_a_case_is_the_bureaus_rule(login, world, desk):
    with all_regions():
        core_services.set_policy(world["a"]["county_bureau"], "case_close_days", 90)
    items = dashboard_items(login(world["a"]["clerk_user"]).get("/"))
    assert items["cases_late"]["value"] == 0 and not items["cases_late"]["alert"]


def test_the_monthly_reports_turn_red_once_the_deadline_passed(login, world, desk):
    with all_regions():
        core_services.set_policy(world["a"]["city_bureau"], "zero_report_deadline_day", 28)
    late = TODAY.day > 28
    item = dashboard_items(login(world["a"]["clerk_user"]).get("/"))["reports_to_file"]
    assert item["alert"] is late
    with all_regions():
        core_services.set_policy(world["a"]["city_bureau"], "zero_report_deadline_day", 1)
    item = dashboard_items(login(world["a"]["clerk_user"]).get("/"))["reports_to_file"]
    assert item["alert"] is (TODAY.day > 1)


def test_overdue_work_is_red_and_named_at_the_top(login, world, desk):
    body = login(world["a"]["county_user"]).get("/").content.decode()
    assert re.search(r'data-testid="complaints_overdue" data-alert="1"', body)
    assert 'data-testid="overdue"' in body
    assert 'data-testid="complaints_due">' in body  # due this week: not red


def test_a_bureau_admin_sees_who_has_not_started(login, world, desk):
    client = login(world["a"]["county_admin"])
    items = dashboard_items(client.get("/"))
    listed = client.get(items["users_never_logged_in"]["url"]).context["object_list"]
    never = {user.username for user in listed}
    assert world["a"]["clerk_user"].username in never
    assert world["a"]["county_admin"].username not in never  # logged in just now
    UserProfile.objects.update_or_create(
        user=world["a"]["clerk_user"], defaults={"must_change_password": True}
    )
    items = dashboard_items(client.get("/"))
    assert items["users_temporary_password"]["value"] == 1


def test_finance_sees_its_settlements_budgets_and_exports(login, world, desk):
    response = login(world["a"]["finance_user"]).get("/")
    body = response.content.decode()
    assert "已批准待导出的结算" in body and "补贴" in body
    links = response.context["dashboard"]["links"]
    assert links and all(link.url() in body for link in links)
    for link in links:
        assert login(world["a"]["finance_user"]).get(link.url()).status_code == 200


@pytest.mark.parametrize("role", ["clerk_user", "county_user", "city_user", "county_admin"])
def test_the_dashboard_queries_do_not_grow_with_the_data(login, world, desk, role):
    client = login(world["a"][role])
    client.get("/")
    with CaptureQueriesContext(connection) as few:
        client.get("/")
    for side in ("a", "a2"):
        _add_work(world[side], n=3, tag=f"more-{side}")
    with CaptureQueriesContext(connection) as many:
        assert client.get("/").status_code == 200
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


# --- Charts -----------------------------------------------------------------------------


LAST_YEAR = (
    datetime.date(TODAY.year - 1, 1, 10),
    datetime.date(TODAY.year - 1, 1, 20),
    datetime.date(TODAY.year - 1, 3, 5),
)


@pytest.fixture
def years(world):
    """Cases in 越城区 in January and March last year and in January this year, and
    one in 柯桥区 this year."""
    with all_regions():
        committee = CommitteeFactory(region=world["a"]["village"])
        mediator = MediatorFactory(region=world["a"]["township"])
        AppointmentFactory(mediator=mediator, committee=committee)
        for day in (*LAST_YEAR, datetime.date(TODAY.year, 1, 1)):
            make_case(committee, mediator, received_on=day)
        other = CommitteeFactory(region=world["a2"]["village"])
        helper = MediatorFactory(region=world["a2"]["township"])
        AppointmentFactory(mediator=helper, committee=other)
        make_case(other, helper, received_on=datetime.date(TODAY.year, 1, 1))


def _chart(response, key):
    match = re.search(rf'id="{key}"[^>]*data-chart="([^"]*)"', response.content.decode())
    assert match, f"no chart {key}"
    return json.loads(match.group(1).replace("&quot;", '"'))


def test_cases_by_month_this_year_against_last(login, world, years):
    response = login(world["a"]["county_user"]).get("/")
    chart = _chart(response, "year-chart")
    assert chart["months"][0] == "一月" and len(chart["months"]) == 12
    assert chart["last_year"] == [2, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]
    assert chart["this_year"][0] == 1
    # Months to come are empty, not zero.
    assert chart["this_year"][TODAY.month :] == [None] * (12 - TODAY.month)
    assert chart["this_label"] == f"{TODAY.year}年"
    city = _chart(login(world["a"]["city_user"]).get("/"), "year-chart")
    assert city["this_year"][0] == 2


def test_a_city_compares_its_counties_and_a_county_its_townships(login, world, years):
    city = login(world["a"]["city_user"]).get("/")
    areas = _chart(city, "area-chart")
    assert areas["names"] == ["越城区", "柯桥区"]
    assert areas["this_year"] == [1, 1]
    # Last year's cases up to the same day of the year.
    same_day = datetime.date(TODAY.year - 1, TODAY.month, 1) + (TODAY - TODAY.replace(day=1))
    assert areas["last_year"] == [sum(day <= same_day for day in LAST_YEAR), 0]
    compliance = _chart(city, "compliance-chart")
    assert compliance["names"] == ["越城区", "柯桥区"]
    county = _chart(login(world["a"]["county_user"]).get("/"), "area-chart")
    assert county["names"] == ["a镇"]


def test_charts_are_drawn_by_the_charts_script_for_directors_only(login, world, years):
    body = login(world["a"]["county_user"]).get("/").content.decode()
    assert "/static/js/charts.js" in body and "/static/vendor/echarts/echarts.min.js" in body
    assert "<script>" not in body  # no inline script: the CSP forbids it
    response = login(world["a"]["clerk_user"]).get("/")
    assert response.context["dashboard"]["charts"] == []
    assert "charts.js" not in response.content.decode()
    # Finance's one chart: the year's subsidy spending against the budget.
    response = login(world["a"]["finance_user"]).get("/")
    assert len(response.context["dashboard"]["charts"]) == 1
    assert "charts.js" in response.content.decode()


def test_the_month_chart_counts_the_year_from_one_query(world, years, django_assert_num_queries):
    with jurisdiction(world["a"]["county"].prefix), django_assert_num_queries(1):
        chart = case_dashboard.cases_by_month(None)
    assert sum(chart["last_year"]) == 3
