"""Report figures kept as snapshots when they are slow to compute (core.snapshots):
kept per report, jurisdiction and filters, read back until they are old, refreshed
by the job, and said to be kept on the page."""

import datetime

import pytest
from django.http import QueryDict
from django.utils import timezone

from core import snapshots
from core.models import ReportSnapshot
from core.tenancy import all_regions, jurisdiction
from tests.factories import CommitteeFactory

KEY = "tests.counter"
calls = []


@pytest.fixture(autouse=True)
def _counting_report(monkeypatch):
    """A report whose figures say how many times it was computed, and in which
    jurisdiction with which filters."""
    calls.clear()

    def counter(query):
        calls.append(query.urlencode())
        return {"computed": len(calls), "query": query.urlencode()}

    monkeypatch.setitem(snapshots.REPORTS, KEY, counter)


def _read(prefix="3306", query="", **options):
    with jurisdiction(prefix):
        return snapshots.read(KEY, QueryDict(query), **options)


def test_quick_figures_are_computed_every_time_and_not_kept(db):
    assert _read().data["computed"] == 1
    assert _read().data["computed"] == 2
    assert _read().computed_at is None
    assert not ReportSnapshot.objects.exists()


def test_slow_figures_are_kept_and_read_back_with_their_age(db):
    first = _read(slow=0)
    assert first.computed_at is None  # computed for this request
    again = _read(slow=0)
    assert again.data == first.data and again.computed_at is not None
    assert len(calls) == 1


def test_kept_figures_are_per_jurisdiction_and_filters_paging_aside(db):
    _read("3306", "region=330602000000&page=2", slow=0)
    assert _read("3306", "page=3&region=330602000000").computed_at is not None
    assert _read("3306", "region=330603000000").computed_at is None
    assert _read("330602", "region=330602000000").computed_at is None
    assert calls == ["region=330602000000", "region=330603000000", "region=330602000000"]


def test_old_figures_are_computed_again_and_quick_ones_dropped(db):
    _read(slow=0)
    ReportSnapshot.objects.update(computed_at=timezone.now() - snapshots.MAX_AGE)
    fresh = _read()
    assert fresh.data["computed"] == 2 and fresh.computed_at is None
    assert not ReportSnapshot.objects.exists()  # quick now: live from here on


def test_the_job_refreshes_kept_figures_and_drops_unread_ones(db):
    _read("3306", slow=0)
    _read("330602", slow=0)
    ReportSnapshot.objects.filter(scope="330602").update(
        read_at=timezone.now() - snapshots.UNREAD - datetime.timedelta(minutes=1)
    )
    assert snapshots.refresh() == 1
    (kept,) = ReportSnapshot.objects.all()
    assert kept.scope == "3306"
    assert _read("3306").data["computed"] == 3  # the job's computation, read back


def test_a_kept_report_says_how_old_its_figures_are(login, world, monkeypatch):
    monkeypatch.setattr(snapshots, "SLOW", 0)
    client = login(world["a"]["city_user"])
    with all_regions():
        CommitteeFactory(region=world["a"]["village"])
    live = client.get("/reports/completeness/")
    assert 'data-testid="snapshot-note"' not in live.content.decode()
    counted = live.context["report"].committees.total.total
    assert counted >= 1
    with all_regions():
        CommitteeFactory(region=world["a"]["village"])
    kept = client.get("/reports/completeness/")
    assert 'data-testid="snapshot-note"' in kept.content.decode()
    # The kept figures: the committee added after them is not counted yet …
    assert kept.context["report"].committees.total.total == counted
    # … until the job computes them again.
    assert snapshots.refresh() == 1
    again = client.get("/reports/completeness/")
    assert again.context["report"].committees.total.total == counted + 1


def test_the_dashboard_keeps_its_overview_and_charts_and_the_job_recomputes_them(
    login, world, monkeypatch
):
    from core import dashboard

    monkeypatch.setattr(dashboard, "KEPT_SLOW", 0)
    client = login(world["a"]["city_user"])
    first = client.get("/").context["dashboard"]
    assert first["as_of"] is None
    kept = client.get("/").context["dashboard"]
    assert kept["as_of"] is not None
    assert kept["overview"] == first["overview"] and kept["charts"] == first["charts"]
    # The job computes them as a role of the same kind over the same jurisdiction.
    with all_regions():
        recomputed = ReportSnapshot.objects.filter(key=dashboard.KEPT).count()
    assert recomputed and snapshots.refresh() == recomputed
    assert client.get("/").context["dashboard"]["overview"] == first["overview"]


def test_figures_the_job_cannot_compute_are_dropped_not_fatal(db, monkeypatch):
    _read("3306", slow=0)
    _read("330602", "region=gone", slow=0)
    real = snapshots.REPORTS[KEY]

    def failing(query):
        if query.get("region") == "gone":
            raise LookupError("no such region")
        return real(query)

    monkeypatch.setitem(snapshots.REPORTS, KEY, failing)
    assert snapshots.refresh() == 1
    assert list(ReportSnapshot.objects.values_list("scope", flat=True)) == ["3306"]
