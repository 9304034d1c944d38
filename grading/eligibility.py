"""Who meets which level at a round's cut-off.

Who is considered: every mediator kept in the round's region who holds a post in a
committee of that region on the cut-off date.

What is read, as of the cut-off (C), set-based: one grouped query per source, however
many mediators (the benchmark, ``manage.py bench_grading``, times this against one
hand-written SQL query and checks both give the same figures):

- the roster: status, a complete record (registry.reports' checks, with the posts
  held on C), the first post's start (years of service = whole days ÷ 365.25, rounded
  down to a tenth), the committee of the latest post held on C;
- cases the mediator *led*, of the region, closed in the look-back window (C minus
  ``lookback_years``, exclusive, to C inclusive): cases, successes, oral agreements,
  difficult and complex (complex or major) cases; success rate = successes ÷ cases,
  oral share = oral agreements ÷ cases;
- the average satisfaction of the callbacks recorded on or before C on those cases;
- training attended in the window: sessions and hours; and the sessions of the year
  up to C, against the bureau's ``training_min_sessions`` (the basic condition);
- the integrity file: founded complaints and sanctions within
  ``complaint_years`` and disputes turned criminal within ``criminal_years`` before C;
- the level history: the mediator's level on C.

The thresholds are the bureau's grading rules stored on the round when it was first
computed (``GradingRound.rules``), so computing again at the same cut-off gives the
same list. Rates are compared in whole numbers (successes × 1000 ≥ rate‰ × cases) so
no float rounding decides a pass.
"""

import datetime
import math
from dataclasses import dataclass
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

from auditlog.context import disable_auditlog
from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.db.models import (
    Avg,
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
)
from django.utils import timezone

from complaints.models import IntegrityKind, IntegrityRecord
from core import bulk, policy
from grading.models import BASIC_CRITERIA, LEVEL_CRITERIA, Eligibility, GradingRound, LevelChange
from mediation.models import Callback, Case, CaseResult
from mediation.models.choices import AgreementForm, Difficulty
from registry.models import Appointment, Mediator, MediatorStatus, TrainingAttendance
from registry.models.appointments import held_on
from registry.reports import mediator_record_checks

DIFFICULT = (Difficulty.COMPLEX, Difficulty.MAJOR)
# Mediators computed and written at a time: a province's round lists 888,000, whose
# figures held at once took gigabytes.
BATCH = 5000


def rules_for(bureau) -> dict:
    """The bureau's grading rules in force now, as a round stores them."""
    return {
        "levels": policy.value(bureau, "grading_levels"),
        "criteria": policy.value(bureau, "grading_criteria"),
        "schedule": policy.value(bureau, "grading_schedule"),
        "disqualifiers": policy.value(bureau, "grading_disqualifiers"),
        "training_min_sessions": policy.value(bureau, "training_min_sessions"),
    }


@dataclass
class Window:
    """The dates a round reads: the cut-off and the starts (exclusive) of its windows."""

    cutoff: datetime.date
    lookback_from: datetime.date
    year_from: datetime.date
    complaint_from: datetime.date
    criminal_from: datetime.date

    @classmethod
    def of(cls, cutoff, rules):
        def back(years):
            return cutoff - relativedelta(years=years)

        disqualifiers = rules["disqualifiers"]
        return cls(
            cutoff=cutoff,
            lookback_from=back(rules["schedule"]["lookback_years"]),
            year_from=back(1),
            complaint_from=back(disqualifiers["complaint_years"]),
            criminal_from=back(disqualifiers["criminal_years"]),
        )


@dataclass
class Figures:
    """One mediator's figures at the cut-off (what Eligibility stores)."""

    mediator_id: int
    region_id: str
    status: str
    record_complete: bool
    first_start: datetime.date | None
    committee_id: int | None
    cases: int = 0
    successes: int = 0
    oral: int = 0
    difficult: int = 0
    satisfaction: float | None = None
    training_sessions: int = 0
    training_hours: Decimal = Decimal(0)
    year_sessions: int = 0
    complaints: int = 0
    criminal: int = 0
    current_rank: int | None = None

    def years(self, cutoff) -> Decimal:
        if self.first_start is None or self.first_start > cutoff:
            return Decimal(0)
        tenths = math.floor((cutoff - self.first_start).days * 10 / 365.25)
        return Decimal(tenths) / 10


def considered(prefix: str, cutoff: datetime.date, span=None):
    """The mediators a round at *cutoff* of the region *prefix* lists (those in
    *span* only, a range of ids from ``batches``)."""
    posts = Appointment._base_manager.filter(
        held_on(cutoff),
        _in(span, "mediator"),
        region__code__startswith=prefix,
        mediator=OuterRef("pk"),
    )
    return Mediator.objects.filter(Exists(posts), _in(span, "pk"), region__code__startswith=prefix)


def _in(span, field) -> Q:
    """*field*, a mediator, in *span* (after, last); anything without a span. Each
    query of a batch, and each subquery, reads its range only: PostgreSQL may hash a
    subquery's whole table once per query, a province's table again for each batch."""
    if span is None:
        return Q()
    after, last = span
    return Q(**{f"{field}__gt": after}) & (Q() if last is None else Q(**{f"{field}__lte": last}))


def batches(prefix: str, size: int):
    """The ids of the mediators kept in the region *prefix*, *size* at a time, as
    ranges (after, last): ids above *after*, up to *last* included; the last range is
    open (*last* None). Each boundary is one look-up in the primary key's order."""
    ids = (
        Mediator.objects.filter(region__code__startswith=prefix)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    after = 0
    while True:
        last = next(iter(ids.filter(pk__gt=after)[size - 1 : size]), None)
        yield after, last
        if last is None:
            return
        after = last


def figures(prefix: str, window: Window, span: tuple[int, int | None] | None = None):
    """The considered mediators' figures, by mediator id, in id order: six grouped
    queries. With *span*, a range of ids from ``batches``, only the mediators in it;
    each source, and each subquery, is then read for that range only (a whole
    table's worth per batch would make a province's list quadratic)."""

    def mediators_of(field) -> Q:
        """The region's mediators, or the span's (all of them the region's, as is
        every row kept below)."""
        return _in(span, field) if span else Q(**{f"{field}__region__code__startswith": prefix})

    cutoff = window.cutoff
    posts = Appointment._base_manager.filter(
        held_on(cutoff), region__code__startswith=prefix, mediator=OuterRef("pk")
    )
    first_post = (
        Appointment._base_manager.filter(mediator=OuterRef("pk"), starts_on__lte=cutoff)
        .order_by()
        .values("mediator")
        .annotate(first=Min("starts_on"))
        .values("first")
    )
    complete = Q()
    for condition in mediator_record_checks(cutoff, _in(span, "mediator")).values():
        complete &= condition
    rows = (
        considered(prefix, cutoff, span)
        .annotate(
            first_start=Subquery(first_post),
            committee_id=Subquery(posts.order_by("-starts_on", "-pk").values("committee_id")[:1]),
            complete=ExpressionWrapper(complete, output_field=BooleanField()),
        )
        .order_by("pk")
        .values_list(
            "pk", "region_id", "status", "complete", "first_start", "committee_id", "level"
        )
    )
    result = {}
    levels = {}
    for pk, region, status, complete_, first, committee, level in rows:
        result[pk] = Figures(pk, region, status, bool(complete_), first, committee)
        levels[pk] = level
    if not result:
        return result

    window_cases = Case.objects.filter(
        _in(span, "lead_mediator"),
        region__code__startswith=prefix,
        lead_mediator__isnull=False,
        closed_on__gt=window.lookback_from,
        closed_on__lte=cutoff,
    )
    case_rows = (
        window_cases.order_by()
        .values("lead_mediator_id")
        .annotate(
            n=Count("pk"),
            ok=Count("pk", filter=Q(result=CaseResult.SUCCESS)),
            oral=Count("pk", filter=Q(agreement_form=AgreementForm.ORAL)),
            hard=Count("pk", filter=Q(difficulty__in=DIFFICULT)),
        )
        .values_list("lead_mediator_id", "n", "ok", "oral", "hard")
    )
    for pk, n, ok, oral, hard in case_rows:
        if pk in result:
            row = result[pk]
            row.cases, row.successes, row.oral, row.difficult = n, ok, oral, hard

    callbacks = (
        Callback.objects.filter(
            _in(span, "case__lead_mediator"),
            case__region__code__startswith=prefix,
            case__lead_mediator__isnull=False,
            case__closed_on__gt=window.lookback_from,
            case__closed_on__lte=cutoff,
            called_on__isnull=False,
            called_on__lte=cutoff,
            satisfaction__isnull=False,
        )
        .order_by()
        .values("case__lead_mediator_id")
        .annotate(a=Avg("satisfaction"))
        .values_list("case__lead_mediator_id", "a")
    )
    for pk, average in callbacks:
        if pk in result:
            # Four decimals, half away from zero, as SQL's round() on a numeric.
            rounded = Decimal(str(average)).quantize(Decimal("0.0001"), ROUND_HALF_UP)
            result[pk].satisfaction = float(rounded)

    training = (
        TrainingAttendance.objects.filter(
            mediators_of("mediator"),
            session__held_on__gt=window.lookback_from,
            session__held_on__lte=cutoff,
        )
        .order_by()
        .values("mediator_id")
        .annotate(
            n=Count("pk"),
            hours=Sum("session__hours"),
            year=Count("pk", filter=Q(session__held_on__gt=window.year_from)),
        )
        .values_list("mediator_id", "n", "hours", "year")
    )
    for pk, n, hours, year in training:
        if pk in result:
            row = result[pk]
            row.training_sessions, row.training_hours, row.year_sessions = n, hours, year

    barred = (
        IntegrityRecord.objects.filter(
            mediators_of("mediator"),
            occurred_on__gt=min(window.complaint_from, window.criminal_from),
            occurred_on__lte=cutoff,
        )
        .order_by()
        .values("mediator_id")
        .annotate(
            complaints=Count(
                "pk",
                filter=Q(
                    kind__in=[IntegrityKind.COMPLAINT, IntegrityKind.SANCTION],
                    occurred_on__gt=window.complaint_from,
                ),
            ),
            criminal=Count(
                "pk",
                filter=Q(kind=IntegrityKind.TURNED_CRIMINAL, occurred_on__gt=window.criminal_from),
            ),
        )
        .values_list("mediator_id", "complaints", "criminal")
    )
    for pk, complaints, criminal in barred:
        if pk in result:
            result[pk].complaints, result[pk].criminal = complaints, criminal

    # The level on the cut-off from the history; a level stored before there was a
    # history (no change recorded at all) is taken as it stands.
    changes = (
        LevelChange.objects.filter(mediators_of("mediator"))
        .order_by("mediator_id", "effective_on", "pk")
        .values_list("mediator_id", "effective_on", "from_rank", "to_rank")
    )
    history: dict[int, list] = {}
    for pk, on, from_rank, to_rank in changes:
        history.setdefault(pk, []).append((on, from_rank, to_rank))
    for pk, row in result.items():
        past = history.get(pk)
        if not past:
            row.current_rank = levels[pk]
            continue
        before = [to_rank for on, _f, to_rank in past if on <= cutoff]
        row.current_rank = before[-1] if before else past[0][1]
    return result


def _permille(share) -> int:
    return round(Decimal(str(share)) * 1000)


class Checks:
    """The checks of *ranks* under *rules*, their thresholds converted once for a
    whole list rather than per mediator."""

    BASIC = [str(criterion) for criterion in BASIC_CRITERIA]
    PER_RANK = [str(criterion) for criterion in LEVEL_CRITERIA]

    def __init__(self, rules: dict, ranks):
        self.min_sessions = rules["training_min_sessions"]
        self.ranks = []
        for rank in ranks:
            c = rules["criteria"].get(str(rank))
            if c is not None:
                self.ranks.append(
                    (
                        str(rank),
                        c["years"],
                        c["cases"],
                        _permille(c["success_rate"]),
                        _permille(c["oral_share"]),
                        c["difficult"],
                        Decimal(str(c["training_hours"])),
                        Decimal(str(c["satisfaction"])),
                    )
                )

    def __call__(self, row: Figures, years: Decimal) -> dict:
        """{"basic": {criterion: passed}, "<rank>": {criterion: passed}}."""
        basic = (
            row.status == MediatorStatus.ACTIVE,
            row.record_complete,
            row.year_sessions >= self.min_sessions,
            row.complaints == 0,
            row.criminal == 0,
        )
        checks = {"basic": dict(zip(self.BASIC, basic, strict=True))}
        hours = Decimal(row.training_hours)
        satisfied = (
            None
            if row.satisfaction is None
            else Decimal(str(row.satisfaction)).quantize(Decimal("0.0001"))
        )
        for rank, min_years, cases, success, oral, difficult, min_hours, satisfaction in self.ranks:
            passed = (
                years >= min_years,
                row.cases >= cases,
                row.successes * 1000 >= success * row.cases,
                row.oral * 1000 <= oral * row.cases,
                row.difficult >= difficult,
                hours >= min_hours,
                satisfaction == 0 or (satisfied is not None and satisfied >= satisfaction),
            )
            checks[rank] = dict(zip(self.PER_RANK, passed, strict=True))
        return checks


def check(row: Figures, years: Decimal, rules: dict, ranks) -> dict:
    """{"basic": {criterion: passed}, "<rank>": {criterion: passed}} for *ranks*."""
    return Checks(rules, ranks)(row, years)


def qualified_rank(checks: dict, ranks) -> int | None:
    if not all(checks["basic"].values()):
        return None
    met = [r for r in ranks if str(r) in checks and all(checks[str(r)].values())]
    return min(met, default=None)


def _eligibility(round_: GradingRound, row: Figures, checker: Checks) -> dict:
    """The Eligibility row of *row*'s figures, by field (core.bulk.insert_like)."""
    years = row.years(round_.cutoff_on)
    checks = checker(row, years)
    return {
        "mediator_id": row.mediator_id,
        "region_id": row.region_id,
        "committee_id": row.committee_id,
        "current_rank": row.current_rank,
        "serving": row.status == MediatorStatus.ACTIVE,
        "record_complete": row.record_complete,
        "years": years,
        "cases": row.cases,
        "successes": row.successes,
        "success_rate": row.successes / row.cases if row.cases else None,
        "oral_share": row.oral / row.cases if row.cases else None,
        "difficult": row.difficult,
        "training_sessions": row.training_sessions,
        "training_hours": Decimal(row.training_hours).quantize(Decimal("0.1"), ROUND_FLOOR),
        "satisfaction": row.satisfaction,
        "complaints": row.complaints,
        "criminal": row.criminal,
        "checks": checks,
        "qualified_rank": qualified_rank(checks, round_.ranks),
    }


def compute(round_: GradingRound, progress=None) -> int:
    """Replace the round's eligibility list with one computed at its cut-off; returns
    how many mediators it lists. One transaction: a run that fails leaves the
    previous list. The rows are the computation's output, not anyone's edit, so they
    are written without an audit entry each; the round's own entry records the run
    (eligibility_computed_at). Computed and written BATCH mediators at a time, in id
    order, so a province's round holds one batch's figures at once."""
    rules = round_.rules or rules_for(round_.bureau)
    prefix = round_.region.prefix
    window = Window.of(round_.cutoff_on, rules)
    total = considered(prefix, window.cutoff).count()
    if progress:
        progress(0, total)
    template = Eligibility(round=round_)
    checker = Checks(rules, round_.ranks)
    done = 0
    with transaction.atomic():
        with disable_auditlog():
            Eligibility.objects.filter(round=round_).delete()
            for span in batches(prefix, BATCH):
                rows = figures(prefix, window, span)
                bulk.insert_like(
                    template, [_eligibility(round_, row, checker) for row in rows.values()]
                )
                done += len(rows)
                if progress:
                    progress(done, total)
        round_.rules = rules
        round_.eligibility_computed_at, round_.listed = timezone.now(), done
        round_.save(update_fields=["rules", "eligibility_computed_at", "listed", "updated_at"])
    return done
