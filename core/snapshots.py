"""Figures too costly to compute on every request for a large jurisdiction (a
province's reports read a million mediators), kept as snapshots that a job keeps
fresh; the page says how old they are.

A report registers the function that computes its figures from the page's filters,
inside the active jurisdiction and nothing else (not the user, not the role)::

    @snapshots.report("registry.completeness")
    def completeness(query):  # a QueryDict of the filters
        ...

and the page reads ``snapshots.read("registry.completeness", request.GET)``, a
``Figures`` (``data``, and ``computed_at`` when they come from a snapshot):

- a snapshot of the same report, jurisdiction and filters younger than MAX_AGE is
  returned as it is;
- otherwise the figures are computed now. When that took SLOW seconds or more they
  are kept for the next requests; when it was quicker nothing is kept and an older
  snapshot is dropped, so a small jurisdiction (a county, a test) always sees live
  figures and only the reports that need it are kept;
- the beat task ``core.tasks.refresh_snapshots`` (every REFRESH) recomputes the kept
  ones before they reach MAX_AGE, so the pages read them instead of computing them,
  and drops those nobody has read for a day.

Filters that only page or export (``page``, ``export``) are not part of the key.
"""

import datetime
import logging
import pickle
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.http import QueryDict
from django.utils import timezone

from core.models import ReportSnapshot
from core.tenancy import active_prefix, all_regions, jurisdiction

SLOW = 0.2  # seconds: figures that took longer are kept
REFRESH = datetime.timedelta(minutes=10)  # the beat task's period
MAX_AGE = datetime.timedelta(minutes=30)  # older figures are computed again
UNREAD = datetime.timedelta(days=1)  # kept figures nobody read for this long are dropped
IGNORED = frozenset({"page", "export"})
MAX_QUERY = 500  # longer filter strings are computed every time, never kept

REPORTS: dict[str, Callable[[QueryDict], object]] = {}
logger = logging.getLogger(__name__)


def report(key: str):
    """Register *func(query)* as the computation of report *key*."""

    def decorator(func):
        REPORTS[key] = func
        return func

    return decorator


@dataclass(frozen=True)
class Figures:
    data: object
    computed_at: datetime.datetime | None = None  # set when read from a snapshot


def normalised(query) -> str:
    """The filters of *query* that change the figures, in a stable order."""
    pairs = sorted(
        (key, value)
        for key, values in query.lists()
        if key not in IGNORED
        for value in values
        if value != ""
    )
    encoded = QueryDict(mutable=True)
    for key, value in pairs:
        encoded.appendlist(key, value)
    return encoded.urlencode()


def read(key: str, query=None, compute: Callable[[], object] | None = None, slow=None) -> Figures:
    """The figures of report *key* for the active jurisdiction and *query*'s filters.
    *compute*, when given, computes them in the page's own terms (its request) instead
    of the registered function, which the refresh job uses. Figures that took *slow*
    seconds (default SLOW) or more are kept (a page of many figures keeps smaller
    ones)."""
    scope, filters = active_prefix(), normalised(query or QueryDict())
    if scope is None:
        raise RuntimeError("snapshots.read needs an active jurisdiction")
    now = timezone.now()
    snapshot = (
        ReportSnapshot.objects.filter(key=key, scope=scope, query=filters)
        .only("data", "computed_at", "read_at")
        .first()
    )
    if snapshot is not None and now - snapshot.computed_at < MAX_AGE:
        if now - snapshot.read_at > REFRESH / 2:  # rarely written: a hint for dropping
            ReportSnapshot.objects.filter(pk=snapshot.pk).update(read_at=now)
        return Figures(pickle.loads(snapshot.data), snapshot.computed_at)
    data, seconds = _compute(key, filters, compute)
    if len(filters) <= MAX_QUERY and (snapshot is not None or seconds >= _slow(slow)):
        _keep(key, scope, filters, data, seconds, now, slow)
    return Figures(data)


def _slow(slow):
    return SLOW if slow is None else slow


def _compute(key: str, filters: str, compute=None):
    started = time.perf_counter()
    data = compute() if compute else REPORTS[key](QueryDict(filters))
    return data, time.perf_counter() - started


def _keep(key, scope, filters, data, seconds, now, slow=None):
    """Keep figures that were slow to compute; drop the snapshot of quick ones."""
    snapshots = ReportSnapshot.objects.filter(key=key, scope=scope, query=filters)
    if seconds < _slow(slow):
        snapshots.delete()
        return
    values = {"data": pickle.dumps(data), "computed_at": now, "read_at": now, "seconds": seconds}
    try:
        with transaction.atomic():
            if not snapshots.update(**values):
                ReportSnapshot.objects.create(key=key, scope=scope, query=filters, **values)
    except IntegrityError:
        pass  # another request kept the same figures a moment ago


def forget(key: str) -> None:
    """Drop every kept snapshot of report *key* (its figures have just changed as a
    whole, e.g. a new version went live)."""
    ReportSnapshot.objects.filter(key=key).delete()


def refresh(now=None) -> int:
    """Recompute every kept snapshot (under its own jurisdiction), drop those unread
    for a day or whose report is gone; returns how many were recomputed."""
    now = now or timezone.now()
    done = 0
    with all_regions():
        ReportSnapshot.objects.filter(read_at__lt=now - UNREAD).delete()
        ReportSnapshot.objects.exclude(key__in=list(REPORTS)).delete()
        kept = list(ReportSnapshot.objects.values_list("key", "scope", "query").order_by("pk"))
    for key, scope, filters in kept:
        with jurisdiction(scope):
            try:
                data, seconds = _compute(key, filters)
            except Exception:
                # Figures the job cannot compute any more (the only role of a kind
                # gone, a filter naming a deleted row): dropped, so the next request
                # computes them in its own terms.
                logger.exception("snapshot %s %s %s not refreshed", key, scope, filters)
                ReportSnapshot.objects.filter(key=key, scope=scope, query=filters).delete()
                continue
            # Kept already: refreshed whatever it took now, dropped when unread.
            _keep(key, scope, filters, data, seconds, timezone.now(), slow=0)
        done += 1
    return done
