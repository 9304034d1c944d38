"""The case picker (mediation.pickers): what staff type to choose a case, with the
same number of queries however many cases match, and hostile text answered with no
options rather than an error."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.tenancy import all_regions
from tests.factories import _appointment, make_case

pytestmark = pytest.mark.django_db


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_endpoint_runs_the_same_queries_for_5_and_50_cases(login, world):
    with all_regions():
        appointment = _appointment(world, "a")

    def add(count):
        with all_regions():
            for _ in range(count):
                make_case(appointment.committee, appointment.mediator)

    client = login(world["a"]["county_user"])
    url = f"/pick/case/?q={appointment.mediator.name}&limit=50"
    add(5)
    client.get(url)
    few = _queries(client, url)
    assert len(client.get(url).json()["results"]) == 5
    add(45)
    assert len(client.get(url).json()["results"]) == 50
    assert _queries(client, url) == few


# As sent on the wire: a NUL, a lone surrogate's UTF-8 bytes, an escape, a long number.
@pytest.mark.parametrize("query", ["%00", "%ED%A0%80", "%E7%AC%AC%1B", "9" * 400])
def test_hostile_text_finds_no_case(login, world, query):
    with all_regions():
        appointment = _appointment(world, "a")
        make_case(appointment.committee, appointment.mediator)
    response = login(world["a"]["county_user"]).get(f"/pick/case/?q={query}")
    assert response.status_code == 200
    assert response.json()["results"] == []
