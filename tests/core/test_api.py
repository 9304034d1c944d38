from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from core.models import JudicialOffice, Role, RoleKind
from core.tenancy import all_regions


@pytest.fixture
def api():
    return APIClient()


def _token(api, username):
    response = api.post("/api/v1/auth/token/", {"username": username, "password": "pass-word-123"})
    assert response.status_code == 200, response.content
    return response.json()["token"]


def test_a_token_reads_the_users_jurisdiction(api, world):
    api.credentials(HTTP_AUTHORIZATION=f"Token {_token(api, 'a_county')}")
    response = api.get("/api/v1/offices/")
    assert response.status_code == 200
    assert [o["id"] for o in response.json()["results"]] == [world["a"]["office"].pk]


def test_a_missing_token_answers_401_in_json(api, world):
    response = api.get("/api/v1/offices/")
    assert response.status_code in (401, 403)
    assert "detail" in response.json()


def test_an_expired_token_answers_401_in_json(api, world):
    key = _token(api, "a_county")
    Token.objects.filter(key=key).update(created=timezone.now() - timedelta(days=30))
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = api.get("/api/v1/offices/")
    assert response.status_code == 401
    assert response.json()["detail"]


def test_an_expired_token_is_replaced_on_request(api, world):
    key = _token(api, "a_county")
    Token.objects.filter(key=key).update(created=timezone.now() - timedelta(days=30))
    assert _token(api, "a_county") != key


def test_the_widest_role_is_used_unless_another_is_named(api, world):
    user = world["a"]["county_user"]
    with all_regions():
        city_role = Role.objects.create(
            user=user, kind=RoleKind.AUDITOR, bureau=world["a"]["city_bureau"]
        )
        county_role = Role.objects.get(user=user, kind=RoleKind.BUREAU_STAFF)
    api.credentials(HTTP_AUTHORIZATION=f"Token {_token(api, 'a_county')}")
    assert api.get("/api/v1/me/").json()["active_role"]["id"] == city_role.pk
    assert len(api.get("/api/v1/offices/").json()["results"]) == 2
    response = api.get("/api/v1/offices/", HTTP_X_ROLE=str(county_role.pk))
    assert len(response.json()["results"]) == 1


def test_naming_a_role_the_user_does_not_hold_is_refused(api, world):
    api.credentials(HTTP_AUTHORIZATION=f"Token {_token(api, 'a_county')}")
    response = api.get("/api/v1/offices/", HTTP_X_ROLE=str(world["b"]["clerk_role"].pk))
    assert response.status_code == 403
    assert response.json()["detail"]


def test_creating_an_office_in_another_county_is_a_field_error(api, world):
    api.force_authenticate(world["a"]["county_user"])
    response = api.post(
        "/api/v1/offices/",
        {
            "name": "越界司法所",
            "bureau": world["a"]["county_bureau"].pk,
            "region": world["a2"]["township"].pk,
        },
        format="json",
    )
    assert response.status_code == 400
    assert "region" in response.json()
    with all_regions():
        assert not JudicialOffice.objects.filter(name="越界司法所").exists()


def test_creating_an_office_inside_the_jurisdiction_is_audited(api, world):
    from tests.factories import RegionFactory

    with all_regions():
        township = RegionFactory(code="330602002000", name="二镇", parent=world["a"]["county"])
    api.force_authenticate(world["a"]["county_user"])
    response = api.post(
        "/api/v1/offices/",
        {"name": "二镇司法所", "bureau": world["a"]["county_bureau"].pk, "region": township.pk},
        format="json",
    )
    assert response.status_code == 201, response.content
    history = api.get(f"/api/v1/offices/{response.json()['id']}/history/").json()["results"]
    assert history[0]["action"] == "create"
    assert history[0]["actor"] == "a_county"
    # The role picked after DRF authenticated the token's user is the one recorded.
    assert history[0]["role"]["kind"] == "bureau_staff"


def test_read_only_roles_cannot_write(api, world):
    api.force_authenticate(world["a"]["finance_user"])
    office = world["a"]["office"]
    response = api.patch(f"/api/v1/offices/{office.pk}/", {"name": "x"}, format="json")
    assert response.status_code == 403


def test_a_policy_value_is_validated(api, world):
    api.force_authenticate(world["a"]["admin_user"])
    bureau = world["a"]["city_bureau"]
    response = api.post(
        "/api/v1/policies/",
        {"bureau": bureau.pk, "key": "callback_rate", "value": 7},
        format="json",
    )
    assert response.status_code == 400
    assert "value" in response.json()
    response = api.post(
        "/api/v1/policies/", {"bureau": bureau.pk, "key": "nonsense", "value": 1}, format="json"
    )
    assert response.status_code == 400 and "key" in response.json()


def test_a_malformed_division_code_is_a_field_error(api, world):
    api.force_authenticate(world["a"]["county_user"])
    response = api.post(
        "/api/v1/regions/",
        {"code": "33060200X000", "name": "x", "parent": world["a"]["county"].pk},
        format="json",
    )
    assert response.status_code == 400
    assert "code" in response.json()


def test_the_schema_and_docs_are_served_locally(client, world):
    client.force_login(world["a"]["county_user"])
    assert client.get("/api/schema/").status_code == 200
    docs = client.get("/api/docs/").content.decode()
    assert "cdn" not in docs.lower()
