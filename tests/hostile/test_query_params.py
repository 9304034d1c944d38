"""Every GET route, given hostile values in every query parameter a filter or a page
reads, answers without a server error.

On PostgreSQL a NUL in a query parameter is refused by the database itself (SQLite
takes it), so a value that reaches a query before its field's check is a 500 there:
the pickers once resolved a typed name that way. The parameter names are gathered
from every FilterSet, so a new filter joins this walk by being declared.
"""

from urllib.parse import urlencode

import django_filters
import pytest

from tests.hostile.walk import own_objects
from tests.isolation.test_walker import DETAIL_ROUTES, LIST_ROUTES, _concrete, _methods, _model_of

# Read by pages and the API outside any FilterSet.
COMMON = {"q", "page", "cursor", "ordering", "limit", "page_size", "format", "next"}
HOSTILE = ["a\x00b", "\ud800", "１２３", "9" * 40]


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def _names() -> list[str]:
    names = set(COMMON)
    for filterset in _subclasses(django_filters.FilterSet):
        names.update(filterset.base_filters)
    return sorted(names)


def _encoded(value: str) -> str:
    # A lone surrogate cannot be encoded as UTF-8; a client sends its bytes as such.
    return value.encode("utf-8", "surrogatepass").decode("latin-1")


def _urls(objects):
    for route, pattern in LIST_ROUTES:
        if "GET" in _methods(pattern) and "<" not in route and "(?P" not in route:
            yield _concrete(route, pattern)
    for route, pattern in DETAIL_ROUTES:
        if "GET" in _methods(pattern) and not route.endswith("download/"):
            yield _concrete(route, pattern, objects[_model_of(pattern)])


@pytest.mark.parametrize("value", HOSTILE, ids=[repr(v) for v in HOSTILE])
def test_no_query_parameter_value_is_a_server_error(client, world, value):
    objects = own_objects(world)
    names = _names()
    assert {"committee", "mediator", "region", "q", "cursor"} <= set(names)
    client.raise_request_exception = False
    client.force_login(world["a"]["county_user"])
    query = urlencode({name: _encoded(value) for name in names}, encoding="latin-1")
    failures, checked = [], 0
    for url in sorted(set(_urls(objects))):
        response = client.get(f"{url}?{query}")
        checked += 1
        if response.status_code >= 500:
            failures.append(f"{url}: {response.status_code}")
    assert checked > 50
    assert not failures, failures
