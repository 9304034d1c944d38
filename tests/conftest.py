import importlib
import math

import pytest
from django.apps import apps
from django_scopes.state import state as scope_state

from core.models import RoleKind
from core.tenancy import active_prefix, all_regions
from tests.factories import (
    BureauFactory,
    JudicialOfficeFactory,
    RegionFactory,
    RoleFactory,
    UserFactory,
)

PASSWORD = "pass-word-123"


@pytest.fixture(autouse=True)
def _no_jurisdiction_left_open():
    """Fail a test that starts or ends with a jurisdiction (or ``all_regions``) still
    active. The scope lives in django-scopes' context variable, which pytest never
    resets: one left open by a fixture or a half-closed response made a later, unrelated
    test see another region's rows. Defined first so it tears down after every other
    function fixture; the stray scope is cleared so the leak stops at the test that
    caused it."""
    leaked = active_prefix()
    if leaked is not None:
        scope_state.set(None)
        pytest.fail(f"a jurisdiction was still active when the test started: {leaked!r}")
    yield
    leaked = active_prefix()
    if leaked is not None:
        scope_state.set(None)
        pytest.fail(f"the test left a jurisdiction active: {leaked!r}")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _live_report_figures(monkeypatch):
    """Report figures computed on every request: on a busy machine a test's figures
    can take the time that keeps them (core.snapshots), and the next request would
    read them instead, with other queries. tests/core/test_snapshots.py keeps them on
    purpose."""
    from core import dashboard, snapshots

    monkeypatch.setattr(snapshots, "SLOW", math.inf)
    monkeypatch.setattr(dashboard, "KEPT_SLOW", math.inf)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _tasks_in_process(request):
    """Tasks run in the test's own process, even where REDIS_URL is set, except in
    the tests marked ``worker``, which send them to a real worker."""
    from mediation.celery import app

    eager = request.node.get_closest_marker("worker") is None
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = eager
    yield
    app.conf.task_always_eager = previous


# The reference lists the data migrations load (expertise fields, dispute types).
REFERENCE_MIGRATIONS = (
    "registry.migrations.0002_expertise_fields",
    "mediation.migrations.0002_dispute_types",
)


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Transactional tests (live server, threads) end by truncating every table, the
    migrations' reference lists included. Tests are spread over workers by work
    stealing, so any test with the database may follow one of them: put the lists back
    whenever they are gone (inside a plain test's transaction, the rollback takes them
    away again, so the next test reloads them too; it costs a few milliseconds)."""
    marker = request.node.get_closest_marker("django_db")
    if not {"db", "transactional_db"} & set(request.fixturenames) and marker is None:
        return
    transactional = {"transactional_db", "live_server"} & set(request.fixturenames) or (
        marker is not None and marker.kwargs.get("transaction")
    )
    request.getfixturevalue("transactional_db" if transactional else "db")
    from mediation.models import DisputeType

    if not DisputeType.objects.exists():
        for module in REFERENCE_MIGRATIONS:
            importlib.import_module(module).load(apps, None)


def _user(username, kind, bureau=None, office=None):
    return RoleFactory(user=UserFactory(username=username), kind=kind, bureau=bureau, office=office)


def _county_unit(tag, city, city_bureau, county_code, county_name):
    """A county with its bureau, one township with a village and a judicial office,
    and a county user and an office clerk."""
    county = RegionFactory(code=county_code, name=county_name, parent=city)
    township = RegionFactory(code=county_code[:6] + "001000", name=f"{tag}镇", parent=county)
    village = RegionFactory(code=county_code[:6] + "001001", name=f"{tag}村", parent=township)
    county_bureau = BureauFactory(region=county, parent=city_bureau)
    office = JudicialOfficeFactory(region=township, bureau=county_bureau, name=f"{tag}镇司法所")
    clerk_role = _user(f"{tag}_clerk", RoleKind.OFFICE_CLERK, office=office)
    return {
        "city": city,
        "city_bureau": city_bureau,
        "county": county,
        "township": township,
        "village": village,
        "county_bureau": county_bureau,
        "office": office,
        "clerk_role": clerk_role,
        "clerk_user": clerk_role.user,
        "county_user": _user(f"{tag}_county", RoleKind.BUREAU_STAFF, county_bureau).user,
        "county_admin": _user(f"{tag}_cadmin", RoleKind.BUREAU_ADMIN, county_bureau).user,
    }


def _city(tag, city_code, city_name):
    province = RegionFactory(code=city_code[:2] + "0" * 10, name="浙江省")
    city = RegionFactory(code=city_code, name=city_name, parent=province)
    city_bureau = BureauFactory(region=city)
    return (
        city,
        city_bureau,
        {
            "city_user": _user(f"{tag}_city", RoleKind.BUREAU_STAFF, city_bureau).user,
            "admin_user": _user(f"{tag}_admin", RoleKind.BUREAU_ADMIN, city_bureau).user,
            "finance_user": _user(f"{tag}_finance", RoleKind.FINANCE, city_bureau).user,
        },
    )


@pytest.fixture
def world(db):
    """Three county-level units in two cities:

    - "a": 越城区 in 绍兴市 (3306), with city-level users of 绍兴;
    - "a2": 柯桥区, a sibling county in the same city;
    - "b": 上城区 in 杭州市 (3301), with city-level users of 杭州.

    Each unit has a township, a village, a judicial office, a county user and a clerk.
    """
    with all_regions():
        city_a, bureau_a, users_a = _city("a", "330600000000", "绍兴市")
        city_b, bureau_b, users_b = _city("b", "330100000000", "杭州市")
        return {
            "a": {**_county_unit("a", city_a, bureau_a, "330602000000", "越城区"), **users_a},
            "a2": {**_county_unit("a2", city_a, bureau_a, "330603000000", "柯桥区"), **users_a},
            "b": {**_county_unit("b", city_b, bureau_b, "330102000000", "上城区"), **users_b},
        }


@pytest.fixture
def objects(world):
    """One object of every model in every unit, made with the factories (the
    isolation walker's, and the crawls' that need an object of every kind)."""
    from tests.factories import FACTORIES

    with all_regions():
        return {
            unit: {model: make(world, unit) for model, make in FACTORIES.items()}
            for unit in ("a", "a2", "b")
        }


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)
        return client

    return _login
