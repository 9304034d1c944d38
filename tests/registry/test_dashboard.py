"""The roster's counters on the dashboard: active committees, serving mediators, open
term warnings and committees short of the staffing standard, each inside the
jurisdiction and linked to its page."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core import services as core_services
from core.tenancy import all_regions
from registry import services
from registry.models import CommitteeType
from tests.dashboard import dashboard_items
from tests.factories import AppointmentFactory, CommitteeFactory, MediatorFactory

KEYS = {
    "committees": "committees",
    "mediators": "mediators",
    "warnings": "term_warnings",
    "short": "short_of_standard",
}


def _counters(client):
    items = dashboard_items(client.get("/"))
    return {key: items[item] for key, item in KEYS.items()}


def _values(client):
    return {key: c["value"] for key, c in _counters(client).items()}


def _township_committee(unit, full_time):
    with all_regions():
        committee = CommitteeFactory(
            region=unit["township"], kind=CommitteeType.TOWNSHIP, office=unit["office"]
        )
        for _ in range(full_time):
            AppointmentFactory(
                mediator=MediatorFactory(region=unit["township"]), committee=committee
            )
    return committee


@pytest.fixture
def roster(world):
    short = _township_committee(world["a"], 1)
    staffed = _township_committee(world["a"], 2)
    _township_committee(world["a2"], 0)
    _township_committee(world["b"], 0)
    with all_regions():
        MediatorFactory(region=world["a"]["township"], status="left")
        services.deregister_committee(
            _township_committee(world["a"], 0), on=datetime.date.today(), reason="撤并"
        )
    return short, staffed


def test_the_counters_count_inside_the_jurisdiction(login, world, roster):
    county = _values(login(world["a"]["county_user"]))
    assert county == {"committees": 2, "mediators": 3, "warnings": 0, "short": 1}
    city = _values(login(world["a"]["city_user"]))
    assert city == {"committees": 3, "mediators": 3, "warnings": 0, "short": 2}
    assert _values(login(world["b"]["county_user"]))["committees"] == 1


def test_the_short_counter_follows_the_rule(login, world, roster):
    with all_regions():
        core_services.set_policy(world["a"]["county_bureau"], "staffing_standard", {"township": 1})
    assert _values(login(world["a"]["county_user"]))["short"] == 0


def test_each_counter_links_its_page(login, world, roster):
    client = login(world["a"]["county_user"])
    urls = {key: c["url_name"] for key, c in _counters(client).items()}
    assert urls == {
        "committees": "registry:committee_list",
        "mediators": "registry:mediator_list",
        "warnings": "registry:term_warning_list",
        "short": "registry:compliance",
    }
    body = client.get("/").content.decode()
    paths = (
        "/committees/",
        "/mediators/?status=active",
        "/term-warnings/",
        "/reports/staffing/?only_short=on",
    )
    for path in paths:
        assert f'href="{path}"' in body


def test_the_dashboard_queries_do_not_grow(login, world, roster, django_assert_max_num_queries):
    client = login(world["a"]["city_user"])
    client.get("/")
    with CaptureQueriesContext(connection) as captured:
        client.get("/")
    for _ in range(10):
        _township_committee(world["a"], 1)
    with django_assert_max_num_queries(len(captured)):
        assert client.get("/").status_code == 200
