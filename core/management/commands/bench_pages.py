"""Time every staff page and API list that takes no path parameter, as one demo user
would open it (default: ``city``, the widest jurisdiction of the demo), through
Django's test client against the configured database.

Routes are found in the URL resolver, as the isolation walker finds them, so a new
list page joins the table by being registered. Left out: the Django admin, the
public site (cached, measured by ``make bench-public``), the schema and its docs
page, logins, and any answer that is a download (an export run on GET would time
the writer, not the page). Each URL is opened once (which computes the figures a
page keeps, core.snapshots; shown as "first"), then timed ``--repeat`` times; the
table gives the median, slowest first. Before the first request, the figures each
bureau's pages open with are computed ahead (``warm_snapshots``), as a deployment
does after a bulk load; ``--cold`` leaves them to the first requests.

Meant for the province-sized demo (``seed_demo --scale 10``) where the goal is
every page under 500 ms (issue 15)."""

import logging
import statistics
import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern

from core import routes, snapshots

GOAL_MS = 500
SKIPPED_PREFIXES = ("admin/", "public/", "api/schema", "api/docs", "i18n/", "static/")
SKIPPED_WORDS = ("login", "logout", "password", "export", "download", "template", "healthz")
# After a first answer slower than this, one more request is timed, not --repeat.
SLOW_ONCE_S = 20


def _gets(pattern: URLPattern) -> bool:
    actions = getattr(pattern.callback, "actions", None)
    if actions:  # DRF: the list route maps get → list
        return "get" in actions
    view_class = getattr(pattern.callback, "view_class", None)
    allowed = getattr(view_class, "http_method_names", None)
    return allowed is None or "get" in allowed


def list_urls() -> list[str]:
    """Every GET route without path parameters, as a URL."""
    urls = []
    for route, pattern in routes.walk():
        if pattern.pattern.regex.groupindex or route.startswith(SKIPPED_PREFIXES):
            continue
        if any(word in route for word in SKIPPED_WORDS) or not _gets(pattern):
            continue
        url = "/" + route.replace("^", "").replace("$", "").replace("\\.", ".")
        if "(" in url or "[" in url:  # a DRF format suffix route (.json) and the like
            continue
        urls.append(url)
    return sorted(set(urls))


class Command(BaseCommand):
    help = "Median time of every staff list page and API list for one user (issue 15)."

    def add_arguments(self, parser):
        parser.add_argument("--user", default="city")
        parser.add_argument("--repeat", type=int, default=3)
        parser.add_argument(
            "--only", action="append", default=[], help="URL prefix to time (repeatable)"
        )
        parser.add_argument("--goal-ms", type=int, default=GOAL_MS)
        parser.add_argument(
            "--cold",
            action="store_true",
            help="do not compute the kept report figures ahead (warm_snapshots)",
        )

    def handle(self, *args, user, repeat, only, goal_ms, cold, **options):
        User = get_user_model()
        try:
            account = User.objects.get(username=user)
        except User.DoesNotExist as exc:
            raise CommandError(f"No user {user!r}: seed the demo first (seed_demo).") from exc
        client = Client()
        client.force_login(account)
        # A page the role may not open answers 403 and is left out; its traceback in
        # the request log is noise here.
        logging.getLogger("django.request").setLevel(logging.CRITICAL)
        urls = [u for u in list_urls() if not only or u.startswith(tuple(only))]
        if not cold:
            started = time.perf_counter()
            kept = snapshots.warm()
            self.stdout.write(
                f"warm_snapshots: {kept} figures kept ({time.perf_counter() - started:.1f} s)"
            )
        rows = []
        for url in urls:
            started = time.perf_counter()
            response = client.get(url, secure=True)
            first = time.perf_counter() - started
            if response.status_code != 200 or response.has_header("Content-Disposition"):
                self.stdout.write(f"  skipped {url}: {response.status_code}")
                continue
            # The first answer computes what a page keeps (core.snapshots) for the
            # requests after it: it is shown apart, and a slow one is timed once more
            # rather than --repeat times.
            times = []
            with CaptureQueriesContext(connection) as queries:
                for _ in range(1 if first > SLOW_ONCE_S else repeat):
                    started = time.perf_counter()
                    client.get(url, secure=True)
                    times.append(time.perf_counter() - started)
            median = statistics.median(times) * 1000
            count = len(queries) // len(times)
            rows.append((median, url, count, first * 1000))
            self.stdout.write(f"  {median:8.0f} ms  {count:3d} queries  {url}")
        rows.sort(reverse=True)
        self.stdout.write(f"\nSlowest first ({user}, median of {repeat} after a first request):")
        self.stdout.write(f"{'ms':>8}  {'queries':>7}  {'first ms':>8}  page")
        for median, url, count, first in rows:
            mark = "  OVER" if median > goal_ms else ""
            self.stdout.write(f"{median:8.0f}  {count:7d}  {first:8.0f}  {url}{mark}")
        slowest = rows[0][0] if rows else 0
        slowest_first = max((first for *_, first in rows), default=0)
        over = sum(1 for median, *_ in rows if median > goal_ms)
        self.stdout.write(f"{len(rows)} pages, {over} over {goal_ms} ms")
        self.stdout.write(f"BENCH pages-slowest ratio={slowest / goal_ms:.2f} goal<=1")
        self.stdout.write(f"BENCH pages-first-slowest ratio={slowest_first / goal_ms:.2f} goal<=1")
