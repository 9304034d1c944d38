"""Staffing-standard compliance: each committee's required and actual full-time
mediators under its bureau's rule, the rate per county and township, the chart data,
the workbook, and a constant number of queries."""

import datetime
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from core import services as core_services
from core.tenancy import all_regions, jurisdiction
from registry import reports
from registry.models import CommitteeType, ExitReason
from tests.factories import AppointmentFactory, CommitteeFactory, MediatorFactory

TODAY = datetime.date.today()
URL = "/reports/staffing/"


def _committee(unit, kind, **extra):
    where = {
        CommitteeType.COUNTY: unit["county"],
        CommitteeType.TOWNSHIP: unit["township"],
        CommitteeType.VILLAGE: unit["village"],
    }[kind]
    with all_regions():
        return CommitteeFactory(region=where, kind=kind, office=unit["office"], **extra)


def _staff(committee, full_time, part_time=0, ended=0):
    """Appoint mediators: *full_time* current full-time posts, *part_time* current
    part-time posts, and *ended* full-time posts that ended yesterday."""
    with all_regions():
        for n in range(full_time + part_time + ended):
            gone = n >= full_time + part_time
            AppointmentFactory(
                mediator=MediatorFactory(region=committee.region),
                committee=committee,
                full_time=n < full_time or gone,
                ends_on=TODAY - datetime.timedelta(days=1) if gone else None,
                exit_reason=ExitReason.HEALTH if gone else "",
            )


@pytest.fixture
def roster(world):
    """越城区 (a): a county committee with 2 full-time (needs 3), a township one with 2
    full-time (needs 2) plus a part-timer and an ended post, a village one with none
    (needs 0). 柯桥区 (a2): a township committee with 1 (needs 2)."""
    a, a2 = world["a"], world["a2"]
    county = _committee(a, CommitteeType.COUNTY)
    township = _committee(a, CommitteeType.TOWNSHIP)
    village = _committee(a, CommitteeType.VILLAGE)
    other = _committee(a2, CommitteeType.TOWNSHIP)
    _staff(county, 2)
    _staff(township, 2, part_time=1, ended=1)
    _staff(other, 1)
    return {"county": county, "township": township, "village": village, "other": other}


def _rows(response):
    return {c.code: (c.required, c.actual, c.shortfall) for c, *_ in response.context["rows"]}


def _areas(response):
    return {
        a.area.name: (a.meeting, a.with_requirement, a.shortfall)
        for a in response.context["report"].areas
    }


def test_each_committee_shows_required_actual_and_shortfall(login, world, roster):
    response = login(world["a"]["city_user"]).get(URL)
    assert response.status_code == 200
    assert _rows(response) == {
        roster["county"].code: (3, 2, 1),
        roster["township"].code: (2, 2, 0),
        roster["village"].code: (0, 0, 0),
        roster["other"].code: (2, 1, 1),
    }


def test_the_rate_per_county_counts_committees_with_a_requirement(login, world, roster):
    response = login(world["a"]["city_user"]).get(URL)
    report = response.context["report"]
    assert not report.by_township
    assert _areas(response) == {"越城区": (1, 2, 1), "柯桥区": (0, 1, 1)}
    assert [a.percent for a in report.areas] == [50.0, 0.0]
    assert (report.total.meeting, report.total.with_requirement, report.total.shortfall) == (
        1,
        3,
        2,
    )
    assert report.chart() == {"names": ["越城区", "柯桥区"], "rates": [50.0, 0.0]}


def test_the_chart_data_reaches_the_page_as_json(login, world, roster):
    body = login(world["a"]["city_user"]).get(URL).content.decode()
    assert 'id="compliance-chart"' in body
    assert "vendor/echarts/echarts.min.js" in body
    assert "&quot;rates&quot;: [50.0, 0.0]" in body


def test_a_county_user_sees_townships_and_only_their_county(login, world, roster):
    response = login(world["a"]["county_user"]).get(URL)
    report = response.context["report"]
    assert report.by_township
    assert set(_rows(response)) == {roster[k].code for k in ("county", "township", "village")}
    areas = {(a.area.name, a.area.county_level): a.percent for a in report.areas}
    assert areas == {("越城区", True): 0.0, ("a镇", False): 100.0}


def test_choosing_a_county_breaks_it_down_by_township(login, world, roster):
    response = login(world["a"]["city_user"]).get(URL, {"region": world["a"]["county"].code})
    assert response.context["report"].by_township
    assert roster["other"].code not in _rows(response)


def test_filters_by_type_and_only_short(login, world, roster):
    client = login(world["a"]["city_user"])
    by_type = client.get(URL, {"kind": CommitteeType.TOWNSHIP})
    assert set(_rows(by_type)) == {roster["township"].code, roster["other"].code}
    short = client.get(URL, {"only_short": "on"})
    assert set(_rows(short)) == {roster["county"].code, roster["other"].code}
    # The rates still count every committee: "only short" narrows the table.
    assert _areas(short) == _areas(client.get(URL))


def test_a_bad_filter_is_shown_and_ignored(login, world, roster):
    response = login(world["a"]["city_user"]).get(URL, {"region": "330102000000", "kind": "x"})
    assert response.status_code == 200
    form = response.context["filterset"]["form"]
    assert set(form.errors) == {"region", "kind"}
    assert len(_rows(response)) == 4


def test_deregistered_committees_and_ended_posts_do_not_count(login, world, roster):
    from registry import services

    with all_regions():
        services.deregister_committee(roster["county"], on=TODAY, reason="停止运作")
    response = login(world["a"]["city_user"]).get(URL)
    assert roster["county"].code not in _rows(response)
    assert _rows(response)[roster["township"].code] == (2, 2, 0)


def test_the_bureau_admin_changing_the_rule_changes_the_result(login, world, roster):
    """The city admin sets 5/2/1 on the rules page; every county inherits it."""
    admin = login(world["a"]["admin_user"])
    rule = {"county": 5, "township": 2, "village": 1, "industry": 3}
    cells = {f"standard-{t}": rule.get(t, 0) for t in CommitteeType.values}
    response = admin.post(
        f"/bureaus/{world['a']['city_bureau'].pk}/rules/staffing_standard/", cells
    )
    assert response.status_code == 302
    rows = _rows(admin.get(URL))
    assert rows[roster["county"].code] == (5, 2, 3)
    assert rows[roster["village"].code] == (1, 0, 1)
    assert rows[roster["other"].code] == (2, 1, 1)


def test_a_county_rule_overrides_its_city_for_that_county_only(login, world, roster):
    with all_regions():
        core_services.set_policy(world["a"]["city_bureau"], "staffing_standard", {"township": 3})
        core_services.set_policy(world["a2"]["county_bureau"], "staffing_standard", {"township": 1})
    rows = _rows(login(world["a"]["city_user"]).get(URL))
    assert rows[roster["township"].code] == (3, 2, 1)  # 越城区 follows the city
    assert rows[roster["other"].code] == (1, 1, 0)  # 柯桥区 set its own
    assert rows[roster["county"].code] == (0, 2, 0)  # the city rule names no county minimum


def test_another_citys_rule_does_not_apply(login, world, roster):
    with all_regions():
        core_services.set_policy(world["b"]["city_bureau"], "staffing_standard", {"county": 9})
    assert _rows(login(world["a"]["city_user"]).get(URL))[roster["county"].code] == (3, 2, 1)


def test_the_export_is_the_table_with_numbers_as_numbers(login, world, roster):
    response = login(world["a"]["city_user"]).get(URL, {"only_short": "on", "export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == (_("Committee code"), _("Committee"), _("Type"))
    body = {row[0]: row for row in rows[1:]}
    assert set(body) == {roster["county"].code, roster["other"].code}
    county_row = body[roster["county"].code]
    assert county_row[3:9] == ("越城区", None, 3, 2, 1, _("No"))  # no township
    assert all(isinstance(v, int) for v in county_row[5:8])
    assert body[roster["other"].code][3:5] == ("柯桥区", "a2镇")


def test_another_citys_committees_are_not_in_the_report_or_export(login, world, roster):
    foreign = _committee(world["b"], CommitteeType.COUNTY)
    client = login(world["a"]["city_user"])
    assert foreign.code not in _rows(client.get(URL))
    assert foreign.code.encode() not in client.get(URL, {"export": "xlsx"}).content


def test_the_short_count_matches_the_page(world, roster):
    with jurisdiction(world["a"]["city"].code[:4]):
        assert reports.compliance_rates().total.short == 2
    with jurisdiction(world["a"]["township"].code[:9]):
        assert reports.compliance_rates().total.short == 0


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _grow(world, count):
    for n in range(count):
        unit = world["a"] if n % 2 else world["a2"]
        _staff(_committee(unit, CommitteeType.TOWNSHIP), n % 3, part_time=1)
        _staff(_committee(unit, CommitteeType.VILLAGE), 1)


@pytest.mark.parametrize("query", ["", "?only_short=on", "?export=xlsx"])
def test_queries_do_not_grow_with_committees(
    login, world, roster, query, django_assert_max_num_queries
):
    client = login(world["a"]["city_user"])
    client.get(URL)  # warm the session
    few = _queries(client, URL + query)
    _grow(world, 30)
    with django_assert_max_num_queries(few):
        assert client.get(URL + query).status_code == 200


def test_a_mediator_with_two_full_time_posts_in_a_committee_counts_once(login, world, roster):
    """The counts are of distinct mediators, in the table, the rates and the dashboard
    count alike (a post ending next month beside the one that follows it)."""
    township = roster["township"]
    with all_regions():
        mediator = township.appointments.filter(full_time=True, ends_on=None).first().mediator
        mediator.appointments.update(ends_on=TODAY + datetime.timedelta(days=30))
        AppointmentFactory(mediator=mediator, committee=township, full_time=True)
    response = login(world["a"]["county_user"]).get(URL)
    assert _rows(response)[township.code] == (2, 2, 0)
    with jurisdiction(world["a"]["city"].code[:4]):
        assert reports.compliance_rates().total.short == 2
        (area,) = [a for a in reports.compliance().areas if a.area.code.startswith("330602")]
    assert (area.meeting, area.with_requirement, area.shortfall) == (1, 2, 1)
