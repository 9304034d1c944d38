"""The roster's list pages and API lists run a constant number of queries: the
mediator lists measured at 100 and asserted at 10,000 mediators, the committee
lists at a handful and at more than a page of committees."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.personal import digest, make_id_number
from core.tenancy import all_regions
from registry.models import Appointment, Committee, Mediator
from tests.factories import CommitteeFactory

MEDIATOR_URLS = [
    "/mediators/",
    "/mediators/?full_time=true&sort=level",
    "/mediators/?committee_kind=village&expertise=medical&page=2",
    "/api/v1/mediators/",
    "/api/v1/mediators/?full_time=true&ordering=name",
    "/api/v1/appointments/",
]
COMMITTEE_URLS = [
    "/committees/",
    "/committees/?sort=-region&kind=village",
    "/api/v1/committees/",
    "/api/v1/committee-terms/",
]


def _add_mediators(world, committees, start, count):
    """*count* mediators with a post each (every other one full-time) and an
    expertise field, written in bulk. bulk_create skips save(), so the keyed hashes
    are computed here."""
    township = world["a"]["township"]
    mediators = []
    for n in range(start, start + count):
        born = datetime.date(1960, 1, 1) + datetime.timedelta(days=n // 500)
        number = make_id_number("330602", born, n, "M")
        phone = f"138{n:08d}"
        mediators.append(
            Mediator(
                name=f"批量{n:05d}",
                gender="M",
                birth_date=born,
                id_number=number,
                id_number_digest=digest(number),
                phone=phone,
                phone_digest=digest(phone),
                region=township,
                level=1 + n % 4,
            )
        )
    with all_regions():
        Mediator.objects.bulk_create(mediators, batch_size=2000)
        Appointment.objects.bulk_create(
            [
                Appointment(
                    mediator=mediator,
                    committee=committees[n % len(committees)],
                    full_time=n % 2 == 0,
                    starts_on=datetime.date(2023, 1, 1),
                    region=committees[n % len(committees)].region,
                )
                for n, mediator in enumerate(mediators)
            ],
            batch_size=2000,
        )
        Mediator.expertise.through.objects.bulk_create(
            [
                Mediator.expertise.through(mediator_id=m.pk, expertisefield_id="medical")
                for m in mediators
            ],
            batch_size=2000,
        )


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured)


def _with_terms(committees):
    with all_regions():
        for committee in committees:
            committee.terms.create(
                number=1,
                starts_on=datetime.date(2024, 1, 1),
                ends_on=datetime.date(2026, 12, 31),
                region=committee.region,
            )
    return committees


@pytest.fixture
def committees(world):
    with all_regions():
        return _with_terms([CommitteeFactory(region=world["a"]["village"]) for _ in range(3)])


def test_mediator_lists_run_the_same_queries_at_100_and_10000_mediators(
    login, world, committees, django_assert_max_num_queries
):
    _add_mediators(world, committees, 0, 100)
    client = login(world["a"]["county_user"])
    client.get("/mediators/")  # warm the session
    measured = {url: _queries(client, url) for url in MEDIATOR_URLS}
    print("\nqueries at 100 mediators:", measured)
    _add_mediators(world, committees, 100, 9_900)
    with all_regions():
        assert Mediator.objects.count() == 10_000
    for url, count in measured.items():
        with django_assert_max_num_queries(count):
            response = client.get(url)
        assert response.status_code == 200
    assert len(client.get("/mediators/").context["object_list"]) == 50


def test_committee_lists_run_the_same_queries_at_3_and_120_committees(
    login, world, committees, django_assert_max_num_queries
):
    _add_mediators(world, committees, 0, 30)
    client = login(world["a"]["county_user"])
    client.get("/committees/")
    measured = {url: _queries(client, url) for url in COMMITTEE_URLS}
    print("\nqueries at 3 committees:", measured)
    with all_regions():
        more = _with_terms(CommitteeFactory.create_batch(117, region=world["a"]["village"]))
    _add_mediators(world, more, 30, 300)
    with all_regions():
        assert Committee.objects.count() == 120
    for url, count in measured.items():
        with django_assert_max_num_queries(count):
            assert client.get(url).status_code == 200
