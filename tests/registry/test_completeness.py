"""Data completeness (seed 000 wants 100 %): the share of active committees and
serving mediators with every required field, per county or township, the field
missing most often, links to the lists, and a constant number of queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.tenancy import all_regions
from registry.models import CommitteeType, ExpertiseField, FilingStatus
from tests.factories import AppointmentFactory, CommitteeFactory, MediatorFactory

URL = "/reports/completeness/"


def _complete_committee(unit, **overrides):
    fields = {
        "region": unit["village"],
        "office": unit["office"],
        "filing_status": FilingStatus.FILED,
        "filed_on": datetime.date(2020, 1, 1),
        "filed_with_office": unit["office"],
        **overrides,
    }
    with all_regions():
        return CommitteeFactory(**fields)


def _complete_mediator(unit, committee=None, **overrides):
    fields = {
        "region": unit["township"],
        "political_status": "cpc",
        "background": "teacher",
        **overrides,
    }
    with all_regions():
        mediator = MediatorFactory(**fields)
        mediator.expertise.add(ExpertiseField.objects.get(code="marriage_family"))
        AppointmentFactory(
            mediator=mediator, committee=committee or _complete_committee(unit), full_time=False
        )
        return mediator


def _tables(response):
    assert response.status_code == 200
    report = response.context["report"]
    return report.committees, report.mediators


def _shares(table):
    return {row.area.name: (row.complete, row.total) for row in table.rows}


def test_a_complete_roster_is_100_percent(login, world):
    _complete_mediator(world["a"])
    committees, mediators = _tables(login(world["a"]["county_user"]).get(URL))
    assert (committees.total.percent, mediators.total.percent) == (100.0, 100.0)
    assert committees.total.most_missing is None
    assert mediators.total.fields_by_missing() == []


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"address": ""}, "address"),
        ({"phone": ""}, "phone"),
        ({"founded_on": None}, "founded_on"),
        ({"office": None}, "office"),
        ({"filing_status": FilingStatus.UNFILED}, "filing_status"),
        ({"kind": CommitteeType.DISPATCHED, "host_institution": ""}, "host_institution"),
        ({"kind": CommitteeType.NAMED, "namesake": ""}, "namesake"),
        ({"kind": CommitteeType.INDUSTRY, "industry_field": None}, "industry_field"),
    ],
)
def test_each_missing_committee_field_is_named(login, world, overrides, field):
    _complete_committee(world["a"])
    _complete_committee(world["a"], **overrides)
    committees, _ = _tables(login(world["a"]["county_user"]).get(URL))
    assert (committees.total.complete, committees.total.total) == (1, 2)
    assert committees.total.most_missing[0] == field
    assert committees.total.missing[field] == 1


def test_a_room_needs_no_office_but_a_village_committee_does(login, world):
    _complete_committee(world["a"], kind=CommitteeType.ENTERPRISE, office=None)
    committees, _ = _tables(login(world["a"]["county_user"]).get(URL))
    assert committees.total.percent == 100.0


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"gender": ""}, "gender"),
        ({"birth_date": None}, "birth_date"),
        ({"phone": ""}, "phone"),
        ({"education": ""}, "education"),
        ({"political_status": ""}, "political_status"),
        ({"background": ""}, "background"),
    ],
)
def test_each_missing_mediator_field_is_named(login, world, overrides, field):
    _complete_mediator(world["a"])
    incomplete = _complete_mediator(world["a"])
    with all_regions():
        # Straight to the table: save() would derive gender and birth date again.
        type(incomplete)._base_manager.filter(pk=incomplete.pk).update(
            **{k: v for k, v in overrides.items() if k != "phone"}
        )
        if "phone" in overrides:
            incomplete.phone = ""
            incomplete.save()
    _, mediators = _tables(login(world["a"]["county_user"]).get(URL))
    assert (mediators.total.complete, mediators.total.total) == (1, 2)
    assert mediators.total.most_missing[0] == field


def test_a_full_time_post_without_a_payer_is_missing_its_funding_source(login, world):
    """Posts stored before a full-time post had to name its payer kept "Unpaid" (the
    old default): the report lists them until someone enters the payer."""
    _complete_mediator(world["a"])
    unfunded = _complete_mediator(world["a"])
    with all_regions():
        AppointmentFactory(mediator=unfunded, committee=_complete_committee(world["a"]))
        funded = _complete_mediator(world["a"])
        AppointmentFactory(mediator=funded, committee=_complete_committee(world["a"]))
        # Straight to the table, as the rows stored before the rule are.
        unfunded.appointments.filter(full_time=True).update(paid_by="unpaid")
    response = login(world["a"]["county_user"]).get(URL)
    _, mediators = _tables(response)
    assert (mediators.total.complete, mediators.total.total) == (2, 3)
    assert mediators.total.most_missing[:2] == ("funding", "专职岗位补贴来源")
    assert "专职岗位补贴来源 (1)" in response.content.decode()


def test_expertise_and_a_current_post_are_required(login, world):
    with all_regions():
        MediatorFactory(
            region=world["a"]["township"],
            political_status="cpc",
            background="lawyer",
        )
    _, mediators = _tables(login(world["a"]["county_user"]).get(URL))
    assert mediators.total.missing["expertise"] == 1
    assert mediators.total.missing["appointments"] == 1
    assert [label for label, _ in mediators.total.fields_by_missing()] == [
        mediators.total.labels["expertise"],
        mediators.total.labels["appointments"],
    ]


def test_the_most_missing_field_is_the_commonest(login, world):
    _complete_committee(world["a"], phone="", address="")
    _complete_committee(world["a"], phone="")
    committees, _ = _tables(login(world["a"]["county_user"]).get(URL))
    assert committees.total.most_missing[0] == "phone"
    assert committees.total.most_missing[2] == 2


def test_a_city_user_sees_counties_and_a_county_user_townships(login, world):
    _complete_mediator(world["a"])
    _complete_committee(world["a"], address="")
    _complete_mediator(world["a2"])
    city = login(world["a"]["city_user"]).get(URL)
    committees, mediators = _tables(city)
    assert not city.context["report"].by_township
    assert _shares(committees) == {"越城区": (1, 2), "柯桥区": (1, 1)}
    assert _shares(mediators) == {"越城区": (1, 1), "柯桥区": (1, 1)}
    county = login(world["a"]["county_user"]).get(URL)
    assert county.context["report"].by_township
    assert _shares(county.context["report"].mediators) == {"a镇": (1, 1)}
    narrowed = login(world["a"]["city_user"]).get(URL, {"region": world["a"]["county"].code})
    assert narrowed.context["report"].by_township


def test_shortfalls_link_to_the_filtered_lists(login, world):
    _complete_committee(world["a"], address="")
    body = login(world["a"]["city_user"]).get(URL).content.decode()
    assert f'href="/committees/?region={world["a"]["county"].code}"' in body


def test_deregistered_committees_and_departed_mediators_do_not_count(login, world):
    _complete_committee(
        world["a"], status="deregistered", deregistered_on=datetime.date(2025, 1, 1), address=""
    )
    with all_regions():
        MediatorFactory(region=world["a"]["township"], status="left")
    committees, mediators = _tables(login(world["a"]["county_user"]).get(URL))
    assert committees.total.total == 0
    assert mediators.total.total == 0


def test_another_citys_records_are_not_counted(login, world):
    _complete_mediator(world["b"])
    committees, mediators = _tables(login(world["a"]["city_user"]).get(URL))
    assert committees.rows == [] and mediators.rows == []


def _queries(client):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(URL).status_code == 200
    return len(captured)


@pytest.mark.parametrize("viewer", ["city_user", "county_user"])
def test_queries_do_not_grow_with_records(login, world, viewer, django_assert_max_num_queries):
    _complete_mediator(world["a"])
    client = login(world["a"][viewer])
    client.get(URL)
    few = _queries(client)
    for n in range(15):
        unit = world["a"] if n % 2 else world["a2"]
        _complete_mediator(
            unit, committee=_complete_committee(unit, phone="" if n % 3 else "0575-1")
        )
    with django_assert_max_num_queries(few):
        assert client.get(URL).status_code == 200


def test_several_posts_and_fields_of_expertise_count_a_mediator_once(login, world):
    """Distinct sets: a mediator with two current posts (one of them in another
    city's committee) and two fields of expertise is one complete record."""
    mediator = _complete_mediator(world["a"])
    with all_regions():
        mediator.expertise.add(ExpertiseField.objects.exclude(code="marriage_family").first())
        AppointmentFactory(
            mediator=mediator, committee=_complete_committee(world["b"]), full_time=False
        )
    _, mediators = _tables(login(world["a"]["county_user"]).get(URL))
    assert (mediators.total.complete, mediators.total.total) == (1, 1)
    assert mediators.total.fields_by_missing() == []


def test_a_post_only_in_another_city_is_a_current_post(login, world):
    mediator = _complete_mediator(world["a"])
    with all_regions():
        mediator.appointments.update(committee=_complete_committee(world["b"]))
    _, mediators = _tables(login(world["a"]["county_user"]).get(URL))
    assert mediators.total.missing["appointments"] == 0
