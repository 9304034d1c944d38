"""The page benchmark (manage.py bench_pages) times what it says, for a real user."""

import re
from io import StringIO

from django.core.management import call_command

from core import snapshots


def test_bench_pages_times_the_lists_after_warming_and_ends_with_bench_lines(world, monkeypatch):
    warmed = []
    monkeypatch.setattr(snapshots, "warm", lambda: warmed.append(True) or 0)
    out = StringIO()
    call_command(
        "bench_pages",
        user=world["a"]["city_user"].username,
        repeat=1,
        only=["/committees/", "/api/v1/committees/"],
        stdout=out,
    )
    text = out.getvalue()
    assert warmed == [True]
    assert re.search(r"^\s+\d+\s+\d+\s+\d+\s+/committees/$", text, re.MULTILINE)
    assert re.search(r"^\s+\d+\s+\d+\s+\d+\s+/api/v1/committees/$", text, re.MULTILINE)
    assert re.search(r"^BENCH pages-slowest ratio=\d+\.\d\d goal<=1$", text, re.MULTILINE)
    assert re.search(r"^BENCH pages-first-slowest ratio=\d+\.\d\d goal<=1$", text, re.MULTILINE)


def test_bench_pages_cold_leaves_the_figures_to_the_first_requests(world, monkeypatch):
    monkeypatch.setattr(snapshots, "warm", lambda: (_ for _ in ()).throw(AssertionError))
    out = StringIO()
    call_command(
        "bench_pages",
        user=world["a"]["city_user"].username,
        repeat=1,
        only=["/committees/"],
        cold=True,
        stdout=out,
    )
    assert "2 pages, 0 over 500 ms" in out.getvalue()  # /committees/ and /committees/new/
