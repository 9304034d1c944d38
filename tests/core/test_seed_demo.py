from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from core.models import Bureau, JudicialOffice, Region, Role
from core.tenancy import all_regions


@pytest.fixture
def seeded(db, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "demo-pass-123")
    out = StringIO()
    call_command("seed_demo", "--scale", "0.05", "--seed", "7", stdout=out)
    return out.getvalue()


def test_seed_demo_builds_shaoxing_with_its_six_counties(seeded):
    with all_regions():
        city = Bureau.objects.get(region_id="330600000000")
        assert city.name == "绍兴市司法局"
        assert Bureau.objects.filter(parent=city).count() == 6
        townships = Region.objects.filter(level="township", code__startswith="3306")
        assert townships.count() == 12
        assert JudicialOffice.objects.count() == 12
        assert Region.objects.filter(level="village", code__startswith="3306").count() == 36
        assert Role.objects.filter(user__username="office", kind="office_clerk").exists()
    for username in ("city", "district", "office", "finance", "admin"):
        assert username in seeded


def _seed_and_read(seed):
    with transaction.atomic():
        call_command("seed_demo", "--scale", "0.05", "--seed", str(seed), stdout=StringIO())
        with all_regions():
            names = list(Region.objects.filter(level="village").values_list("code", "name"))
        transaction.set_rollback(True)
    return names


def test_seed_demo_is_deterministic(db, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "demo-pass-123")
    first = _seed_and_read(7)
    assert len(first) == 36
    assert _seed_and_read(7) == first
    assert _seed_and_read(8) != first


def test_seed_demo_if_empty_leaves_existing_data_alone(seeded):
    out = StringIO()
    call_command("seed_demo", "--if-empty", stdout=out)
    assert "already" in out.getvalue()
    with all_regions():
        assert Bureau.objects.filter(region_id="330600000000").count() == 1


def test_seed_demo_leaves_the_planner_statistics_of_what_it_loaded(seeded):
    """ANALYZE after the bulk load (PostgreSQL and SQLite both have it): the planner
    knows the tables' sizes before the first page is asked for."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT count(*) FROM pg_stats WHERE tablename = 'mediation_case'")
        else:
            cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'mediation_case'")
        assert cursor.fetchone()[0] > 0
