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


def _age(delta, **where):
    ReportSnapshot.objects.filter(**where).update(computed_at=timezone.now() - delta)


def test_old_figures_are_shown_with_their_date_while_a_job_computes_them_again(db, monkeypatch):
    from core import tasks

    queued = []
    monkeypatch.setattr(tasks.refresh_snapshot, "delay", lambda *args: queued.append(args))
    _read(slow=0)
    _age(snapshots.MAX_AGE)
    old = _read()
    # Not computed on the request (a province's report takes half a minute) …
    assert old.data["computed"] == 1 and old.computed_at is not None
    assert len(calls) == 1
    # … but by one job, however many pages show the old figures meanwhile.
    _read()
    assert queued == [("tests.counter", "3306", "")]
    snapshots.refresh_one(*queued[0])
    again = _read()
    assert again.data["computed"] == 2 and timezone.now() - again.computed_at < snapshots.REFRESH


def test_the_job_computes_old_figures_when_a_page_finds_them(db):
    # Tasks run in the test's process: the job has run when the page is answered.
    _read(slow=0)
    _age(snapshots.MAX_AGE)
    assert _read().data["computed"] == 1
    assert _read().data["computed"] == 2


def test_the_job_leaves_unread_figures_alone_and_drops_forgotten_ones(db):
    _read("3306", slow=0)
    _read("330602", slow=0)
    _read("330603", slow=0)
    now = timezone.now()
    minute = datetime.timedelta(minutes=1)
    ReportSnapshot.objects.filter(scope="330602").update(read_at=now - snapshots.UNREAD - minute)
    ReportSnapshot.objects.filter(scope="330603").update(read_at=now - snapshots.FORGOTTEN - minute)
    assert snapshots.refresh() == 1
    assert sorted(ReportSnapshot.objects.values_list("scope", flat=True)) == ["3306", "330602"]
    assert _read("3306").data["computed"] == 4  # the job's computation, read back
    # The job's computation is not a read: figures nobody reads stop being refreshed.
    ReportSnapshot.objects.filter(scope="3306").update(read_at=now - snapshots.UNREAD - minute)
    assert snapshots.refresh() == 0


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
    assert 'data-testid="snapshot-recomputing"' not in kept.content.decode()
    # … until the job computes them again.
    assert snapshots.refresh() == 1
    again = client.get("/reports/completeness/")
    assert again.context["report"].committees.total.total == counted + 1
    # Figures older than the job would leave them say newer ones are on the way.
    with all_regions():
        ReportSnapshot.objects.update(computed_at=timezone.now() - snapshots.MAX_AGE)
    old = client.get("/reports/completeness/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'data-testid="snapshot-recomputing"' in old and "请一分钟后刷新页面" in old


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


def test_warming_keeps_what_each_bureaus_pages_open_with_once(login, world, monkeypatch):
    from core import dashboard
    from core.models import Bureau

    monkeypatch.setattr(snapshots, "SLOW", 0)  # every figure counts as slow
    monkeypatch.setitem(snapshots.SLOWNESS, dashboard.KEPT, 0)
    monkeypatch.setitem(snapshots.OPENS_WITH, KEY, lambda bureau: [QueryDict()])
    with all_regions():
        scopes = sorted(b.region.prefix for b in Bureau.objects.select_related("region"))
    kept = snapshots.warm()
    assert calls == [""] * len(scopes)
    with all_regions():
        assert sorted(ReportSnapshot.objects.filter(key=KEY).values_list("scope", flat=True)) == (
            scopes
        )
        assert ReportSnapshot.objects.count() == kept > len(scopes)  # the real reports too
    # Kept already: left to the refresh job.
    assert snapshots.warm() == 0 and len(calls) == len(scopes)
    # The city's staff open them without computing them.
    client = login(world["a"]["city_user"])
    for url in ("/grading/overview/", "/reports/completeness/", "/statistics/", "/"):
        page = client.get(url).content.decode()
        assert 'data-testid="snapshot-note"' in page, url


def test_warm_snapshots_command_reports_what_it_kept(db, monkeypatch):
    from io import StringIO

    from django.core.management import call_command

    monkeypatch.setattr(snapshots, "warm", lambda: 3)
    out = StringIO()
    call_command("warm_snapshots", stdout=out)
    assert out.getvalue().startswith("Kept 3 report figures")
