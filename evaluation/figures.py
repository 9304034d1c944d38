"""What the annual evaluation reads and how it scores.

Who is evaluated: every mediator holding a full-time post (Appointment.full_time) in a
committee of the bureau's region at any time during the year; their committee is the
one of their latest such post in the year (as the quarterly ranking does).

What is read, for the calendar year, set-based: one grouped query per source, however
many mediators (``EvaluationQueries`` lists them; a test asserts the count):

- cases of the region *led* by the mediator and closed in the year: cases and
  successes (result "success"); success rate = successes ÷ cases (0 without cases);
- the callbacks recorded on those cases: the average satisfaction of those that
  recorded one, and the agreements checked (fulfilled recorded) and fulfilled;
- training sessions held in the year the mediator attended: hours;
- monthly attendance reports of the year: months reported, days present and on
  approved leave (attendance = present ÷ (working days of those months − leave));
- complaints against the mediator found founded (concluded) in the year.

How it scores (``score``): each component 0–100 (see the ``evaluation_weights`` rule's
help); a component without any record is left out and the others' weights count in
proportion. Grades (``grade_all``): the bands of ``evaluation_grades``; 优秀 goes to the
best scores in its band while the whole group of an equal score fits under the cap
(floor(share × evaluated)); the rest of the band is 称职. Ranks are standard
competition ranks by score (1, 2, 2, 4)."""

import datetime
import math
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, Exists, OuterRef, Q, Subquery, Sum

from complaints.models import Complaint
from complaints.models.choices import Finding
from core import policy
from evaluation.models import Grade
from mediation.models import Callback, Case, CaseResult
from registry.models import Appointment, Mediator, MonthlyAttendance, TrainingAttendance

HUNDRED = Decimal(100)


def rules_for(bureau) -> dict:
    """The bureau's evaluation rules in force now, as an evaluation stores them."""
    return {
        "weights": policy.value(bureau, "evaluation_weights"),
        "grades": policy.value(bureau, "evaluation_grades"),
        "renewal": policy.value(bureau, "evaluation_renewal"),
    }


def year_bounds(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def full_time_posts(prefix: str, year: int):
    start, end = year_bounds(year)
    return Appointment._base_manager.filter(
        region__code__startswith=prefix, full_time=True, starts_on__lte=end
    ).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=start))


@dataclass
class Figures:
    """One mediator's figures for the year (what EvaluationEntry stores)."""

    mediator_id: int
    committee_id: int | None
    cases: int = 0
    successes: int = 0
    fulfilment_checked: int = 0
    fulfilled: int = 0
    callbacks: int = 0
    satisfaction: Decimal | None = None
    training_hours: Decimal = Decimal(0)
    attendance_months: int = 0
    days_present: int = 0
    days_leave: int = 0
    complaints: int = 0
    score: Decimal = Decimal(0)
    rank: int = 0
    grade: str = ""
    components: dict = field(default_factory=dict)

    @property
    def success_rate(self) -> Decimal:
        return _ratio(self.successes, self.cases) or Decimal(0)

    @property
    def fulfilment_rate(self) -> Decimal | None:
        return _ratio(self.fulfilled, self.fulfilment_checked)

    def attendance_rate(self, workdays: int) -> Decimal | None:
        """Days present ÷ the working days of the months reported less approved leave."""
        if not self.attendance_months:
            return None
        due = max(1, self.attendance_months * workdays - self.days_leave)
        return min(Decimal(1), _ratio(self.days_present, due))


def _ratio(part, whole) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def figures(prefix: str, year: int) -> dict[int, Figures]:
    """Every evaluated mediator's figures, by mediator id: six grouped queries."""
    start, end = year_bounds(year)
    posts = full_time_posts(prefix, year).filter(mediator=OuterRef("pk"))
    evaluated = Mediator._base_manager.filter(Exists(posts))
    rows = (
        evaluated.annotate(
            committee_id=Subquery(posts.order_by("-starts_on", "-pk").values("committee_id")[:1])
        )
        .order_by("pk")
        .values_list("pk", "committee_id")
    )
    result = {pk: Figures(pk, committee) for pk, committee in rows}

    in_year = {"closed_on__gte": start, "closed_on__lte": end}
    for pk, n, ok in (
        Case.objects.filter(region__code__startswith=prefix, lead_mediator__isnull=False, **in_year)
        .order_by()
        .values("lead_mediator_id")
        .annotate(n=Count("pk"), ok=Count("pk", filter=Q(result=CaseResult.SUCCESS)))
        .values_list("lead_mediator_id", "n", "ok")
    ):
        if pk in result:
            result[pk].cases, result[pk].successes = n, ok

    for pk, rated, average, checked, kept in (
        Callback.objects.filter(
            case__region__code__startswith=prefix,
            case__lead_mediator__isnull=False,
            case__closed_on__gte=start,
            case__closed_on__lte=end,
            called_on__isnull=False,
        )
        .order_by()
        .values("case__lead_mediator_id")
        .annotate(
            rated=Count("pk", filter=Q(satisfaction__isnull=False)),
            average=Avg("satisfaction"),
            checked=Count("pk", filter=Q(fulfilled__isnull=False)),
            kept=Count("pk", filter=Q(fulfilled=True)),
        )
        .values_list("case__lead_mediator_id", "rated", "average", "checked", "kept")
    ):
        if pk in result:
            row = result[pk]
            row.callbacks, row.fulfilment_checked, row.fulfilled = rated, checked, kept
            if average is not None:
                row.satisfaction = Decimal(str(average)).quantize(
                    Decimal("0.01"), rounding=ROUND_HALF_UP
                )

    for pk, hours in (
        TrainingAttendance._base_manager.filter(
            mediator__in=evaluated, session__held_on__gte=start, session__held_on__lte=end
        )
        .order_by()
        .values("mediator_id")
        .annotate(hours=Sum("session__hours"))
        .values_list("mediator_id", "hours")
    ):
        result[pk].training_hours = Decimal(str(hours or 0))

    for pk, months, present, leave in (
        MonthlyAttendance._base_manager.filter(
            mediator__in=evaluated, month__gte=start, month__lte=end
        )
        .order_by()
        .values("mediator_id")
        .annotate(months=Count("pk"), present=Sum("days_present"), leave=Sum("days_leave"))
        .values_list("mediator_id", "months", "present", "leave")
    ):
        row = result[pk]
        row.attendance_months, row.days_present, row.days_leave = months, present, leave

    for pk, n in (
        Complaint._base_manager.filter(
            mediator__in=evaluated,
            finding=Finding.FOUNDED,
            concluded_on__gte=start,
            concluded_on__lte=end,
        )
        .order_by()
        .values("mediator_id")
        .annotate(n=Count("pk"))
        .values_list("mediator_id", "n")
    ):
        result[pk].complaints = n
    return result


def components(row: Figures, weights: dict) -> dict[str, Decimal | None]:
    """Each component's score out of 100, None where the mediator has no record."""
    cases_full = Decimal(weights["cases_full"])
    training_full = Decimal(str(weights["training_full"]))
    satisfaction = row.satisfaction
    fulfilment = row.fulfilment_rate
    attendance = row.attendance_rate(weights["workdays"])
    deduction = weights["complaint_deduction"] * row.complaints
    return {
        "cases": min(Decimal(1), Decimal(row.cases) / cases_full) * HUNDRED,
        "success_rate": row.success_rate * HUNDRED,
        "fulfilment": None if fulfilment is None else fulfilment * HUNDRED,
        "satisfaction": None if satisfaction is None else satisfaction / 5 * HUNDRED,
        "training": min(Decimal(1), row.training_hours / training_full) * HUNDRED,
        "attendance": None if attendance is None else attendance * HUNDRED,
        "complaints": max(Decimal(0), HUNDRED - deduction),
    }


def score(row: Figures, weights: dict) -> Decimal:
    """The weighted average of the components the mediator has records for."""
    parts = components(row, weights)
    row.components = parts
    shares = {name: Decimal(str(w)) for name, w in weights["weights"].items()}
    counted = {name: value for name, value in parts.items() if value is not None}
    total = sum(shares[name] for name in counted)
    if not total:
        return Decimal(0)
    value = sum(shares[name] * counted[name] for name in counted) / total
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def band(value: Decimal, grades: dict) -> str:
    if value >= Decimal(str(grades["excellent"])):
        return Grade.EXCELLENT
    if value >= Decimal(str(grades["competent"])):
        return Grade.COMPETENT
    if value >= Decimal(str(grades["basic"])):
        return Grade.BASIC
    return Grade.INCOMPETENT


def excellent_cap(grades: dict, evaluated: int) -> int:
    return math.floor(Decimal(str(grades["excellent_share"])) * evaluated)


def grade_all(rows: list[Figures], rules: dict) -> list[Figures]:
    """Score, rank and grade every row; returns them best first (ties by mediator id)."""
    for row in rows:
        row.score = score(row, rules["weights"])
    rows.sort(key=lambda r: (-r.score, r.mediator_id))
    cap = excellent_cap(rules["grades"], len(rows))
    previous, rank = None, 0
    groups: dict[Decimal, int] = {}
    for position, row in enumerate(rows, start=1):
        if row.score != previous:
            rank, previous = position, row.score
        row.rank = rank
        groups[row.score] = groups.get(row.score, 0) + 1
    for row in rows:
        row.grade = band(row.score, rules["grades"])
        # A whole group of equal scores is 优秀 only if it fits under the cap.
        if row.grade == Grade.EXCELLENT and row.rank - 1 + groups[row.score] > cap:
            row.grade = Grade.COMPETENT
    return rows
