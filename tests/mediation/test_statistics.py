"""Statistics: the reported figures per child area, committee and mediator for a
period; the page, its workbook and the API agree; a constant number of queries."""

import datetime
from decimal import Decimal
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from core.tenancy import all_regions
from mediation import services, statistics
from mediation.models import Callback, DisputeType
from tests.factories import AppointmentFactory, CommitteeFactory, MediatorFactory, make_case

URL = "/statistics/"
API = "/api/v1/statistics/"
PERIOD = {"from": "2025-01-01", "to": "2025-12-31"}


def _post(region, office):
    committee = CommitteeFactory(region=region, office=office)
    return AppointmentFactory(mediator=MediatorFactory(region=region), committee=committee)


def _cases(post, n, **closing):
    made = []
    for day in range(n):
        case = make_case(
            post.committee,
            post.mediator,
            received_on=datetime.date(2025, 3 + day % 2, 1 + day),
            amount=Decimal("100.50"),
            difficulty="complex" if day == 0 else "ordinary",
            dispute_type=DisputeType.objects.get(code="neighbourhood" if day else "contract"),
        )
        if closing:
            services.close_case(case, closed_on=datetime.date(2025, 6, 1), **closing)
        made.append(case)
    return made


@pytest.fixture
def cases(world):
    """越城区: a village committee with 3 cases (2 successes, oral; one prevented 民转刑
    with 4 persons of a mass incident), a county-level committee with 1 case;
    柯桥区: a township committee with 2 failures; one callback of satisfaction 4."""
    a, a2 = world["a"], world["a2"]
    with all_regions():
        village = _post(a["village"], a["office"])
        county = _post(a["county"], a["office"])
        other = _post(a2["township"], a2["office"])
        won = _cases(village, 2, result="success", agreement_form="oral", fulfilled=True)
        third = _cases(village, 1)[0]
        services.close_case(
            third,
            closed_on=datetime.date(2025, 6, 1),
            result="success",
            agreement_form="written",
            prevented_criminal=True,
            prevented_mass_incident=True,
            mass_incident_persons=4,
        )
        _cases(county, 1)
        _cases(other, 2, result="failure")
        make_case(village.committee, village.mediator, received_on=datetime.date(2024, 5, 1))
        Callback.objects.create(
            case=won[0], region=won[0].region, called_on=datetime.date(2025, 7, 1), satisfaction=4
        )
    return {"village": village, "county": county, "other": other}


def _by_name(figures):
    return {row.name: row for row in figures.rows}


def test_a_city_sees_its_counties(login, world, cases):
    response = login(world["a"]["city_user"]).get(URL, PERIOD)
    figures = response.context["figures"]
    assert figures.level == statistics.COUNTY
    rows = _by_name(figures)
    assert set(rows) == {"越城区", "柯桥区"}
    yc = rows["越城区"]
    assert (yc.cases, yc.successes, yc.success_rate) == (4, 3, 75.0)
    assert (yc.oral, yc.written, yc.fulfilled) == (2, 1, 2)
    assert (yc.complex_cases, yc.amount) == (3, Decimal("402.00"))
    assert (yc.prevented_criminal, yc.mass_incidents, yc.mass_incident_persons) == (1, 1, 4)
    assert (yc.callbacks, yc.satisfaction) == (1, 4.0)
    assert yc.by_type["contract"] == 3 and yc.by_source["application"] == 4
    assert (figures.total.cases, figures.total.successes) == (6, 3)
    assert figures.total.success_rate == 50.0


def test_the_period_counts_cases_by_date_received(login, world, cases):
    response = login(world["a"]["city_user"]).get(URL, {"from": "2024-01-01", "to": "2024-12-31"})
    assert response.context["figures"].total.cases == 1
    trend = response.context["figures"].trend_chart()
    assert len(trend["months"]) == 12 and sum(trend["cases"]) == 1


def test_drilling_down_to_townships_committees_and_mediators(login, world, cases):
    client = login(world["a"]["city_user"])
    county = client.get(URL, {**PERIOD, "area": world["a"]["county"].code}).context["figures"]
    assert county.level == statistics.TOWNSHIP
    drills = {row.cases: row.drill for row in county.rows}
    assert drills == {1: "area=330602000000&own=1", 3: "area=330602001000"}
    own = client.get(f"{URL}?from=2025-01-01&to=2025-12-31&{drills[1]}").context["figures"]
    assert own.level == statistics.COMMITTEE
    assert [row.name for row in own.rows] == [cases["county"].committee.name]
    township = client.get(f"{URL}?from=2025-01-01&to=2025-12-31&{drills[3]}")
    assert township.context["figures"].level == statistics.COMMITTEE
    (row,) = township.context["figures"].rows
    assert row.drill == f"committee={cases['village'].committee.code}"
    mediators = client.get(f"{URL}?from=2025-01-01&to=2025-12-31&{row.drill}").context["figures"]
    assert mediators.level == statistics.MEDIATOR
    assert [(r.name, r.cases) for r in mediators.rows] == [(cases["village"].mediator.name, 3)]


def test_a_county_user_sees_only_their_county(login, world, cases):
    figures = login(world["a"]["county_user"]).get(URL, PERIOD).context["figures"]
    assert figures.level == statistics.TOWNSHIP and figures.total.cases == 4
    foreign = cases["other"].committee.pk
    response = login(world["a"]["county_user"]).get(URL, {**PERIOD, "committee": foreign})
    assert "committee" in response.context["filterset"]["form"].errors
    assert response.context["figures"].total.cases == 4  # the bad filter is dropped


def test_a_period_ending_before_it_starts_is_an_error_on_to(login, world, cases):
    response = login(world["a"]["city_user"]).get(URL, {"from": "2025-05-01", "to": "2025-01-01"})
    assert response.status_code == 200
    assert "to" in response.context["filterset"]["form"].errors
    api = login(world["a"]["city_user"]).get(API, {"from": "2025-05-01", "to": "2025-01-01"})
    assert api.status_code == 400


def test_page_workbook_and_api_agree(login, world, cases):
    client = login(world["a"]["city_user"])
    page = client.get(URL, PERIOD)
    workbook = load_workbook(BytesIO(client.get(URL, {**PERIOD, "export": "xlsx"}).content))
    sheet = list(workbook.active.values)
    headers, *body = sheet
    api = client.get(API, PERIOD).json()
    assert list(headers) == page.context["headers"]
    page_rows = [[cells[0], cells[1], cells[2]] for _row, cells in page.context["table"]]
    assert [list(r[:3]) for r in body[:-1]] == page_rows
    assert [[r["name"], r["cases"], r["successes"]] for r in api["rows"]] == page_rows
    assert list(body[-1][1:3]) == page.context["total"][1:3]
    assert api["total"]["cases"] == 6 and api["total"]["success_rate"] == 50.0
    names = [h for h in headers]
    assert body[0][names.index(str(statistics.COUNTS["oral"][0]))] == 2


def test_the_page_shows_the_charts_with_local_echarts(login, world, cases):
    body = login(world["a"]["city_user"]).get(URL, PERIOD).content.decode()
    assert 'id="trend-chart"' in body and 'id="type-chart"' in body
    assert "vendor/echarts/echarts.min.js" in body


def test_the_api_is_in_the_schema(login, world):
    schema = login(world["a"]["city_user"]).get("/api/schema/?format=json").json()
    assert "/api/v1/statistics/" in schema["paths"]


def _grow(world, n):
    with all_regions():
        for _ in range(n):
            post = _post(world["a"]["village"], world["a"]["office"])
            _cases(post, 2, result="success", agreement_form="written")


@pytest.mark.parametrize("query", [{}, {"area": "330602001000"}, {"committee": "first"}])
def test_a_constant_number_of_queries(login, world, cases, query):
    client = login(world["a"]["city_user"])
    if query.get("committee"):
        query = {"committee": cases["village"].committee.code}
    counts = []
    for grow in (0, 5):
        _grow(world, grow)
        for url in (URL, API):
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url, {**PERIOD, **query}).status_code == 200
            counts.append(len(captured))
    assert counts[0::2] == [counts[0]] * 2 and counts[1::2] == [counts[1]] * 2
    # One of them looks for kept figures (core.snapshots), which a city this small has none of.
    assert max(counts) <= 13, counts
