"""What the annual evaluation does: run a year (the draft snapshot), change a grade
with its reason, review, publish (which writes the renewal list) and decide each
candidate, ending a contract through the roster's exit service. Views, the API, the
job and seed_demo call these, so each rule lives once."""

import datetime
import math

from auditlog.context import disable_auditlog
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from evaluation import figures
from evaluation.models import (
    Evaluation,
    EvaluationEntry,
    EvaluationStatus,
    Grade,
    RenewalCandidate,
    RenewalDecision,
    RenewalReason,
)
from mediation.models import RankingEntry, RankingSnapshot
from mediation.models.choices import SnapshotStatus
from registry import services as roster
from registry.models import Appointment, ExitReason

OPEN = (EvaluationStatus.DRAFT, EvaluationStatus.REVIEWED)


def check_year(year: int, today: datetime.date | None = None):
    """Refuse a year that has not ended yet."""
    today = today or timezone.localdate()
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": _("Enter a year between 2000 and 2100.")})
    if year >= today.year:
        raise ValidationError(
            {
                "year": _("%(year)s has not ended yet: a year is evaluated once it is over.")
                % {"year": year}
            }
        )


def evaluate_year(bureau, year: int, progress=None) -> Evaluation:
    """Compute the year and store it as its draft: one transaction in which the
    previous draft (if any) is replaced, so readers see the old draft or the new one.
    Refused while the year's evaluation is reviewed (its grade changes would be lost)
    or once it is published."""
    progress = progress or (lambda done, total=None: None)
    check_year(year)
    rules = figures.rules_for(bureau)
    with transaction.atomic():
        # Runs of one bureau queue behind each other rather than race for the
        # "one open evaluation a year" constraint.
        type(bureau).objects.select_for_update().filter(pk=bureau.pk).first()
        existing = Evaluation.objects.filter(bureau=bureau, year=year)
        blocking = existing.exclude(status=EvaluationStatus.DRAFT).first()
        if blocking is not None:
            raise ValidationError(
                {
                    "year": _("The %(year)s evaluation is already %(status)s; it is not run again.")
                    % {"year": year, "status": blocking.get_status_display()}
                }
            )
        cutoff_at = timezone.now()
        rows = figures.grade_all(list(figures.figures(bureau.region.prefix, year).values()), rules)
        progress(1, 3)
        last = existing.aggregate(v=models.Max("version"))["v"] or 0
        drafts = existing.filter(status=EvaluationStatus.DRAFT)
        # The replaced draft's deletion is audited once, on the evaluation.
        with disable_auditlog():
            EvaluationEntry.objects.filter(evaluation__in=drafts).delete()
        drafts.delete()
        evaluation = Evaluation.objects.create(
            bureau=bureau,
            year=year,
            version=last + 1,
            cutoff_at=cutoff_at,
            rules=rules,
            region=bureau.region,
        )
        progress(2, 3)
        workdays = rules["weights"]["workdays"]
        EvaluationEntry.objects.bulk_create(
            [
                EvaluationEntry(
                    evaluation=evaluation,
                    region=evaluation.region,
                    mediator_id=row.mediator_id,
                    committee_id=row.committee_id,
                    rank=row.rank,
                    cases=row.cases,
                    successes=row.successes,
                    success_rate=row.success_rate,
                    fulfilment_checked=row.fulfilment_checked,
                    fulfilled=row.fulfilled,
                    fulfilment_rate=row.fulfilment_rate,
                    callbacks=row.callbacks,
                    satisfaction=row.satisfaction,
                    training_hours=row.training_hours,
                    attendance_months=row.attendance_months,
                    days_present=row.days_present,
                    days_leave=row.days_leave,
                    attendance_rate=row.attendance_rate(workdays),
                    complaints=row.complaints,
                    score=row.score,
                    computed_grade=row.grade,
                    grade=row.grade,
                )
                for row in rows
            ],
            batch_size=500,
        )
    progress(3, 3)
    return evaluation


def _locked(evaluation: Evaluation) -> Evaluation:
    return Evaluation.objects.select_for_update().get(pk=evaluation.pk)


def _require_open(evaluation: Evaluation):
    if evaluation.status not in OPEN:
        raise ValidationError(
            {"status": _("This evaluation is published; its grades no longer change.")}
        )


def excellent_count(evaluation: Evaluation, exclude_entry=None) -> int:
    entries = evaluation.entries.filter(grade=Grade.EXCELLENT)
    if exclude_entry is not None:
        entries = entries.exclude(pk=exclude_entry.pk)
    return entries.count()


@transaction.atomic
def adjust_grade(entry: EvaluationEntry, *, grade: str, reason: str, user) -> EvaluationEntry:
    """A reviewer's change of one grade, before publication, always with its reason;
    the 优秀 grades stay within the rule's cap."""
    evaluation = _locked(entry.evaluation)
    _require_open(evaluation)
    entry = EvaluationEntry.objects.select_for_update().get(pk=entry.pk)
    reason = (reason or "").strip()
    errors = {}
    if grade not in Grade.values:
        errors["grade"] = _("Choose a grade.")
    if not reason:
        errors["reason"] = _("Give the reason for changing the grade.")
    if errors:
        raise ValidationError(errors)
    if grade == Grade.EXCELLENT and entry.grade != Grade.EXCELLENT:
        total = evaluation.entries.count()
        cap = figures.excellent_cap(evaluation.rules["grades"], total)
        if excellent_count(evaluation) + 1 > cap:
            raise ValidationError(
                {
                    "grade": _(
                        "The share of Excellent would exceed the cap: at most %(cap)s of "
                        "%(total)s mediators may be Excellent."
                    )
                    % {"cap": cap, "total": total}
                }
            )
    entry.grade = grade
    entry.adjustment_reason = reason
    entry.adjusted_by = user
    entry.adjusted_at = timezone.now()
    entry.save(update_fields=["grade", "adjustment_reason", "adjusted_by", "adjusted_at"])
    return entry


@transaction.atomic
def review(evaluation: Evaluation, *, user) -> Evaluation:
    evaluation = _locked(evaluation)
    if evaluation.status != EvaluationStatus.DRAFT:
        raise ValidationError({"status": _("Only a draft evaluation is reviewed.")})
    evaluation.status = EvaluationStatus.REVIEWED
    evaluation.reviewed_at = timezone.now()
    evaluation.reviewed_by = user
    evaluation.save(update_fields=["status", "reviewed_at", "reviewed_by"])
    return evaluation


def quarters_under(evaluation: Evaluation) -> dict[int, int]:
    """{mediator id: quarters of the year under target} from the bureau's published
    quarterly rankings (the latest published version of each quarter): two queries."""
    latest = {}
    for pk, quarter in (
        RankingSnapshot.objects.filter(
            bureau=evaluation.bureau_id, year=evaluation.year, status=SnapshotStatus.PUBLISHED
        )
        .order_by("quarter", "version")
        .values_list("pk", "quarter")
    ):
        latest[quarter] = pk
    return dict(
        RankingEntry.objects.filter(snapshot_id__in=latest.values(), under_target=True)
        .order_by()
        .values("mediator_id")
        .annotate(n=models.Count("pk"))
        .values_list("mediator_id", "n")
    )


def turnover_target(evaluation: Evaluation, evaluated: int) -> int:
    return math.ceil(float(evaluation.rules["renewal"]["turnover"]) * evaluated - 1e-9)


def renewal_list(evaluation: Evaluation) -> list[RenewalCandidate]:
    """The candidates (unsaved): graded 不称职, or under target in at least the rule's
    quarters; then, while fewer than the turnover target, the lowest scores."""
    rule = evaluation.rules["renewal"]
    under = quarters_under(evaluation)
    entries = list(evaluation.entries.order_by("-score", "mediator_id"))
    chosen = []
    for entry in entries:
        quarters = under.get(entry.mediator_id, 0)
        if entry.grade == Grade.INCOMPETENT:
            chosen.append((entry, RenewalReason.INCOMPETENT, quarters))
        elif quarters >= rule["quarters_under"]:
            chosen.append((entry, RenewalReason.UNDER_TARGET, quarters))
    target = turnover_target(evaluation, len(entries))
    listed = {entry.pk for entry, _reason, _q in chosen}
    for entry in reversed(entries):
        if len(chosen) >= target:
            break
        if entry.pk not in listed and entry.grade != Grade.EXCELLENT:
            chosen.append((entry, RenewalReason.LOWEST_SCORE, under.get(entry.mediator_id, 0)))
    return [
        RenewalCandidate(
            evaluation=evaluation,
            entry=entry,
            mediator_id=entry.mediator_id,
            reason=reason,
            quarters_under=quarters,
            region=evaluation.region,
        )
        for entry, reason, quarters in chosen
    ]


@transaction.atomic
def publish(evaluation: Evaluation) -> Evaluation:
    """Freeze a reviewed evaluation and write its renewal list."""
    evaluation = _locked(evaluation)
    if evaluation.status != EvaluationStatus.REVIEWED:
        raise ValidationError(
            {"status": _("Only a reviewed evaluation is published; review it first.")}
        )
    evaluation.status = EvaluationStatus.PUBLISHED
    evaluation.published_at = timezone.now()
    evaluation.save(update_fields=["status", "published_at"])
    for candidate in renewal_list(evaluation):
        candidate.save()
    return evaluation


def contract_posts(candidate: RenewalCandidate):
    """The mediator's open full-time posts in the evaluating bureau's region: the
    contract a non-renewal ends."""
    return Appointment._base_manager.filter(
        mediator_id=candidate.mediator_id,
        full_time=True,
        ends_on__isnull=True,
        region__code__startswith=candidate.evaluation.bureau.region.prefix,
    )


@transaction.atomic
def decide(
    candidate: RenewalCandidate,
    *,
    decision: str,
    user,
    note: str = "",
    ends_on: datetime.date | None = None,
) -> RenewalCandidate:
    """The bureau's decision on one candidate. Ending the contract ends the full-time
    post(s) through the roster's exit service (annual elimination), the evaluation
    named in the exit note; renewing needs the reason."""
    candidate = (
        RenewalCandidate.objects.select_for_update()
        .select_related("evaluation__bureau__region", "entry", "mediator")
        .get(pk=candidate.pk)
    )
    if candidate.decision != RenewalDecision.PENDING:
        raise ValidationError({"decision": _("This mediator's renewal is already decided.")})
    note = (note or "").strip()
    evaluation = candidate.evaluation
    if decision == RenewalDecision.RENEW:
        if not note:
            raise ValidationError(
                {"note": _("Give the reason for renewing a listed mediator's contract.")}
            )
    elif decision == RenewalDecision.END:
        ends_on = ends_on or timezone.localdate()
        if ends_on.year <= evaluation.year:
            raise ValidationError(
                {
                    "ends_on": _("A contract ends after the evaluated year (from %(day)s).")
                    % {"day": datetime.date(evaluation.year + 1, 1, 1)}
                }
            )
        posts = list(contract_posts(candidate).select_related("mediator"))
        if not posts:
            raise ValidationError(
                {NON_FIELD_ERRORS: _("This mediator holds no full-time post to end.")}
            )
        exit_note = _("Not renewed: %(evaluation)s, %(grade)s, score %(score)s (%(reason)s)") % {
            "evaluation": evaluation,
            "grade": candidate.entry.get_grade_display(),
            "score": candidate.entry.score,
            "reason": candidate.get_reason_display(),
        }
        for post in posts:
            roster.end_appointment(
                post,
                on=max(ends_on, post.starts_on),
                reason=ExitReason.ELIMINATION,
                note=exit_note[:200],
            )
        candidate.ends_on = ends_on
    else:
        raise ValidationError({"decision": _("Choose a decision.")})
    candidate.decision = decision
    candidate.note = note
    candidate.decided_by = user
    candidate.decided_at = timezone.now()
    candidate.save()
    return candidate
