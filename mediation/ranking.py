"""The quarterly ranking of a bureau's full-time mediators (季通报).

Who is ranked: every mediator holding a full-time post (Appointment.full_time) in a
committee of the bureau's region at any time during the quarter; their committee is
the one of their latest such post in the quarter (a mediator transferred mid-quarter
appears once).

What counts: cases of the bureau's region *led* by the mediator and closed in the
quarter (closed_on within it); successes are those with result "success"; the success
rate is successes ÷ cases (0 without cases); satisfaction is the average of the
recorded callbacks (called_on set) on those cases, empty without any.

Order: the bureau's ``ranking_criteria`` policy, most important first, each
descending (an empty satisfaction ranks below any value). Ties share a rank by
*standard competition ranking* (SQL ``RANK()``: 1, 2, 2, 4), so a rank says how many
mediators did strictly better; rows of a shared rank are listed by mediator id.

Target: the bureau's QuarterlyTarget for the mediator if it set one; otherwise
ceil(ranking_target_share × the committee's cases closed in the same quarter of the
previous year ÷ the committee's full-time mediators during that quarter), counting
at least one mediator, so a committee without last year's cases gives a target of 0.
A mediator is under target when their cases are fewer than the target.

The ranking itself (figures, order and ranks) is one SQL query: the quarter's cases
joined per mediator, aggregates, subqueries and a RANK() window. The default targets
add two GROUP BY queries over the committees (last year's cases and full-time
mediators), whatever the number of mediators; nothing runs per mediator. The
benchmark (manage.py bench_ranking) times this against one hand-written query and
checks both give the same ranks.
"""

import datetime
import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from auditlog.context import disable_auditlog
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import (
    Avg,
    Count,
    Exists,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    Subquery,
    Value,
    Window,
)
from django.db.models.functions import Cast, Coalesce, NullIf, Rank
from django.utils import timezone
from django.utils.translation import gettext as _

from core import policy
from mediation.models import (
    Callback,
    Case,
    CaseResult,
    QuarterlyTarget,
    RankingEntry,
    RankingSnapshot,
)
from mediation.models.choices import SnapshotStatus
from registry.models import Appointment, Mediator

# The policy's criterion names → the query's annotations.
SORT_FIELDS = {
    "successes": "r_successes",
    "success_rate": "r_rate",
    "satisfaction": "r_satisfaction",
    "cases": "r_cases",
}


def quarter_bounds(year: int, quarter: int) -> tuple[datetime.date, datetime.date]:
    start = datetime.date(year, 3 * quarter - 2, 1)
    following = datetime.date(year + quarter // 4, 3 * quarter % 12 + 1, 1)
    return start, following - datetime.timedelta(days=1)


def check_quarter(year: int, quarter: int, today: datetime.date | None = None):
    """Refuse a quarter that does not exist or has not ended yet."""
    if quarter not in (1, 2, 3, 4):
        raise ValidationError({"quarter": _("A quarter is 1, 2, 3 or 4.")})
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": _("Enter a year between 2000 and 2100.")})
    _start, end = quarter_bounds(year, quarter)
    if end >= (today or timezone.localdate()):
        raise ValidationError(
            {
                "quarter": _(
                    "%(year)s Q%(quarter)s has not ended yet: a quarter is ranked once it "
                    "is over (from %(day)s)."
                )
                % {"year": year, "quarter": quarter, "day": end + datetime.timedelta(days=1)}
            }
        )


def _full_time_posts(prefix: str, start, end):
    return Appointment.objects.filter(
        region__code__startswith=prefix, full_time=True, starts_on__lte=end
    ).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=start))


def ranking_queryset(bureau, year: int, quarter: int, criteria=None):
    """Mediator rows annotated with committee_id, r_cases, r_successes, r_rate,
    r_satisfaction, r_set_target and r_rank, in rank order: one query.

    The quarter's cases are joined with their conditions in the ON clause (an index
    range scan on (lead_mediator, closed_on) per mediator, not every case they ever
    led) and counted once per mediator by GROUP BY; the RANK() window then runs over
    one row per mediator."""
    criteria = criteria or policy.value(bureau, "ranking_criteria")
    prefix = bureau.region.prefix
    start, end = quarter_bounds(year, quarter)
    post = _full_time_posts(prefix, start, end).filter(mediator=OuterRef("pk"))
    led = FilteredRelation(
        "led_cases",
        condition=Q(
            led_cases__closed_on__gte=start,
            led_cases__closed_on__lte=end,
        ),
    )
    here = Q(quarter_cases__region__code__startswith=prefix)
    satisfaction = (
        Callback.objects.filter(
            case__lead_mediator=OuterRef("pk"),
            case__closed_on__gte=start,
            case__closed_on__lte=end,
            case__region__code__startswith=prefix,
            called_on__isnull=False,
        )
        .order_by()
        .values("case__lead_mediator")
        .annotate(a=Avg("satisfaction"))
        .values("a")
    )
    set_target = QuarterlyTarget.objects.filter(
        mediator=OuterRef("pk"), year=year, quarter=quarter
    ).values("target")[:1]
    order = [F(SORT_FIELDS[name]).desc(nulls_last=True) for name in criteria]
    return (
        Mediator.objects.filter(Exists(post))
        .annotate(
            committee_id=Subquery(post.order_by("-starts_on", "-pk").values("committee_id")[:1]),
            quarter_cases=led,
        )
        .annotate(
            # The region check sits in the aggregates' FILTER: FilteredRelation's
            # condition takes no lookup through a relation.
            r_cases=Count("quarter_cases", filter=here),
            r_successes=Count(
                "quarter_cases", filter=here & Q(quarter_cases__result=CaseResult.SUCCESS)
            ),
        )
        .annotate(
            r_rate=Coalesce(
                Cast(F("r_successes"), models.FloatField())
                / Cast(NullIf(F("r_cases"), 0), models.FloatField()),
                Value(0.0),
            ),
            r_satisfaction=Subquery(satisfaction),
            r_set_target=Subquery(set_target),
        )
        .annotate(r_rank=Window(Rank(), order_by=order))
        .order_by("r_rank", "pk")
    )


def committee_trends(bureau, year: int, quarter: int) -> dict[int, tuple[int, int]]:
    """{committee id: (cases closed, full-time mediators)} in (year, quarter) for the
    committees of the bureau's region: two GROUP BY queries, one per bureau."""
    prefix = bureau.region.prefix
    start, end = quarter_bounds(year, quarter)
    cases = dict(
        Case.objects.filter(
            closed_on__gte=start, closed_on__lte=end, region__code__startswith=prefix
        )
        .order_by()
        .values("committee_id")
        .annotate(n=Count("pk"))
        .values_list("committee_id", "n")
    )
    staff = dict(
        _full_time_posts(prefix, start, end)
        .order_by()
        .values("committee_id")
        .annotate(n=Count("mediator_id", distinct=True))
        .values_list("committee_id", "n")
    )
    return {pk: (n, staff.get(pk, 0)) for pk, n in cases.items()}


def default_target(share: float, trend: tuple[int, int] | None) -> int:
    cases, staff = trend or (0, 0)
    return math.ceil(share * cases / max(staff, 1))


@dataclass
class Row:
    mediator_id: int
    committee_id: int
    rank: int
    cases: int
    successes: int
    success_rate: Decimal
    satisfaction: Decimal | None
    target: int

    @property
    def under_target(self) -> bool:
        return self.cases < self.target


def _decimal(value, places):
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal(places), rounding=ROUND_HALF_UP)


def compute(bureau, year: int, quarter: int, criteria=None, share=None) -> list[Row]:
    """The ranking of *bureau* for (year, quarter), refusing a quarter not yet over:
    the ranking query, then last year's committee trends for the default targets."""
    check_quarter(year, quarter)
    share = float(share if share is not None else policy.value(bureau, "ranking_target_share"))
    rows = list(
        ranking_queryset(bureau, year, quarter, criteria).values_list(
            "pk",
            "committee_id",
            "r_rank",
            "r_cases",
            "r_successes",
            "r_rate",
            "r_satisfaction",
            "r_set_target",
        )
    )
    trends = committee_trends(bureau, year - 1, quarter)
    return [
        Row(
            mediator_id=pk,
            committee_id=committee_id,
            rank=rank,
            cases=cases,
            successes=successes,
            success_rate=_decimal(rate, "0.0001"),
            satisfaction=_decimal(satisfaction, "0.01"),
            target=default_target(share, trends.get(committee_id)) if target is None else target,
        )
        for pk, committee_id, rank, cases, successes, rate, satisfaction, target in rows
    ]


def rank_quarter(bureau, year: int, quarter: int, progress=None) -> RankingSnapshot:
    """Compute and store the ranking as the quarter's draft snapshot.

    One transaction: the draft of the quarter (if any) is deleted and the new snapshot
    and all its entries are created, so readers see the old draft or the new one,
    never a part; a killed worker rolls back. Versions only grow (a replaced draft's
    number is not reused); published snapshots are never touched."""
    progress = progress or (lambda done, total=None: None)
    check_quarter(year, quarter)
    criteria = list(policy.value(bureau, "ranking_criteria"))
    share = policy.value(bureau, "ranking_target_share")
    with transaction.atomic():
        # Runs of one bureau queue behind each other here rather than racing for the
        # "one draft per quarter" constraint.
        type(bureau).objects.select_for_update().filter(pk=bureau.pk).first()
        cutoff_at = timezone.now()
        rows = compute(bureau, year, quarter, criteria, share)
        progress(1, 3)
        snapshots = RankingSnapshot.objects.filter(bureau=bureau, year=year, quarter=quarter)
        last = snapshots.aggregate(v=models.Max("version"))["v"] or 0
        drafts = snapshots.filter(status=SnapshotStatus.DRAFT)
        # The replaced draft's deletion is audited once, on the snapshot; an audit
        # entry per ranking entry would cost more than the ranking itself.
        with disable_auditlog():
            RankingEntry.objects.filter(snapshot__in=drafts).delete()
        drafts.delete()
        snapshot = RankingSnapshot.objects.create(
            bureau=bureau,
            year=year,
            quarter=quarter,
            version=last + 1,
            cutoff_at=cutoff_at,
            criteria=criteria,
            region=bureau.region,
        )
        progress(2, 3)
        RankingEntry.objects.bulk_create(
            [
                RankingEntry(
                    snapshot=snapshot,
                    region=snapshot.region,
                    mediator_id=row.mediator_id,
                    rank=row.rank,
                    cases=row.cases,
                    successes=row.successes,
                    success_rate=row.success_rate,
                    satisfaction=row.satisfaction,
                    target=row.target,
                    under_target=row.under_target,
                )
                for row in rows
            ],
            batch_size=500,
        )
    progress(3, 3)
    return snapshot


def publish(snapshot: RankingSnapshot) -> RankingSnapshot:
    """Freeze a draft as the quarter's 季通报. A later run starts a new draft."""
    if snapshot.status != SnapshotStatus.DRAFT:
        raise ValidationError(_("This ranking is already published."))
    snapshot.status = SnapshotStatus.PUBLISHED
    snapshot.published_at = timezone.now()
    snapshot.save(update_fields=["status", "published_at"])
    return snapshot
