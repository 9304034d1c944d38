"""List pages and API lists run a constant number of queries, however many rows."""

import pytest

from core.tenancy import all_regions
from tests.factories import JudicialOfficeFactory, RegionFactory

LIST_URLS = [
    "/offices/",
    "/regions/",
    "/bureaus/",
    "/api/v1/offices/",
    "/api/v1/regions/",
    "/api/v1/roles/",
    "/api/v1/bureaus/",
]


def _add_townships(world, count):
    with all_regions():
        county = world["a"]["county"]
        for n in range(2, count + 2):
            township = RegionFactory(code=f"330602{n:03d}000", name=f"加{n}镇", parent=county)
            JudicialOfficeFactory(region=township, bureau=world["a"]["county_bureau"])


def _count_queries(client, url, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("url", LIST_URLS)
def test_list_queries_do_not_grow_with_rows(login, world, url, django_assert_max_num_queries):
    client = login(world["a"]["admin_user"])
    client.get(url)  # warm the session
    few = _count_queries(client, url, django_assert_max_num_queries)
    _add_townships(world, 30)
    with django_assert_max_num_queries(few):
        assert client.get(url).status_code == 200
