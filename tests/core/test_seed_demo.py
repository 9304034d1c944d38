from io import StringIO

from django.core.management import call_command
from django.db import connection, transaction

from core.models import Bureau, JudicialOffice, Region, Role
from core.tenancy import all_regions


def _seed(seed, out=None):
    call_command("seed_demo", "--scale", "0.05", "--seed", str(seed), stdout=out or StringIO())
    with all_regions():
        return list(Region.objects.filter(level="village").values_list("code", "name"))


def _assert_shaoxing(printed):
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
        assert username in printed


def _assert_planner_statistics():
    """ANALYZE after the bulk load (PostgreSQL and SQLite both have it): the planner
    knows the tables' sizes before the first page is asked for."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT count(*) FROM pg_stats WHERE tablename = 'mediation_case'")
        else:
            cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'mediation_case'")
        assert cursor.fetchone()[0] > 0


def _assert_if_empty_leaves_it_alone():
    out = StringIO()
    call_command("seed_demo", "--if-empty", stdout=out)
    assert "already" in out.getvalue()
    with all_regions():
        assert Bureau.objects.filter(region_id="330600000000").count() == 1


def test_seed_demo_builds_shaoxing_deterministically(db, monkeypatch):
    """One seed checked whole (a demo seeding is the slow part of this file, so the
    checks share it), then the same seed again and another one, each rolled back."""
    monkeypatch.setenv("DEMO_PASSWORD", "demo-pass-123")
    with transaction.atomic():
        out = StringIO()
        first = _seed(7, out)
        assert len(first) == 36
        _assert_shaoxing(out.getvalue())
        _assert_planner_statistics()
        _assert_if_empty_leaves_it_alone()
        transaction.set_rollback(True)
    with transaction.atomic():
        assert _seed(7) == first
        transaction.set_rollback(True)
    with transaction.atomic():
        assert _seed(8) != first
        transaction.set_rollback(True)
