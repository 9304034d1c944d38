"""The mediator API: masked numbers out, clear numbers in (write-only), the same
FilterSet as the page, expertise as codes, the ID rules as field errors, no DELETE."""

import datetime
import json

import pytest

from core.personal import id_check_char, make_id_number
from core.tenancy import all_regions
from registry.models import Mediator
from tests.factories import AppointmentFactory, CommitteeFactory, MediatorFactory

BORN = datetime.date(1980, 5, 17)
NEW_ID = make_id_number("330602", BORN, 7, "F")


@pytest.fixture
def api(login):
    """``api(user)(method, url, data)``: a JSON call as *user*."""

    def _as(user):
        client = login(user)

        def call(method, url, data=None):
            if data is None:
                return getattr(client, method)(url)
            return getattr(client, method)(url, json.dumps(data), content_type="application/json")

        return call

    return _as


@pytest.fixture
def mediator(world):
    with all_regions():
        mediator = MediatorFactory(
            region=world["a"]["township"], bank_account="6222021234567890123"
        )
        committee = CommitteeFactory(region=world["a"]["village"])
        AppointmentFactory(mediator=mediator, committee=committee)
        mediator.expertise.add("medical")
        return mediator


def _body(world, **overrides):
    return {
        "name": "王芳",
        "region": world["a"]["township"].code,
        "id_number": NEW_ID,
        "phone": "13800138000",
        "bank_account": "6228480402564890018",
        "expertise": ["marriage_family", "labour"],
        **overrides,
    }


def _count():
    with all_regions():
        return Mediator.objects.count()


def test_lists_and_records_show_masked_numbers_only(api, world, mediator):
    call = api(world["a"]["county_user"])
    for response in (
        call("get", "/api/v1/mediators/"),
        call("get", f"/api/v1/mediators/{mediator.pk}/"),
    ):
        text = response.content.decode()
        for number in (mediator.id_number, mediator.phone, mediator.bank_account):
            assert number not in text
    row = call("get", f"/api/v1/mediators/{mediator.pk}/").json()
    assert row["id_number_masked"] == mediator.id_number_masked
    assert row["phone_masked"] == mediator.phone_masked
    assert row["bank_account_masked"] == mediator.bank_account_masked
    assert not {"id_number", "phone", "bank_account"} & set(row)
    assert row["expertise"] == ["medical"]
    assert [post["full_time"] for post in row["current_posts"]] == [True]


def test_the_list_uses_the_mediator_filterset(api, world, mediator):
    with all_regions():
        MediatorFactory(name="兼职甲", region=world["a"]["township"])
    call = api(world["a"]["county_user"])

    def names(query):
        return [row["name"] for row in call("get", f"/api/v1/mediators/?{query}").json()["results"]]

    assert names("full_time=true") == [mediator.name]
    assert names(f"id_number={mediator.id_number}") == [mediator.name]
    assert names(f"phone={mediator.phone}") == [mediator.name]
    assert names("expertise=medical") == [mediator.name]
    assert names("q=兼职") == ["兼职甲"]
    assert names("ordering=name") == sorted([mediator.name, "兼职甲"])


def test_a_mediator_is_registered_with_clear_numbers_in_and_masked_out(api, world):
    response = api(world["a"]["county_user"])("post", "/api/v1/mediators/", _body(world))
    assert response.status_code == 201, response.content
    data = response.json()
    assert (
        NEW_ID not in response.content.decode() and "13800138000" not in response.content.decode()
    )
    assert data["gender"] == "F" and data["birth_date"] == BORN.isoformat()
    assert sorted(data["expertise"]) == ["labour", "marriage_family"]
    with all_regions():
        mediator = Mediator.objects.get(pk=data["id"])
    assert mediator.id_number == NEW_ID and mediator.bank_account == "6228480402564890018"


def _with_check_digit(first17):
    return first17 + id_check_char(first17)


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"id_number": NEW_ID[:17] + ("0" if NEW_ID[17] != "0" else "1")}, "id_number"),
        ({"id_number": _with_check_digit("33060219800230001")}, "id_number"),
        ({"id_number": None}, "id_number"),
        ({"gender": "M"}, "gender"),
        ({"birth_date": "1990-01-01"}, "birth_date"),
        ({"phone": "12345"}, "phone"),
        ({"bank_account": "12"}, "bank_account"),
        ({"expertise": ["nope"]}, "expertise"),
        ({"region": "330102001000"}, "region"),
    ],
)
def test_bad_input_is_a_field_error_and_writes_nothing(api, world, overrides, field):
    body = {key: value for key, value in _body(world, **overrides).items() if value is not None}
    response = api(world["a"]["county_user"])("post", "/api/v1/mediators/", body)
    assert response.status_code == 400 and field in response.json(), response.content
    assert _count() == 0


@pytest.mark.parametrize("where", ["a", "b"])
def test_a_registered_id_number_is_refused_even_from_another_bureau(api, world, where):
    with all_regions():
        MediatorFactory(
            id_number=NEW_ID, gender="F", birth_date=BORN, region=world[where]["township"]
        )
    response = api(world["a"]["county_user"])("post", "/api/v1/mediators/", _body(world))
    assert response.status_code == 400 and "id_number" in response.json()
    assert _count() == 1


def test_an_update_without_numbers_keeps_them(api, world, mediator):
    call = api(world["a"]["county_user"])
    response = call(
        "patch", f"/api/v1/mediators/{mediator.pk}/", {"name": "改名", "expertise": ["labour"]}
    )
    assert response.status_code == 200, response.content
    put = call(
        "put",
        f"/api/v1/mediators/{mediator.pk}/",
        {"name": "再改", "region": world["a"]["township"].code},
    )
    assert put.status_code == 200, put.content
    with all_regions():
        stored = Mediator.objects.get(pk=mediator.pk)
    assert stored.name == "再改" and stored.id_number == mediator.id_number
    assert stored.phone == mediator.phone and stored.bank_account == mediator.bank_account
    assert [f.code for f in stored.expertise.all()] == ["labour"]


def test_delete_answers_405(api, world, mediator):
    assert (
        api(world["a"]["county_admin"])("delete", f"/api/v1/mediators/{mediator.pk}/").status_code
        == 405
    )
    assert _count() == 1


def test_the_api_is_in_the_openapi_schema(client, world):
    client.force_login(world["a"]["county_user"])  # the schema is for signed-in users
    schema = client.get("/api/schema/").content.decode()
    for path in (
        "/api/v1/mediators/",
        "/api/v1/mediators/{id}/reveal/",
        "/api/v1/appointments/",
        "/api/v1/appointments/{id}/end/",
        "/api/v1/appointments/{id}/transfer/",
    ):
        assert path in schema
    assert "id_number_masked" in schema
