from auditlog.models import LogEntry

from core.jurisdiction import SESSION_KEY
from core.models import JudicialOffice, Role, RoleKind
from core.tenancy import all_regions
from tests.dashboard import dashboard_items


def test_the_login_page_is_in_chinese(client, db):
    response = client.get("/login/")
    assert response.status_code == 200
    assert "登录" in response.content.decode()


def test_pages_require_login(client, db):
    response = client.get("/offices/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_five_failed_logins_lock_the_account(client, world):
    for _ in range(5):
        client.post("/login/", {"username": "a_city", "password": "wrong"})
    response = client.post("/login/", {"username": "a_city", "password": "pass-word-123"})
    assert response.status_code == 429
    assert "锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_good_login_lands_on_the_dashboard_with_counts(client, world):
    response = client.post(
        "/login/", {"username": "a_county", "password": "pass-word-123"}, follow=True
    )
    assert response.status_code == 200
    assert dashboard_items(response)["offices"]["value"] == 1  # one office in 越城区


def test_a_city_user_counts_every_county(login, world):
    response = login(world["a"]["city_user"]).get("/")
    assert dashboard_items(response)["offices"]["value"] == 2


def test_a_user_without_a_role_is_refused(login, db):
    from tests.factories import UserFactory

    response = login(UserFactory(username="nobody")).get("/")
    assert response.status_code == 403


def test_switching_to_a_role_the_user_holds(login, world):
    user = world["a"]["county_user"]
    with all_regions():
        role = Role.objects.create(
            user=user, kind=RoleKind.BUREAU_STAFF, bureau=world["b"]["county_bureau"]
        )
    client = login(user)
    response = client.post("/role/", {"role": role.pk, "next": "/offices/"})
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == role.pk
    offices = client.get("/offices/").context["object_list"]
    assert list(offices) == [world["b"]["office"]]


def test_switching_to_a_role_the_user_does_not_hold_changes_nothing(login, world):
    client = login(world["a"]["county_user"])
    foreign_role = world["b"]["clerk_role"]
    response = client.post("/role/", {"role": foreign_role.pk})
    assert response.status_code == 403
    assert "您不具有该角色" in response.content.decode()
    assert SESSION_KEY not in client.session
    assert list(client.get("/offices/").context["object_list"]) == [world["a"]["office"]]


def test_editing_an_office_is_audited_and_shown_on_its_page(login, world):
    client = login(world["a"]["county_user"])
    office = world["a"]["office"]
    response = client.post(
        f"/offices/{office.pk}/edit/",
        {
            "bureau": office.bureau_id,
            "region": office.region_id,
            "name": "新名字司法所",
            "address": "人民路 1 号",
            "phone": "0575-88888888",
        },
    )
    assert response.status_code == 302
    with all_regions():
        entry = LogEntry.objects.get_for_object(office).latest("timestamp")
    assert entry.actor == world["a"]["county_user"]
    assert entry.changes_dict["name"] == [f"{office.name}", "新名字司法所"]
    page = client.get(f"/offices/{office.pk}/").content.decode()
    assert "新名字司法所" in page and "a_county" in page


def test_an_office_in_another_county_is_refused_with_a_field_error(login, world):
    client = login(world["a"]["county_user"])
    response = client.post(
        "/offices/new/",
        {
            "bureau": world["a"]["county_bureau"].pk,
            "region": world["a2"]["township"].pk,
            "name": "越界司法所",
        },
    )
    assert response.status_code == 200
    assert "region" in response.context["form"].errors
    with all_regions():
        assert not JudicialOffice.objects.filter(name="越界司法所").exists()


def test_a_clerk_may_not_create_offices(login, world):
    response = login(world["a"]["clerk_user"]).get("/offices/new/")
    assert response.status_code == 403


def test_staff_may_not_set_rules(login, world):
    bureau = world["a"]["city_bureau"]
    response = login(world["a"]["city_user"]).post(
        f"/bureaus/{bureau.pk}/rules/term_years/", {"value": "4"}
    )
    assert response.status_code == 403


def test_a_township_needs_a_township_code_inside_the_jurisdiction(login, world):
    client = login(world["a"]["county_user"])
    response = client.post(
        "/regions/new/",
        {"code": "330602000000", "name": "错", "parent": world["a"]["county"].pk},
    )
    assert response.status_code == 200 and response.context["form"].errors["code"]
    response = client.post(
        "/regions/new/",
        {"code": "330602002000", "name": "新镇", "parent": world["a"]["county"].pk},
    )
    assert response.status_code == 302


def test_the_admin_site_is_for_superusers_only(login, world):
    response = login(world["a"]["admin_user"]).get("/admin/")
    assert response.status_code == 302


def test_exporting_roles_runs_a_job_with_a_workbook(
    login, world, django_capture_on_commit_callbacks
):
    from io import BytesIO

    from openpyxl import load_workbook

    client = login(world["a"]["admin_user"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/users/export/")
    assert response.status_code == 302
    job_url = response["Location"]
    page = client.get(job_url)
    assert page.context["job"].status == "done"
    download = client.get(job_url + "download/")
    workbook = load_workbook(BytesIO(b"".join(download.streaming_content)))
    rows = list(workbook.active.values)
    usernames = {row[0] for row in rows[1:]}
    assert "a_county" in usernames and "b_county" not in usernames
