"""The evaluation's list pages, renewal page and API lists run a constant number of
queries, however many evaluations, entries and candidates there are."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from evaluation import services
from tests.evaluation.conftest import YEAR

pytestmark = pytest.mark.django_db


def _published(county, year):
    with county.scope():
        evaluation = services.evaluate_year(county.bureau, year)
        services.review(evaluation, user=county.unit["county_user"])
        return services.publish(evaluation)


def _counts(client, urls):
    counts = {}
    for url in urls:
        client.get(url)  # warm the session and the caches
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200, url
        counts[url] = len(captured)
    return counts


def _urls(evaluation):
    return [
        "/evaluations/",
        "/evaluations/renewals/",
        f"/evaluations/{evaluation.pk}/",
        f"/evaluations/{evaluation.pk}/renewal/",
        "/api/v1/evaluations/",
        "/api/v1/evaluations/renewals/",
        f"/api/v1/evaluations/{evaluation.pk}/entries/",
    ]


def test_lists_do_not_grow_with_rows(login, world, county):
    client = login(world["a"]["county_user"])
    county.mediator(cases=12)
    county.mediator(cases=2)
    small = _published(county, YEAR - 1)
    few = _counts(client, _urls(small))
    for cases in (1, 2, 3, 4, 5, 6, 7, 8, 9, 10):
        county.mediator(cases=cases, complaints=cases % 2)
    big = _published(county, YEAR)
    many = _counts(client, _urls(big))
    assert list(many.values()) == list(few.values()), (few, many)
