"""Honours' list pages and API lists run a constant number of queries, however many
rows they show."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.tenancy import all_regions
from honours.models import Nomination
from tests.factories import MediatorFactory
from tests.honours_factories import make_call

URLS = [
    "/honours/",
    "/honours/nominations/",
    "/honours/{call}/",
    "/api/v1/honours/",
    "/api/v1/honour-nominations/",
    "/api/v1/honours/{call}/nominations/",
]


def _add(world, call, count):
    with all_regions():
        for _n in range(count):
            make_call(world["a"]["county_bureau"], name=f"评选{_n}")
            Nomination.objects.create(
                call=call,
                office=world["a"]["office"],
                mediator=MediatorFactory(region=world["a"]["township"]),
                statement="好",
            )


@pytest.mark.parametrize("url", URLS)
def test_lists_run_a_constant_number_of_queries(client, world, url):
    call = make_call(world["a"]["county_bureau"])
    url = url.format(call=call.pk)
    client.force_login(world["a"]["county_admin"])
    _add(world, call, 2)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _add(world, call, 12)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few), f"{url}: {len(few)} then {len(many)} queries"
