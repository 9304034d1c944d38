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

- a snapshot of the same report, jurisdiction and filters is returned as it is;
  once older than MAX_AGE (the job skipped it as unread, or is not running) it is
  still shown, with its date, while a job computes it again
  (``core.tasks.refresh_snapshot``): a kept report is one too slow to compute on
  the request, and a province's grading overview took half a minute;
- without one the figures are computed now. When that took SLOW seconds or more
  they are kept for the next requests, otherwise nothing is kept, so a small
  jurisdiction (a county, a test) always sees live figures and only the reports
  that need it are kept;
- the beat task ``core.tasks.refresh_snapshots`` (every REFRESH) recomputes the kept
  ones before they reach MAX_AGE, so the pages read them fresh; it leaves alone
  those nobody has read for a day and drops those unread for a month;
- ``warm()`` (``manage.py warm_snapshots``) computes ahead what each bureau's pages
  open with (each report's ``opens_with``), so that after a deploy or a bulk load no
  first visitor waits either.

Filters that only page or export (``page``, ``export``) are not part of the key.
"""

import datetime
import hashlib
import logging
import pickle
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.http import QueryDict
from django.utils import timezone

from core.models import Bureau, ReportSnapshot
from core.tenancy import active_prefix, all_regions, jurisdiction

SLOW = 0.2  # seconds: figures that took longer are kept
REFRESH = datetime.timedelta(minutes=10)  # the beat task's period
MAX_AGE = datetime.timedelta(minutes=30)  # older figures are shown while recomputed
UNREAD = datetime.timedelta(days=1)  # kept figures nobody read for this long: not refreshed
FORGOTTEN = datetime.timedelta(days=30)  # … and for this long: dropped
IGNORED = frozenset({"page", "export"})
MAX_QUERY = 500  # longer filter strings are computed every time, never kept

REPORTS: dict[str, Callable[[QueryDict], object]] = {}
OPENS_WITH: dict[str, Callable[[Bureau], list[QueryDict]]] = {}
SLOWNESS: dict[str, float] = {}  # a report's own SLOW, where its page passes one
logger = logging.getLogger(__name__)


def _no_filters(bureau) -> list[QueryDict]:
    return [QueryDict()]


def for_the_bureau(bureau) -> list[QueryDict]:
    """opens_with of a report of the user's own bureau (the bureau is its filter)."""
    return [QueryDict(f"bureau={bureau.pk}")]


def report(key: str, *, opens_with=_no_filters, slow=None):
    """Register *func(query)* as the computation of report *key*. *opens_with(bureau)*
    lists the filters its page opens with for a bureau's staff (by default none),
    which warm() computes before anyone asks; *slow*, the threshold its page reads
    with (read()'s)."""

    def decorator(func):
        REPORTS[key] = func
        OPENS_WITH[key] = opens_with
        if slow is not None:
            SLOWNESS[key] = slow
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
    if snapshot is not None:
        if now - snapshot.read_at > REFRESH / 2:  # rarely written: a hint for the job
            ReportSnapshot.objects.filter(pk=snapshot.pk).update(read_at=now)
        if is_old(snapshot.computed_at, now):
            _refresh_later(key, scope, filters)
        return Figures(pickle.loads(snapshot.data), snapshot.computed_at)
    data, seconds = _compute(key, filters, compute)
    if len(filters) <= MAX_QUERY and seconds >= (SLOW if slow is None else slow):
        _keep(key, scope, filters, data, seconds, now)
    return Figures(data)


def is_old(computed_at, now=None) -> bool:
    """Whether figures computed at *computed_at* are past MAX_AGE, so that a job is
    computing them again while pages show them."""
    return (now or timezone.now()) - computed_at >= MAX_AGE


def _refresh_later(key, scope, filters):
    """Have a job compute kept figures again, once however many pages show them
    meanwhile: the lock is taken until the job has run (or, if it never does, until
    the next one would have)."""
    from core.tasks import refresh_snapshot  # core.tasks imports this module

    if cache.add(_queued(key, scope, filters), True, timeout=REFRESH.total_seconds()):
        refresh_snapshot.delay(key, scope, filters)


def _queued(key, scope, filters) -> str:
    return f"snapshots:queued:{key}:{scope}:{hashlib.sha256(filters.encode()).hexdigest()}"


def _compute(key: str, filters: str, compute=None):
    started = time.perf_counter()
    data = compute() if compute else REPORTS[key](QueryDict(filters))
    return data, time.perf_counter() - started


def _keep(key, scope, filters, data, seconds, now):
    """Keep the figures of one report, jurisdiction and filters, or replace them.
    Only a page's read says they were read: the job's recomputation does not."""
    values = {"data": pickle.dumps(data), "computed_at": now, "seconds": seconds}
    try:
        with transaction.atomic():
            kept = ReportSnapshot.objects.filter(key=key, scope=scope, query=filters)
            if not kept.update(**values):
                ReportSnapshot.objects.create(
                    key=key, scope=scope, query=filters, read_at=now, **values
                )
    except IntegrityError:
        pass  # another request kept the same figures a moment ago


def warm(bureaus=None) -> int:
    """For each bureau's jurisdiction (default: every bureau), compute the figures its
    report pages open with, unless kept already, and keep those slow to compute, as a
    first visit would: after a deploy or a bulk load nobody then waits for them (a
    province's grading overview took half a minute). Returns how many were kept."""
    kept = 0
    with all_regions():
        bureaus = list(bureaus or Bureau.objects.select_related("region").order_by("region_id"))
    for bureau in bureaus:
        scope = bureau.region.prefix
        with jurisdiction(scope):
            for key, opens_with in OPENS_WITH.items():
                for query in opens_with(bureau):
                    filters = normalised(query)
                    if ReportSnapshot.objects.filter(key=key, scope=scope, query=filters).exists():
                        continue
                    try:
                        data, seconds = _compute(key, filters)
                    except Exception:
                        # A bureau a report does not apply to (no rules of its own):
                        # its page says so when opened.
                        logger.exception("snapshot %s %s %s not warmed", key, scope, filters)
                        continue
                    if seconds >= SLOWNESS.get(key, SLOW):
                        _keep(key, scope, filters, data, seconds, timezone.now())
                        kept += 1
    return kept


def forget(key: str) -> None:
    """Drop every kept snapshot of report *key* (its figures have just changed as a
    whole, e.g. a new version went live)."""
    ReportSnapshot.objects.filter(key=key).delete()


def refresh(now=None) -> int:
    """Recompute every kept snapshot read within UNREAD (each under its own
    jurisdiction); drop those unread for FORGOTTEN or whose report is gone. Returns
    how many were recomputed."""
    now = now or timezone.now()
    with all_regions():
        ReportSnapshot.objects.filter(read_at__lt=now - FORGOTTEN).delete()
        ReportSnapshot.objects.exclude(key__in=list(REPORTS)).delete()
        kept = list(
            ReportSnapshot.objects.filter(read_at__gte=now - UNREAD)
            .values_list("key", "scope", "query")
            .order_by("pk")
        )
    return sum(refresh_one(key, scope, filters) for key, scope, filters in kept)


def refresh_one(key: str, scope: str, filters: str) -> bool:
    """Recompute one kept snapshot under its own jurisdiction; whether it was."""
    try:
        with jurisdiction(scope):
            try:
                data, seconds = _compute(key, filters)
            except Exception:
                # Figures the job cannot compute any more (the only role of a kind
                # gone, a filter naming a deleted row): dropped, so the next request
                # computes them in its own terms.
                logger.exception("snapshot %s %s %s not refreshed", key, scope, filters)
                ReportSnapshot.objects.filter(key=key, scope=scope, query=filters).delete()
                return False
            # Kept already: refreshed whatever it took now.
            _keep(key, scope, filters, data, seconds, timezone.now())
        return True
    finally:
        cache.delete(_queued(key, scope, filters))
