"""Keyset pages (core.api.pagination.KeysetPagination) walk a list whose key ties
on many rows, forwards and back, with every row once and in order; cursors that do
not parse are 404s, never 500s."""

import base64
import datetime

import pytest

from core.tenancy import all_regions
from tests.factories import AppointmentFactory, CommitteeFactory, MediatorFactory, make_case

DAYS = [datetime.date(2025, 3, 10), datetime.date(2025, 3, 11)]


@pytest.fixture
def cases(world):
    """Seven cases on two days: every page of two ends inside a run of ties."""
    with all_regions():
        committee = CommitteeFactory(region=world["a"]["village"], office=world["a"]["office"])
        post = AppointmentFactory(
            mediator=MediatorFactory(region=world["a"]["township"]),
            committee=committee,
            starts_on=datetime.date(2020, 1, 1),
        )
        made = [make_case(committee, post.mediator, received_on=DAYS[n % 2]) for n in range(7)]
    return sorted(made, key=lambda c: (c.received_on, c.pk))


def _walk(client, url, params, link="next"):
    pages, response = [], client.get(url, params)
    while True:
        assert response.status_code == 200
        body = response.json()
        pages.append([row["id"] for row in body["results"]])
        if not body[link]:
            return pages, body
        response = client.get(body[link])


@pytest.mark.parametrize("ordering", ["", "received_on", "-received_on", "id", "-number"])
def test_the_case_pages_hold_every_case_once_in_order(login, world, cases, ordering):
    client = login(world["a"]["county_user"])
    params = {"page_size": 2, **({"ordering": ordering} if ordering else {})}
    key = (ordering or "-received_on").lstrip("-")
    descending = not ordering or ordering.startswith("-")
    expected = [
        c.pk for c in sorted(cases, key=lambda c: (getattr(c, key), c.pk), reverse=descending)
    ]
    forwards, last = _walk(client, "/api/v1/cases/", params)
    assert [pk for page in forwards for pk in page] == expected
    assert [len(page) for page in forwards] == [2, 2, 2, 1]
    # Back from the last page through the previous links: the same pages.
    backwards, _ = _walk(client, last["previous"], {}, link="previous")
    assert backwards == forwards[-2::-1]


@pytest.mark.parametrize("ordering", ["name", "region_id"])
def test_mediators_of_one_name_page_by_id(login, world, ordering):
    with all_regions():
        made = [MediatorFactory(region=world["a"]["township"], name="王芳") for _ in range(5)]
    client = login(world["a"]["county_user"])
    pages, _ = _walk(client, "/api/v1/mediators/", {"page_size": 2, "ordering": ordering})
    names = [pk for page in pages for pk in page]
    assert [pk for pk in names if pk in {m.pk for m in made}] == sorted(m.pk for m in made)
    assert len(names) == len(set(names))


def _cursor(query: str) -> str:
    return base64.b64encode(query.encode()).decode()


@pytest.mark.parametrize(
    "position",
    ["2025-03-10", "2025-03-10|x", "not-a-date|1", "2025-03-10|1.5", "|", "2025-02-30|1"],
)
def test_a_case_cursor_that_does_not_parse_is_invalid(login, world, cases, position):
    client = login(world["a"]["county_user"])
    response = client.get("/api/v1/cases/", {"cursor": _cursor(f"p={position}")})
    assert response.status_code == 404
    assert response.json()["detail"]


def test_a_cursor_position_out_of_range_is_an_empty_page_or_invalid(login, world, cases):
    client = login(world["a"]["county_user"])
    response = client.get("/api/v1/cases/", {"cursor": _cursor(f"p=2025-03-10|{10**30}")})
    assert response.status_code in (200, 404)


@pytest.mark.parametrize("ordering", ["region", "-kind", "code"])
def test_the_committee_pages_hold_every_committee_once(login, world, ordering):
    """Ordered by a foreign key (the cursor holds its code, not its name) or by a
    key most committees share."""
    with all_regions():
        for unit in ("a", "a2"):
            for _ in range(3):
                CommitteeFactory(region=world[unit]["village"], office=world[unit]["office"])
    client = login(world["a"]["city_user"])
    params = {"page_size": 2, "ordering": ordering}
    pages, last = _walk(client, "/api/v1/committees/", params)
    ids = [pk for page in pages for pk in page]
    assert len(ids) == len(set(ids)) == 6
    backwards, _ = _walk(client, last["previous"], {}, link="previous")
    assert backwards == pages[-2::-1]
