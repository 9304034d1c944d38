"""Out-of-range years, dates and months, malformed cursors and extreme numbers are
field errors, 400s or 404s, never 500s: on pages and in the API alike."""

import base64
import json

import pytest
from django.apps import apps

from core.tenancy import all_regions
from tests.factories import FACTORIES, TrainingSessionFactory


def _model(label):
    return apps.get_model(*label.split("."))


def _make(world, label, side="a"):
    with all_regions():
        return FACTORIES[_model(label)](world, side)


def _json(client, method, url, body):
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


@pytest.mark.parametrize("year", ["0", "10000", "-1", "99999999999999999999"])
def test_an_impossible_year_in_a_filter_is_a_field_error(login, world, year):
    with all_regions():
        TrainingSessionFactory(region=world["a"]["county"])
    client = login(world["a"]["county_user"])
    page = client.get("/training/", {"year": year})
    assert page.status_code == 200
    assert page.context["filterset"].form.errors["year"]
    api = client.get("/api/v1/trainings/", {"year": year})
    assert api.status_code == 400
    assert api.json()["year"]


@pytest.mark.parametrize("month", ["0000-05", "2026-13", "9999-12", "10000-01"])
def test_an_impossible_month_is_a_field_error(login, world, month):
    client = login(world["a"]["county_user"])
    callbacks = client.get("/api/v1/callbacks/", {"month": month})
    assert callbacks.status_code == 400
    assert callbacks.json()["month"]
    unreported = client.get("/zero-reports/unreported/", {"month": month})
    assert unreported.status_code == 200
    assert unreported.context["filterset"]["form"].errors["month"]
    listed = client.get("/zero-reports/", {"month": month})
    assert listed.status_code == 200
    assert listed.context["filterset"].form.errors["month"]


def test_a_month_in_range_still_filters(login, world):
    client = login(world["a"]["county_user"])
    assert client.get("/api/v1/callbacks/", {"month": "2025-03"}).status_code == 200


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_a_date_whose_period_would_overflow_is_a_field_error(login, world, day):
    """A term's end is computed from its start (+ the bureau's term length); the
    statistics period and a transfer's day before likewise."""
    committee = _make(world, "registry.Committee")
    appointment = _make(world, "registry.Appointment")
    client = login(world["a"]["county_user"])
    term = client.post(f"/committees/{committee.pk}/terms/new/", {"starts_on": day})
    assert term.status_code == 200
    assert term.context["form"].errors["starts_on"]
    stats = client.get("/api/v1/statistics/", {"from": day})
    assert stats.status_code == 400
    transfer = _json(
        client,
        "post",
        f"/api/v1/appointments/{appointment.pk}/transfer/",
        {"committee": committee.pk, "starts_on": day},
    )
    assert transfer.status_code == 400
    assert transfer.json()["starts_on"]


def _cursor(query: str) -> str:
    return base64.b64encode(query.encode()).decode()


@pytest.mark.parametrize(
    ("ordering", "position"),
    [("", "abc"), ("id", "1.5x"), ("-starts_on", "not-a-date"), ("starts_on", "9999-99-99")],
)
def test_a_cursor_whose_position_does_not_parse_is_invalid(login, world, ordering, position):
    _make(world, "registry.Appointment")
    client = login(world["a"]["county_user"])
    params = {"cursor": _cursor(f"p={position}")}
    if ordering:
        params["ordering"] = ordering
    response = client.get("/api/v1/appointments/", params)
    assert response.status_code == 404
    assert response.json()["detail"]


def test_a_cursor_from_the_previous_page_still_works(login, world):
    for _ in range(3):
        _make(world, "registry.Appointment")
    client = login(world["a"]["county_user"])
    first = client.get("/api/v1/appointments/", {"page_size": 2}).json()
    second = client.get(first["next"])
    assert second.status_code == 200
    assert len(second.json()["results"]) == 1


@pytest.mark.parametrize("persons", [10**20, -1, "NaN", "Infinity", 1.5])
def test_extreme_numbers_in_a_body_are_field_errors(login, world, persons):
    case = _make(world, "mediation.Case")
    client = login(world["a"]["county_user"])
    _json(client, "post", f"/api/v1/cases/{case.pk}/start/", {})
    response = _json(
        client,
        "post",
        f"/api/v1/cases/{case.pk}/close/",
        {
            "result": "success",
            "closed_on": "2025-04-01",
            "agreement_form": "oral",
            "prevented_mass_petition": True,
            "mass_petition_persons": persons,
        },
    )
    assert response.status_code == 400
    assert response.json()["mass_petition_persons"]


@pytest.mark.parametrize("amount", ["NaN", "-Infinity", "1e400", "-5"])
def test_an_impossible_amount_is_a_field_error(login, world, amount):
    appointment = _make(world, "registry.Appointment")
    client = login(world["a"]["county_user"])
    response = _json(
        client,
        "post",
        "/api/v1/cases/",
        {
            "committee": appointment.committee_id,
            "received_on": "2025-03-10",
            "source": "application",
            "dispute_type": "neighbourhood",
            "summary": "邻里纠纷。",
            "lead_mediator": appointment.mediator_id,
            "amount": amount,
        },
    )
    assert response.status_code == 400
    assert response.json()["amount"]


def test_a_huge_record_number_in_a_filter_is_a_field_error(login, world):
    client = login(world["a"]["county_user"])
    response = client.get("/api/v1/mediators/", {"committee": "9" * 30})
    assert response.status_code == 400
    assert response.json()["committee"]
