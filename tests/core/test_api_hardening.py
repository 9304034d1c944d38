"""Findings of the outside probe, one class each: a write cannot re-key or move a row
(nor reach one outside the jurisdiction), an API error cannot leave its contexts in
the thread, the browsable API and the schema show nothing a user may not see, and a
token user reaches the API root. The route-by-route walk is in tests/isolation."""

import os
import secrets
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from auditlog.context import auditlog_value
from auditlog.models import LogEntry
from cryptography.fernet import Fernet
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models.signals import pre_save
from django.test import Client
from django.urls import path
from django_scopes import get_scope
from rest_framework import exceptions
from rest_framework.authtoken.models import Token
from rest_framework.response import Response
from rest_framework.test import APIClient
from rest_framework.views import APIView

from core.api.viewsets import JurisdictionAPIMixin
from core.models import JudicialOffice, Region, Role, RoleKind
from core.tenancy import (
    OutsideJurisdiction,
    ScopeError,
    StoredKeyChanged,
    active_prefix,
    all_regions,
    jurisdiction,
)
from tests.factories import CommitteeFactory, RegionFactory

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def api():
    return APIClient()


def _stored(model, pk):
    with all_regions():
        return model._base_manager.values().get(pk=pk)


# --- No primary key and no region changes through a write ------------------------


@pytest.fixture
def own_village(world):
    """A village the county adds under its own township, as in the probe's report."""
    with all_regions():
        return RegionFactory(code="330602001009", name="新村", parent=world["a"]["township"])


def _other_township(world):
    with all_regions():
        return RegionFactory(code="330602002000", name="二镇", parent=world["a"]["county"])


def test_a_county_cannot_recode_its_village_into_another_countys(api, world, own_village):
    foreign = world["a2"]["village"]
    foreign_before = _stored(Region, foreign.pk)
    api.force_authenticate(world["a"]["county_user"])
    response = api.patch(
        f"/api/v1/regions/{own_village.pk}/",
        {"code": foreign.pk, "name": "被改名"},
        format="json",
    )
    assert response.status_code == 400
    assert "code" in response.json()
    assert _stored(Region, foreign.pk) == foreign_before
    assert _stored(Region, own_village.pk)["name"] == "新村"


def test_a_region_cannot_move_under_another_parent(api, world, own_village):
    other_township = _other_township(world)
    api.force_authenticate(world["a"]["county_user"])
    response = api.patch(
        f"/api/v1/regions/{own_village.pk}/", {"parent": other_township.pk}, format="json"
    )
    assert response.status_code == 400
    assert _stored(Region, own_village.pk)["parent_id"] == world["a"]["township"].pk


def test_a_region_can_still_be_renamed(api, world, own_village):
    api.force_authenticate(world["a"]["county_user"])
    response = api.patch(f"/api/v1/regions/{own_village.pk}/", {"name": "新名村"}, format="json")
    assert response.status_code == 200, response.content
    assert _stored(Region, own_village.pk)["name"] == "新名村"


def test_an_update_that_repeats_the_stored_region_is_accepted(api, world):
    office = world["a"]["office"]
    api.force_authenticate(world["a"]["county_user"])
    response = api.patch(
        f"/api/v1/offices/{office.pk}/",
        {"name": "改名司法所", "region": office.region_id, "id": office.pk},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert _stored(JudicialOffice, office.pk)["name"] == "改名司法所"


def test_an_update_cannot_move_a_row_inside_the_own_county(api, world):
    with all_regions():
        village = world["a"]["village"]
        committee = CommitteeFactory(region=village, office=world["a"]["office"])
        other_village = RegionFactory(
            code="330602001002", name="二村", parent=world["a"]["township"]
        )
    api.force_authenticate(world["a"]["county_user"])
    response = api.patch(
        f"/api/v1/committees/{committee.pk}/", {"region": other_village.pk}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["region"]
    assert _stored(type(committee), committee.pk)["region_id"] == village.pk


def test_a_new_region_is_checked_against_every_region(world):
    taken = Region(code=world["b"]["village"].pk, name="重复", parent=world["b"]["township"])
    with jurisdiction(world["a"]["county"].prefix), pytest.raises(ValidationError) as error:
        taken.validate_unique()
    assert "code" in error.value.message_dict


def test_a_stored_row_cannot_be_saved_under_another_key(world):
    with jurisdiction(world["a"]["county"].prefix):
        office = JudicialOffice.objects.get(pk=world["a"]["office"].pk)
        office.pk = world["a2"]["office"].pk
        with pytest.raises(StoredKeyChanged):
            office.save()
    assert _stored(JudicialOffice, world["a2"]["office"].pk)["name"] == "a2镇司法所"


def test_a_save_never_updates_a_row_outside_the_jurisdiction(world):
    """Django saves a row with a key it did not load by UPDATE ... WHERE pk = key,
    through the unscoped base manager: scoped, that UPDATE finds nothing to change."""
    foreign = world["b"]["village"]
    before = _stored(Region, foreign.pk)
    impostor = Region(code=foreign.pk, name="被改名", parent_id=foreign.parent_id)
    prefix = world["a"]["county"].prefix
    with jurisdiction(prefix), pytest.raises(OutsideJurisdiction), transaction.atomic():
        impostor.save()
    assert _stored(Region, foreign.pk) == before


def test_a_save_with_no_jurisdiction_active_fails_closed(world):
    office = world["a"]["office"]
    office.name = "无辖区"
    with pytest.raises(ScopeError), transaction.atomic():
        office.save()
    assert _stored(JudicialOffice, office.pk)["name"] == "a镇司法所"


@pytest.fixture
def office_moved_out(monkeypatch, world):
    """An office whose derived region would land in the sibling county: what the
    re-check after a write exists for."""
    with all_regions():
        outside = RegionFactory(code="330603002000", name="a2二镇", parent=world["a2"]["county"])
    monkeypatch.setattr(JudicialOffice, "region_for_write", lambda self: outside)
    return world["a"]["office"]


def test_the_api_rechecks_the_stored_row_and_rolls_back(api, world, office_moved_out):
    api.force_authenticate(world["a"]["county_user"])
    response = api.patch(f"/api/v1/offices/{office_moved_out.pk}/", {"name": "越界"}, format="json")
    assert response.status_code == 400
    stored = _stored(JudicialOffice, office_moved_out.pk)
    assert (stored["name"], stored["region_id"]) == ("a镇司法所", world["a"]["township"].pk)


def test_an_edit_page_rechecks_the_stored_row_and_rolls_back(client, world, office_moved_out):
    client.force_login(world["a"]["county_user"])
    response = client.post(
        f"/offices/{office_moved_out.pk}/edit/",
        {"bureau": world["a"]["county_bureau"].pk, "name": "越界"},
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert _stored(JudicialOffice, office_moved_out.pk)["name"] == "a镇司法所"


def test_an_edit_page_shows_the_region_but_ignores_a_posted_one(client, world):
    office = world["a"]["office"]
    with all_regions():
        other_township = RegionFactory(
            code="330602002000", name="二镇", parent=world["a"]["county"]
        )
    client.force_login(world["a"]["county_user"])
    page = client.get(f"/offices/{office.pk}/edit/")
    assert page.context["form"].fields["region"].disabled
    assert "disabled" in page.content.decode()
    response = client.post(
        f"/offices/{office.pk}/edit/",
        {"bureau": world["a"]["county_bureau"].pk, "region": other_township.pk, "name": "改名"},
    )
    assert response.status_code == 302
    stored = _stored(JudicialOffice, office.pk)
    assert (stored["name"], stored["region_id"]) == ("改名", world["a"]["township"].pk)


# --- An API error leaves nothing behind in the thread -----------------------------


class ProbeView(JurisdictionAPIMixin, APIView):
    """Fails as asked, or answers with the jurisdiction and actor it runs in."""

    def get(self, request):
        failure = request.query_params.get("fail")
        if failure == "unhandled":
            raise RuntimeError("the probe fails")
        if failure == "handled":
            raise exceptions.ValidationError({"probe": ["refused"]})
        return Response(
            {"prefix": active_prefix(), "actor": auditlog_value.get()["actor"].username}
        )


urlpatterns = [path("probe/", ProbeView.as_view())]


def _actor_receivers():
    """auditlog's set_actor receivers still connected to LogEntry's pre_save."""
    return [
        key
        for key, *_rest in pre_save.receivers
        if isinstance(key[0], tuple) and key[0][0] == "set_actor"
    ]


def _requests_in_a_thread(username, key, rounds=3):
    client = Client(raise_request_exception=False, HTTP_AUTHORIZATION=f"Token {key}")
    try:
        seen = []
        for _round in range(rounds):
            seen.append(client.get("/probe/", {"fail": "unhandled"}).status_code)
            seen.append(client.get("/probe/", {"fail": "handled"}).status_code)
            answer = client.get("/probe/")
            seen.append((answer.status_code, answer.json()))
        # What the thread keeps once its requests are answered.
        leftover = (get_scope(), auditlog_value.get(None))
        return username, seen, leftover
    finally:
        connection.close()


@pytest.mark.urls(__name__)
@pytest.mark.django_db(transaction=True)
def test_failing_api_requests_under_threads_leave_no_scope_or_actor_behind(world):
    users = {
        world[unit][kind].username: world[unit][kind]
        for unit in ("a", "a2", "b")
        for kind in ("county_user", "clerk_user")
    }
    keys = {name: Token.objects.create(user=user).key for name, user in users.items()}
    with all_regions():
        prefixes = {
            name: Role.widest(list(Role.objects.filter(user=user))).jurisdiction_prefix
            for name, user in users.items()
        }
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda name: _requests_in_a_thread(name, keys[name]), keys))
    for username, seen, leftover in results:
        ok = (200, {"prefix": prefixes[username], "actor": username})
        assert seen == [500, 400, ok] * 3, username
        assert leftover == ({}, None), f"{username}'s thread kept {leftover}"
    assert not _actor_receivers()
    assert get_scope() == {}


# --- The browsable API, the role form, the schema ----------------------------------


def test_the_browsable_api_answers_a_token_user(api, world):
    """It rendered its forms after the view had left the jurisdiction: a 500."""
    token = Token.objects.create(user=world["a"]["county_user"])
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = api.get("/api/v1/offices/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert "a镇司法所" in response.content.decode()


def test_the_role_form_and_filter_offer_only_users_of_the_jurisdiction(api, world):
    api.force_authenticate(world["a"]["county_admin"])
    page = api.get("/api/v1/roles/", HTTP_ACCEPT="text/html").content.decode()
    assert ">a_clerk<" in page
    for foreign in ("b_clerk", "b_county", "a2_clerk", "a_city"):
        assert f">{foreign}<" not in page, f"the role form lists {foreign}"


def test_a_role_cannot_be_given_to_a_user_outside_the_jurisdiction(api, world):
    api.force_authenticate(world["a"]["county_admin"])
    response = api.post(
        "/api/v1/roles/",
        {"user": world["b"]["clerk_user"].pk, "kind": RoleKind.FINANCE},
        format="json",
    )
    assert response.status_code == 400
    assert "user" in response.json()


def test_production_answers_the_api_in_json_only():
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "FIELD_HASH_KEY": secrets.token_urlsafe(32),
    }
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-v",
            "0",
            "-c",
            "from rest_framework.settings import api_settings as s; "
            "print([r.__name__ for r in s.DEFAULT_RENDERER_CLASSES])",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "['JSONRenderer']"


def test_the_schema_needs_a_login(api, world):
    assert api.get("/api/schema/").status_code == 401
    token = Token.objects.create(user=world["a"]["county_user"])
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.get("/api/schema/").status_code == 200


def test_the_docs_page_sends_a_stranger_to_the_login_page(client, world):
    response = client.get("/api/docs/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
    client.force_login(world["a"]["county_user"])
    page = client.get("/api/docs/")
    assert page.status_code == 200
    script = client.get("/api/docs/", {"script": ""})
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()


# --- The API root --------------------------------------------------------------------


def test_a_token_user_reaches_the_api_root(api, world):
    token = Token.objects.create(user=world["a"]["clerk_user"])
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = api.get("/api/v1/")
    assert response.status_code == 200
    assert "committees" in response.json()


def test_the_api_root_still_refuses_a_stranger(api, world):
    assert api.get("/api/v1/").status_code == 401


def test_an_audited_api_write_names_the_token_user(api, world):
    token = Token.objects.create(user=world["a"]["county_user"])
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    office = world["a"]["office"]
    assert api.patch(f"/api/v1/offices/{office.pk}/", {"phone": "0575-1"}).status_code == 200
    entry = LogEntry.objects.get_for_object(office).latest("timestamp")
    assert entry.actor == world["a"]["county_user"]


def test_the_api_has_no_format_suffix_routes(login, world):
    """JSON is asked for by the Accept header or ?format=json; a ".json" twin of each
    route would be one more route to guard."""
    client = login(world["a"]["county_user"])
    assert client.get("/api/v1/mediators/.json").status_code == 404
    assert client.get("/api/v1/mediators/?format=json").status_code == 200
