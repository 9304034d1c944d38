"""Bureau admins manage the users of their jurisdiction: services, pages, API, the
first-login password change and ``manage.py create_bureau_admin``."""

from contextlib import contextmanager
from io import StringIO

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from core.jurisdiction import roles_of
from core.models import Bureau, Role, RoleKind, UserProfile
from core.tenancy import all_regions, jurisdiction
from core.users import services
from tests.factories import RegionFactory, RoleFactory, UserFactory

User = get_user_model()
STRONG = "Qiang-Mima-2026"


def admin_role(user):
    with all_regions():
        return Role.objects.select_related("region").get(user=user, kind=RoleKind.BUREAU_ADMIN)


@contextmanager
def acting(user):
    """Inside the jurisdiction of *user*'s admin role, with them as the audit actor, as
    a request would be."""
    role = admin_role(user)
    with jurisdiction(role.jurisdiction_prefix), set_actor(user):
        yield role


def _no_new_users(before):
    assert User.objects.count() == before


# Services ---------------------------------------------------------------------------


def test_a_county_admin_creates_a_clerk_who_must_change_the_password(world):
    a = world["a"]
    with acting(a["county_admin"]) as admin:
        user, password = services.create_user(
            admin,
            username="new_clerk",
            full_name="王小明",
            phone="139 0000 1234",
            kind=RoleKind.OFFICE_CLERK,
            office=a["office"],
        )
        role = Role.objects.get(user=user)
    assert user.check_password(password) and user.is_active
    assert (role.kind, role.office, role.region_id) == (
        RoleKind.OFFICE_CLERK,
        a["office"],
        a["township"].code,
    )
    assert user.profile.must_change_password
    assert user.profile.phone == "13900001234" and user.profile.phone_masked == "139****1234"
    created = LogEntry.objects.get_for_object(user).get()
    assert created.action == LogEntry.Action.CREATE and created.actor == a["county_admin"]
    assert created.changes_dict["password"][1] == "******"  # never the hash
    assert "13900001234" not in str(LogEntry.objects.get_for_object(user.profile).get().changes)


def test_a_city_admin_creates_the_admin_of_one_of_its_counties(world):
    a = world["a"]
    with acting(a["admin_user"]) as admin:
        user, _ = services.create_user(
            admin,
            username="county2_admin",
            full_name="李四",
            kind=RoleKind.BUREAU_ADMIN,
            bureau=world["a2"]["county_bureau"],
        )
    assert [r.home_bureau for r in roles_of(user)] == [world["a2"]["county_bureau"]]


@pytest.mark.parametrize(
    ("kind", "unit_key", "field"),
    [
        (RoleKind.BUREAU_ADMIN, "city_bureau", "bureau"),  # above the county
        (RoleKind.BUREAU_STAFF, "city_bureau", "bureau"),
        (RoleKind.OFFICE_CLERK, "a2_office", "office"),  # a sibling county's office
        (RoleKind.BUREAU_ADMIN, "a2_bureau", "bureau"),
    ],
)
def test_a_county_admin_grants_nothing_outside_the_county(world, kind, unit_key, field):
    a, a2 = world["a"], world["a2"]
    unit = {"city_bureau": a["city_bureau"], "a2_office": a2["office"]}.get(unit_key)
    unit = unit or a2["county_bureau"]
    before = User.objects.count()
    with acting(a["county_admin"]) as admin, pytest.raises(ValidationError) as caught:
        services.create_user(admin, username="x", full_name="某人", kind=kind, **{field: unit})
    assert field in caught.value.message_dict
    assert "无权管理" in caught.value.message_dict[field][0]
    _no_new_users(before)
    with acting(a["county_admin"]) as admin, pytest.raises(ValidationError):
        services.grant_role(admin, a["clerk_user"], kind=kind, **{field: unit})
    with all_regions():
        assert Role.objects.filter(user=a["clerk_user"]).count() == 1


def test_a_role_must_name_the_right_kind_of_unit(world):
    a = world["a"]
    with acting(a["county_admin"]) as admin:
        with pytest.raises(ValidationError) as caught:
            services.grant_role(
                admin, a["county_user"], kind=RoleKind.OFFICE_CLERK, bureau=a["county_bureau"]
            )
        assert "office" in caught.value.message_dict
        with pytest.raises(ValidationError) as caught:
            services.grant_role(admin, a["clerk_user"], kind=RoleKind.FINANCE, office=a["office"])
        assert "bureau" in caught.value.message_dict


def test_a_duplicate_username_is_refused_whatever_its_case(world):
    a = world["a"]
    before = User.objects.count()
    for name in ("a_clerk", "A_Clerk"):
        with acting(a["county_admin"]) as admin, pytest.raises(ValidationError) as caught:
            services.create_user(
                admin,
                username=name,
                full_name="重名",
                kind=RoleKind.OFFICE_CLERK,
                office=a["office"],
            )
        assert caught.value.message_dict["username"] == ["该用户名已被使用。"]
    _no_new_users(before)


def test_every_bad_field_is_reported_at_once(world):
    a = world["a"]
    with acting(a["county_admin"]) as admin, pytest.raises(ValidationError) as caught:
        services.create_user(
            admin, username="bad name!", full_name="", phone="12345", kind="emperor"
        )
    assert set(caught.value.message_dict) == {"username", "full_name", "phone", "kind"}


def test_only_a_bureau_admin_manages_users(world):
    a = world["a"]
    with all_regions():
        staff = Role.objects.select_related("region").get(user=a["county_user"])
    with jurisdiction(staff.jurisdiction_prefix), pytest.raises(PermissionDenied):
        services.create_user(
            staff, username="x", full_name="x", kind=RoleKind.OFFICE_CLERK, office=a["office"]
        )


def test_an_ended_role_stops_granting_its_jurisdiction_but_stays(login, world):
    a = world["a"]
    with acting(a["county_admin"]) as admin:
        services.end_role(admin, a["clerk_role"])
        with pytest.raises(ValidationError, match="已终止"):
            services.end_role(admin, a["clerk_role"])
    assert roles_of(a["clerk_user"]) == []
    assert login(a["clerk_user"]).get("/").status_code == 403  # no role: no staff pages
    with all_regions():
        a["clerk_role"].refresh_from_db()
        assert a["clerk_role"].ended_at is not None
        entry = LogEntry.objects.get_for_object(a["clerk_role"]).latest("timestamp")
    assert "ended_at" in entry.changes_dict and entry.actor == a["county_admin"]
    # Still the admin's user, who may give them a role again.
    with acting(a["county_admin"]) as admin:
        assert a["clerk_user"] in services.users_in_jurisdiction()
        services.grant_role(admin, a["clerk_user"], kind=RoleKind.OFFICE_CLERK, office=a["office"])
        with pytest.raises(ValidationError, match="已拥有此角色"):
            services.grant_role(
                admin, a["clerk_user"], kind=RoleKind.OFFICE_CLERK, office=a["office"]
            )
    assert len(roles_of(a["clerk_user"])) == 1


def test_an_admin_cannot_end_their_own_role(world):
    with acting(world["a"]["county_admin"]) as admin, pytest.raises(ValidationError):
        services.end_role(admin, admin)


def test_a_deactivated_user_is_logged_out_and_cannot_log_in(client, login, world):
    a = world["a"]
    clerk_client = login(a["clerk_user"])
    with acting(a["county_admin"]) as admin:
        services.set_active(admin, a["clerk_user"], False)
    assert clerk_client.get("/").status_code == 302  # the open session has ended
    client.logout()
    response = client.post("/login/", {"username": "a_clerk", "password": "pass-word-123"})
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    with acting(a["county_admin"]) as admin:
        with pytest.raises(ValidationError, match="已停用"):
            services.set_active(admin, a["clerk_user"], False)
        services.set_active(admin, a["clerk_user"], True)
    response = client.post("/login/", {"username": "a_clerk", "password": "pass-word-123"})
    assert response.status_code == 302
    changes = [e.changes_dict for e in LogEntry.objects.get_for_object(a["clerk_user"])]
    assert {"is_active": [True, False]} in changes
    assert {"is_active": [False, True]} in changes


def test_a_county_admin_cannot_take_over_a_city_officials_login(world):
    """The city official also works in the county, so the county admin sees them, but
    their login is not the county's to reset or deactivate."""
    a = world["a"]
    city_user = a["city_user"]
    with all_regions():
        RoleFactory(user=city_user, kind=RoleKind.BUREAU_STAFF, bureau=a["county_bureau"])
    password_hash = city_user.password
    with acting(a["county_admin"]) as admin:
        assert city_user in services.users_in_jurisdiction()
        with pytest.raises(ValidationError, match="绍兴市司法局"):
            services.reset_password(admin, city_user)
        with pytest.raises(ValidationError):
            services.set_active(admin, city_user, False)
    city_user.refresh_from_db()
    assert city_user.password == password_hash and city_user.is_active


def test_an_admin_does_not_reset_their_own_or_a_superusers_password(world):
    a = world["a"]
    superuser = a["clerk_user"]
    superuser.is_superuser = True
    superuser.save()
    with acting(a["county_admin"]) as admin:
        with pytest.raises(ValidationError):
            services.reset_password(admin, a["county_admin"])
        with pytest.raises(ValidationError, match="Django"):
            services.reset_password(admin, superuser)


def test_resetting_a_password_issues_a_new_temporary_one(login, world):
    a = world["a"]
    clerk_client = login(a["clerk_user"])
    with acting(a["county_admin"]) as admin:
        password = services.reset_password(admin, a["clerk_user"])
    a["clerk_user"].refresh_from_db()
    assert a["clerk_user"].check_password(password)
    assert not a["clerk_user"].check_password("pass-word-123")
    assert a["clerk_user"].profile.must_change_password
    assert clerk_client.get("/").status_code == 302  # sessions end with the old password
    entry = LogEntry.objects.get_for_object(a["clerk_user"]).latest("timestamp")
    assert entry.changes_dict == {"password": ["******", "******"]}
    assert entry.actor == a["county_admin"]


def test_temporary_passwords_are_random_and_pass_the_validators(world):
    from django.contrib.auth.password_validation import validate_password

    passwords = {services.temporary_password() for _ in range(50)}
    assert len(passwords) == 50
    for password in passwords:
        validate_password(password, world["a"]["clerk_user"])


# Pages ------------------------------------------------------------------------------


def _create_form(unit, **fields):
    return {
        "username": "new_clerk",
        "full_name": "王小明",
        "phone": "",
        "kind": RoleKind.OFFICE_CLERK,
        "unit": unit,
        **fields,
    }


def test_the_users_list_shows_the_jurisdictions_users_with_filters(login, world):
    client = login(world["a"]["county_admin"])
    page = client.get("/users/")
    body = page.content.decode()
    listed = {u.username for u in page.context["object_list"]}
    assert listed == {"a_clerk", "a_county", "a_cadmin"}
    assert "新建用户" in body and 'href="/users/new/"' in body
    assert "a镇司法所 · 司法所工作人员" in body
    assert [u.username for u in client.get("/users/?q=clerk").context["object_list"]] == ["a_clerk"]
    by_kind = client.get("/users/?kind=bureau_admin").context["object_list"]
    assert [u.username for u in by_kind] == ["a_cadmin"]
    office = world["a"]["office"].name
    assert [u.username for u in client.get(f"/users/?office={office}").context["object_list"]] == [
        "a_clerk"
    ]
    world["a"]["clerk_user"].is_active = False
    world["a"]["clerk_user"].save()
    inactive = client.get("/users/?status=inactive").context["object_list"]
    assert [u.username for u in inactive] == ["a_clerk"]


def test_the_users_list_runs_a_constant_number_of_queries(login, world):
    client = login(world["a"]["admin_user"])
    client.get("/users/")

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/users/").status_code == 200
        return len(captured)

    few = count()
    with all_regions():
        for n in range(15):
            RoleFactory(
                user=UserFactory(username=f"more{n}"),
                kind=RoleKind.OFFICE_CLERK,
                office=world["a"]["office"],
            )
    assert count() == few


def test_staff_pages_are_for_admins_and_foreign_users_are_404(login, world):
    a, b = world["a"], world["b"]
    staff = login(a["county_user"])
    assert staff.get("/users/").status_code == 403
    assert staff.get("/users/new/").status_code == 403
    assert staff.get(f"/users/{a['clerk_user'].pk}/").status_code == 403
    assert staff.post(f"/users/{a['clerk_user'].pk}/reset-password/").status_code == 403
    assert staff.get(f"/users/{b['clerk_user'].pk}/").status_code == 404
    admin = login(a["county_admin"])
    for url in (
        f"/users/{b['clerk_user'].pk}/",
        f"/users/{world['a2']['clerk_user'].pk}/",
        f"/users/{a['city_user'].pk}/",  # the city is above the county
        f"/users/roles/{world['a2']['clerk_role'].pk}/end/",
    ):
        assert admin.get(url).status_code == 404, url
    response = admin.post(f"/users/{b['clerk_user'].pk}/deactivate/")
    assert response.status_code == 404
    b["clerk_user"].refresh_from_db()
    assert b["clerk_user"].is_active


def test_a_user_without_a_role_is_refused_not_crashed(login, world):
    client = login(UserFactory(username="nobody"))
    for url in ("/users/", "/users/new/", f"/users/{world['a']['clerk_user'].pk}/"):
        assert client.get(url).status_code == 403, url
    assert client.post(f"/users/{world['a']['clerk_user'].pk}/deactivate/").status_code == 403


def test_the_create_form_offers_only_the_units_the_admin_administers(login, world):
    form = login(world["a"]["county_admin"]).get("/users/new/").context["form"]
    offered = {
        label for _group, options in form.fields["unit"].choices[1:] for _v, label in options
    }
    assert offered == {"越城区司法局", "a镇司法所（越城区司法局）"}
    form = login(world["a"]["admin_user"]).get("/users/new/").context["form"]
    offered = {
        label for _group, options in form.fields["unit"].choices[1:] for _v, label in options
    }
    assert "绍兴市司法局" in offered and "柯桥区司法局" in offered
    assert "a2镇司法所（柯桥区司法局）" in offered and "上城区司法局" not in offered


def test_creating_a_user_shows_the_temporary_password_once(client, login, world):
    admin = login(world["a"]["county_admin"])
    response = admin.post("/users/new/", _create_form(f"office-{world['a']['office'].pk}"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    password = response.context["password"]
    assert password in response.content.decode() and "仅显示这一次" in response.content.decode()
    user = User.objects.get(username="new_clerk")
    page = admin.get(f"/users/{user.pk}/")
    assert password not in page.content.decode()
    assert "下次登录时须修改临时密码" in page.content.decode()
    admin.logout()
    response = client.post("/login/", {"username": "new_clerk", "password": password})
    assert response.status_code == 302


def test_a_forged_unit_or_bad_input_is_a_field_error_and_nothing_is_written(login, world):
    admin = login(world["a"]["county_admin"])
    before = User.objects.count()
    city = world["a"]["city_bureau"].pk
    response = admin.post("/users/new/", _create_form(f"bureau-{city}", kind="bureau_admin"))
    assert response.status_code == 200 and "unit" in response.context["form"].errors
    response = admin.post(
        "/users/new/",
        _create_form(f"bureau-{world['a']['county_bureau'].pk}", phone="12345"),
    )
    form = response.context["form"]
    assert form.errors["unit"] == ["司法所工作人员必须绑定到司法所。"]
    assert form.errors["phone"] == ["请输入 11 位手机号码或带区号的固定电话号码。"]
    assert form["full_name"].value() == "王小明"  # the input is kept
    body = response.content.decode()
    assert 'data-field="unit"' in body and 'data-field="phone"' in body
    response = admin.post(
        "/users/new/", _create_form(f"office-{world['a']['office'].pk}", username="a_clerk")
    )
    assert response.context["form"].errors["username"] == ["该用户名已被使用。"]
    _no_new_users(before)


def test_an_admin_grants_and_ends_a_role_on_the_pages(login, world):
    a = world["a"]
    admin = login(a["county_admin"])
    clerk = a["clerk_user"]
    assert admin.get(f"/users/{clerk.pk}/roles/new/").status_code == 200
    response = admin.post(
        f"/users/{clerk.pk}/roles/new/",
        {"kind": RoleKind.AUDITOR, "unit": f"bureau-{a['county_bureau'].pk}"},
    )
    assert response.status_code == 302 and response["Location"] == f"/users/{clerk.pk}/"
    assert {r.kind for r in roles_of(clerk)} == {RoleKind.OFFICE_CLERK, RoleKind.AUDITOR}
    response = admin.post(
        f"/users/{clerk.pk}/roles/new/",
        {"kind": RoleKind.BUREAU_ADMIN, "unit": f"bureau-{a['city_bureau'].pk}"},
    )
    assert response.status_code == 200 and response.context["form"].errors["unit"]
    assert admin.get(f"/users/roles/{a['clerk_role'].pk}/end/").status_code == 200
    response = admin.post(f"/users/roles/{a['clerk_role'].pk}/end/")
    assert response.status_code == 302
    assert {r.kind for r in roles_of(clerk)} == {RoleKind.AUDITOR}
    page = admin.get(f"/users/{clerk.pk}/").content.decode()
    assert "终止时间" in page and "审计" in page


def test_the_user_page_shows_status_roles_and_history(login, world):
    a = world["a"]
    admin = login(a["county_admin"])
    clerk = a["clerk_user"]
    response = admin.post(f"/users/{clerk.pk}/deactivate/")
    assert response.status_code == 302
    response = admin.post(f"/users/{clerk.pk}/reset-password/")
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    page = admin.get(f"/users/{clerk.pk}/")
    body = page.content.decode()
    assert "已停用" in body and "重新启用" in body and "a镇司法所" in body
    history = list(page.context["history"])
    fields = [change.field for entry in history for change in entry.changes]
    assert "is_active" in fields and "password" in fields and "must_change_password" in fields
    assert all(entry.actor == a["county_admin"].username for entry in history[:3])
    assert page.context["user"] == a["county_admin"]  # the top bar's user stays the admin
    assert admin.post(f"/users/{clerk.pk}/reactivate/").status_code == 302
    clerk.refresh_from_db()
    assert clerk.is_active


def test_an_admin_cannot_deactivate_themselves_on_the_page(login, world):
    admin_user = world["a"]["county_admin"]
    response = login(admin_user).post(f"/users/{admin_user.pk}/deactivate/")
    assert response.status_code == 200
    assert "不能对自己的账号执行此操作" in response.content.decode()
    admin_user.refresh_from_db()
    assert admin_user.is_active


# First login --------------------------------------------------------------------------


def _temporary_user(world):
    with acting(world["a"]["county_admin"]) as admin:
        return services.create_user(
            admin,
            username="first_login",
            full_name="新人",
            kind=RoleKind.OFFICE_CLERK,
            office=world["a"]["office"],
        )


def test_a_temporary_password_must_be_changed_before_anything_else(client, world):
    user, password = _temporary_user(world)
    response = client.post("/login/", {"username": "first_login", "password": password})
    assert response.status_code == 302
    for url in ("/", "/cases/", "/api/v1/offices/"):
        assert client.get(url)["Location"] == "/password/", url
    page = client.get("/password/").content.decode()
    assert "您使用临时密码登录" in page
    change = {"old_password": password, "new_password1": password, "new_password2": password}
    form = client.post("/password/", change).context["form"]
    assert form.errors["new_password1"] == ["新密码不能与当前（临时）密码相同。"]
    weak = {"old_password": password, "new_password1": "12345678", "new_password2": "12345678"}
    assert client.post("/password/", weak).context["form"].errors["new_password2"]
    user.refresh_from_db()
    assert user.check_password(password)  # nothing changed yet
    good = {"old_password": password, "new_password1": STRONG, "new_password2": STRONG}
    response = client.post("/password/", good, follow=True)
    assert response.redirect_chain[-1][0] == "/"
    assert "密码已修改" in response.content.decode()
    assert client.get("/").status_code == 200
    user.refresh_from_db()
    assert user.check_password(STRONG) and not user.profile.must_change_password
    entry = LogEntry.objects.get_for_object(user).latest("timestamp")
    assert entry.actor == user and "password" in entry.changes_dict


def test_the_api_gives_no_token_for_a_temporary_password(world):
    _user, password = _temporary_user(world)
    api = APIClient()
    response = api.post("/api/v1/auth/token/", {"username": "first_login", "password": password})
    assert response.status_code == 403
    assert "临时密码" in response.json()["detail"]


def test_logging_in_with_an_ordinary_password_goes_straight_to_the_dashboard(client, world):
    response = client.post("/login/", {"username": "a_clerk", "password": "pass-word-123"})
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200


# API ----------------------------------------------------------------------------------


@pytest.fixture
def api():
    return APIClient()


def test_an_admin_creates_a_user_through_the_api(api, world):
    a = world["a"]
    api.force_authenticate(a["county_admin"])
    response = api.post(
        "/api/v1/users/",
        {
            "username": "api_clerk",
            "full_name": "赵六",
            "kind": "office_clerk",
            "office": a["office"].pk,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response["Cache-Control"] == "no-store"
    body = response.json()
    user = User.objects.get(username="api_clerk")
    assert user.check_password(body["temporary_password"])
    assert body["must_change_password"] is True
    assert [r["unit_name"] for r in body["roles"]] == ["a镇司法所"]
    listed = api.get("/api/v1/users/").json()["results"]
    assert "temporary_password" not in listed[0]
    assert {u["username"] for u in listed} == {"a_clerk", "a_county", "a_cadmin", "api_clerk"}


def test_the_api_refuses_roles_outside_the_jurisdiction_as_field_errors(api, world):
    a = world["a"]
    api.force_authenticate(a["county_admin"])
    before = User.objects.count()
    response = api.post(
        "/api/v1/users/",
        {
            "username": "up",
            "full_name": "越级",
            "kind": "bureau_admin",
            "bureau": a["city_bureau"].pk,
        },
        format="json",
    )
    assert response.status_code == 400 and "bureau" in response.json()
    _no_new_users(before)
    response = api.post(
        "/api/v1/roles/",
        {"user": a["clerk_user"].pk, "kind": "bureau_admin", "bureau": a["city_bureau"].pk},
        format="json",
    )
    assert response.status_code == 400 and "bureau" in response.json()
    response = api.post(
        "/api/v1/roles/",
        {"user": world["b"]["clerk_user"].pk, "kind": "auditor", "bureau": a["county_bureau"].pk},
        format="json",
    )
    assert response.status_code == 400 and "user" in response.json()


def test_the_api_is_for_admins_and_foreign_users_are_404(api, world):
    a, b = world["a"], world["b"]
    api.force_authenticate(a["county_user"])
    assert api.get("/api/v1/users/").status_code == 403
    assert api.get("/api/v1/roles/").status_code == 403
    assert api.get(f"/api/v1/users/{a['clerk_user'].pk}/").status_code == 403
    assert api.get(f"/api/v1/users/{b['clerk_user'].pk}/").status_code == 404
    api.force_authenticate(a["county_admin"])
    for url in (
        f"/api/v1/users/{b['clerk_user'].pk}/reset-password/",
        f"/api/v1/users/{b['clerk_user'].pk}/deactivate/",
        f"/api/v1/roles/{b['clerk_role'].pk}/end/",
    ):
        assert api.post(url).status_code == 404, url
    assert api.get(f"/api/v1/users/{a['city_user'].pk}/").status_code == 404


def test_the_api_deactivates_resets_and_ends_roles(api, world):
    a = world["a"]
    api.force_authenticate(a["county_admin"])
    clerk = a["clerk_user"]
    response = api.post(f"/api/v1/users/{clerk.pk}/deactivate/")
    assert response.status_code == 200 and response.json()["is_active"] is False
    response = api.post(f"/api/v1/users/{clerk.pk}/deactivate/")
    assert response.status_code == 400
    assert api.post(f"/api/v1/users/{clerk.pk}/reactivate/").json()["is_active"] is True
    response = api.post(f"/api/v1/users/{clerk.pk}/reset-password/")
    assert response["Cache-Control"] == "no-store"
    clerk.refresh_from_db()
    assert clerk.check_password(response.json()["temporary_password"])
    response = api.post(f"/api/v1/roles/{a['clerk_role'].pk}/end/")
    assert response.status_code == 200 and response.json()["ended_at"]
    assert api.get("/api/v1/roles/?current=true&user=" + str(clerk.pk)).json()["results"] == []
    history = api.get(f"/api/v1/users/{clerk.pk}/history/").json()["results"]
    changed = {change["field"] for entry in history for change in entry["changes"]}
    assert {"is_active", "password", "ended_at"} <= changed


def test_the_users_api_runs_a_constant_number_of_queries(api, world):
    api.force_authenticate(world["a"]["admin_user"])

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert api.get("/api/v1/users/").status_code == 200
        return len(captured)

    few = count()
    with all_regions():
        for n in range(15):
            RoleFactory(
                user=UserFactory(username=f"more{n}"),
                kind=RoleKind.AUDITOR,
                bureau=world["a"]["county_bureau"],
            )
    assert count() == few


def test_the_users_api_is_in_the_schema(login, world):
    schema = login(world["a"]["county_admin"]).get("/api/schema/").content.decode()
    for path in ("/api/v1/users/", "/api/v1/users/{id}/reset-password/", "/api/v1/roles/{id}/end/"):
        assert path in schema


# manage.py create_bureau_admin ------------------------------------------------------------


def _run(*args):
    out = StringIO()
    call_command("create_bureau_admin", *args, stdout=out)
    return out.getvalue()


def test_the_command_makes_the_first_admin_with_a_temporary_password(client, world, monkeypatch):
    monkeypatch.delenv("BUREAU_ADMIN_PASSWORD", raising=False)
    out = _run("--username", "chief", "--bureau", "3306", "--full-name", "局长")
    password = out.rsplit(": ", 1)[1].strip()
    user = User.objects.get(username="chief")
    assert user.check_password(password) and user.profile.must_change_password
    assert [(r.kind, r.bureau) for r in roles_of(user)] == [
        (RoleKind.BUREAU_ADMIN, world["a"]["city_bureau"])
    ]
    assert LogEntry.objects.get_for_object(user).get().actor is None  # the system
    client.post("/login/", {"username": "chief", "password": password})
    assert client.get("/users/")["Location"] == "/password/"


def test_the_command_finds_a_bureau_by_name_and_reads_the_password_from_the_env(world, monkeypatch):
    monkeypatch.setenv("BUREAU_ADMIN_PASSWORD", STRONG)
    out = _run("--username", "chief2", "--bureau", "越城区司法局")
    assert STRONG not in out
    user = User.objects.get(username="chief2")
    assert user.check_password(STRONG) and user.profile.must_change_password
    monkeypatch.setenv("BUREAU_ADMIN_PASSWORD", "12345678")
    with pytest.raises(CommandError, match="password"):
        _run("--username", "chief3", "--bureau", "越城区司法局")
    assert not User.objects.filter(username="chief3").exists()


def test_the_command_refuses_a_missing_bureau_or_a_taken_username(world, monkeypatch):
    monkeypatch.delenv("BUREAU_ADMIN_PASSWORD", raising=False)
    with pytest.raises(CommandError, match="--create-bureau"):
        _run("--username", "chief", "--bureau", "330604")
    with pytest.raises(CommandError, match="username"):
        _run("--username", "a_clerk", "--bureau", "3306")


def test_the_command_creates_the_bureau_from_the_loaded_regions(world, monkeypatch):
    monkeypatch.delenv("BUREAU_ADMIN_PASSWORD", raising=False)
    with all_regions():
        RegionFactory(code="330604000000", name="上虞区", parent=world["a"]["city"])
        RegionFactory(code="330700000000", name="金华市", parent=world["a"]["city"].parent)
        RegionFactory(code="330702000000", name="婺城区", parent_id="330700000000")
    _run("--username", "shangyu", "--bureau", "330604", "--create-bureau")
    _run("--username", "wucheng", "--bureau", "330702000000", "--create-bureau")
    with all_regions():
        shangyu = Bureau.objects.get(region_id="330604000000")
        assert (shangyu.name, shangyu.parent) == ("上虞区司法局", world["a"]["city_bureau"])
        wucheng = Bureau.objects.select_related("parent").get(region_id="330702000000")
        assert wucheng.parent.name == "金华市司法局" and wucheng.parent.level == "city"
        assert UserProfile.objects.filter(user__username="wucheng").exists()
