"""Grading operations: the one way rounds move, applications are decided and levels
change. Pages, the API, jobs and the demo all call these; each is atomic, checks its
rule and raises ValidationError with the message beside the field it concerns (keys
are the names of the fields the forms and API use). Every write goes through save(),
so the audit trail records it.

The round's workflow (RoundStatus): draft → applications → review → panel → notice →
closed → effective. An application's (ApplicationStatus): submitted → committee_checked
→ office_reviewed → approved | rejected (rejected at any step; an approval answered by
an upheld objection is rejected too).
"""

import datetime
import math
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Count, Exists, Min, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from core import policy
from core.models import Bureau
from core.personal import normalize_phone, validate_phone
from grading import eligibility
from grading.models import (
    Application,
    ApplicationSource,
    ApplicationStatus,
    Criterion,
    Eligibility,
    GradingRound,
    LevelChange,
    Objection,
    ObjectionStatus,
    RoundStatus,
)
from registry import levels
from registry.models import Appointment, Mediator, MediatorStatus
from registry.models.appointments import held_on
from registry.services import governing_bureau

PENDING = (
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.COMMITTEE_CHECKED,
    ApplicationStatus.OFFICE_REVIEWED,
)


def _today(today):
    return today or timezone.localdate()


def _require_status(round_: GradingRound, *statuses):
    if round_.status not in statuses:
        if round_.is_finished:
            raise ValidationError(_("A closed round cannot be changed."))
        raise ValidationError(
            _("This cannot be done while the round is “%(status)s”.")
            % {"status": round_.get_status_display()}
        )


def _locked(round_: GradingRound) -> GradingRound:
    """The round re-read under a row lock: two steps on one round run one after the
    other, so two approvals cannot both take the last place of a quota. By primary
    key on the base manager: the caller holds the round already (an office applying
    to its county's round sees the round without governing its region), and saving
    it still checks the jurisdiction."""
    return (
        GradingRound._base_manager.select_for_update(of=("self",))
        .select_related("region")
        .get(pk=round_.pk)
    )


def level_names(bureau) -> list[str]:
    return levels.names(bureau)


def _rank_label(rank, names) -> str:
    return levels.name(rank, names) or _("Level rank %(n)s") % {"n": rank}


# --- Rounds --------------------------------------------------------------------------


def _check_ranks(bureau: Bureau, ranks, criteria, names) -> list[int]:
    """The levels a round grades: ranks the bureau has criteria for and that its own
    tier grades (a county does not grade the city's levels)."""
    try:
        ranks = sorted({int(rank) for rank in ranks})
    except (TypeError, ValueError) as exc:
        raise ValidationError({"ranks": _("Choose the levels to grade.")}) from exc
    if not ranks:
        raise ValidationError({"ranks": _("Choose at least one level to grade.")})
    errors = []
    for rank in ranks:
        row = criteria.get(str(rank))
        if row is None or rank > len(names):
            errors.append(
                _("%(level)s has no grading criteria; set them in the rules first.")
                % {"level": _rank_label(rank, names)}
            )
        elif row["graded_by"] != bureau.level:
            errors.append(
                _("%(level)s is graded by the %(tier)s, not by this bureau.")
                % {
                    "level": _rank_label(rank, names),
                    "tier": _("city bureau") if row["graded_by"] == "city" else _("county bureau"),
                }
            )
    if errors:
        raise ValidationError({"ranks": errors})
    return ranks


@transaction.atomic
def create_round(
    bureau: Bureau,
    *,
    name: str,
    ranks,
    cutoff_on: datetime.date,
    applications_open_on: datetime.date,
    applications_close_on: datetime.date,
    effective_on: datetime.date,
    user=None,
) -> GradingRound:
    """A draft round of *bureau*. Its cut-off may not be in the future (eligibility
    reads the records as they stand on it)."""
    rules = eligibility.rules_for(bureau)
    round_ = GradingRound(
        bureau=bureau,
        region=bureau.region,
        name=(name or "").strip(),
        ranks=_check_ranks(bureau, ranks, rules["criteria"], rules["levels"]),
        cutoff_on=cutoff_on,
        applications_open_on=applications_open_on,
        applications_close_on=applications_close_on,
        effective_on=effective_on,
        created_by=user,
    )
    round_.full_clean()
    round_.save()
    return round_


EDITABLE = (
    "name",
    "ranks",
    "cutoff_on",
    "applications_open_on",
    "applications_close_on",
    "effective_on",
)


@transaction.atomic
def update_round(round_: GradingRound, **changes) -> GradingRound:
    """Change a round's name or schedule; its levels and cut-off only while it is a
    draft (the list was computed from them)."""
    round_ = _locked(round_)
    if round_.is_finished:
        raise ValidationError(_("A closed round cannot be changed."))
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValidationError(_("Unknown field(s): %(names)s.") % {"names": ", ".join(unknown)})
    if round_.status != RoundStatus.DRAFT:
        for field in ("ranks", "cutoff_on"):
            if field in changes and changes[field] != getattr(round_, field):
                raise ValidationError(
                    {field: _("The levels and the cut-off are fixed once applications open.")}
                )
    if "ranks" in changes:
        rules = eligibility.rules_for(round_.bureau)
        changes["ranks"] = _check_ranks(
            round_.bureau, changes["ranks"], rules["criteria"], rules["levels"]
        )
    stale = any(
        field in changes and changes[field] != getattr(round_, field)
        for field in ("ranks", "cutoff_on")
    )
    for field, value in changes.items():
        setattr(round_, field, value.strip() if isinstance(value, str) else value)
    round_.full_clean()
    if stale:
        # The list was computed for the old cut-off or levels: compute it again.
        Eligibility.objects.filter(round=round_).delete()
        round_.rules, round_.eligibility_computed_at, round_.listed = {}, None, 0
    round_.save()
    return round_


def _move(round_: GradingRound, source, target, **fields) -> GradingRound:
    round_ = _locked(round_)
    _require_status(round_, source)
    round_.status = target
    for field, value in fields.items():
        setattr(round_, field, value)
    round_.save()
    return round_


@transaction.atomic
def open_applications(round_: GradingRound) -> GradingRound:
    """draft → applications. Needs the eligibility list (computed at the cut-off)."""
    if round_.eligibility_computed_at is None:
        raise ValidationError(_("Compute the eligibility list before opening applications."))
    return _move(round_, RoundStatus.DRAFT, RoundStatus.APPLICATIONS)


@transaction.atomic
def start_review(round_: GradingRound) -> GradingRound:
    """applications → review: no more applications."""
    return _move(round_, RoundStatus.APPLICATIONS, RoundStatus.REVIEW)


@transaction.atomic
def to_panel(round_: GradingRound) -> GradingRound:
    """review → panel: every application has passed or failed the first review."""
    waiting = round_.applications.filter(
        status__in=[ApplicationStatus.SUBMITTED, ApplicationStatus.COMMITTEE_CHECKED]
    ).count()
    if waiting:
        raise ValidationError(
            _("%(n)s application(s) still await the committee's check or the first review.")
            % {"n": waiting}
        )
    return _move(round_, RoundStatus.REVIEW, RoundStatus.PANEL)


@transaction.atomic
def publish_notice(
    round_: GradingRound, *, starts_on: datetime.date | None = None, today=None
) -> GradingRound:
    """panel → notice: every application is decided; the notice runs for the bureau's
    ``notice_days`` from *starts_on* (today by default)."""
    today = _today(today)
    undecided = round_.applications.filter(status__in=PENDING).count()
    if undecided:
        raise ValidationError(
            _("%(n)s application(s) still await the panel's decision.") % {"n": undecided}
        )
    starts_on = starts_on or today
    if starts_on < today:
        raise ValidationError({"notice_starts_on": _("The notice cannot start in the past.")})
    rules = round_.rules or eligibility.rules_for(round_.bureau)
    days = rules["schedule"]["notice_days"]
    ends_on = starts_on + datetime.timedelta(days=days - 1)
    if ends_on >= round_.effective_on:
        raise ValidationError(
            {
                "notice_starts_on": _(
                    "The notice (%(days)s days) would end on %(end)s, not before the levels "
                    "take effect on %(effective)s."
                )
                % {"days": days, "end": ends_on, "effective": round_.effective_on}
            }
        )
    return _move(
        round_,
        RoundStatus.PANEL,
        RoundStatus.NOTICE,
        notice_starts_on=starts_on,
        notice_ends_on=ends_on,
    )


@transaction.atomic
def close(round_: GradingRound, *, user=None, today=None) -> GradingRound:
    """notice → closed, once the notice period is over and every objection is
    answered: records a level change for each approved application, to take effect
    on the round's date (at once if that date has come)."""
    today = _today(today)
    round_ = _locked(round_)
    _require_status(round_, RoundStatus.NOTICE)
    if today <= round_.notice_ends_on:
        raise ValidationError(
            _("The public notice runs until %(end)s; close the round after it.")
            % {"end": round_.notice_ends_on}
        )
    open_ = round_.objections.filter(status=ObjectionStatus.OPEN).count()
    if open_:
        raise ValidationError(_("Answer the %(n)s open objection(s) first.") % {"n": open_})
    names = round_.rules.get("levels") or level_names(round_.bureau)
    # With the mediator's region: each change is stored under it.
    approved = round_.applications.filter(status=ApplicationStatus.APPROVED).select_related(
        "mediator__region"
    )
    for application in approved:
        mediator = application.mediator
        LevelChange(
            mediator=mediator,
            from_rank=mediator.level,
            from_name=mediator.level_name,
            to_rank=application.rank,
            to_name=levels.name(application.rank, names),
            round=round_,
            application=application,
            reason=_("Graded in %(round)s") % {"round": round_.name},
            effective_on=round_.effective_on,
            recorded_by=user,
        ).save()
    round_.status = RoundStatus.CLOSED
    round_.save()
    if round_.effective_on <= today:
        round_ = take_effect(round_, today=today)
    return round_


@transaction.atomic
def take_effect(round_: GradingRound, *, today=None) -> GradingRound:
    """closed → effective on the round's date: its level changes reach the mediators."""
    today = _today(today)
    round_ = _locked(round_)
    _require_status(round_, RoundStatus.CLOSED)
    if round_.effective_on > today:
        raise ValidationError(
            {"effective_on": _("The levels take effect on %(day)s.") % {"day": round_.effective_on}}
        )
    for change in round_.level_changes.filter(applied_at=None).select_related("mediator__region"):
        _apply(change)
    round_.status = RoundStatus.EFFECTIVE
    round_.save(update_fields=["status", "updated_at"])
    return round_


def apply_due_level_changes(today=None) -> int:
    """Every level change of the active jurisdiction whose date has come and that has
    not reached its mediator yet (closed rounds take effect as a whole); for the
    daily beat task. Returns how many changes were applied."""
    today = _today(today)
    applied = 0
    due_rounds = GradingRound.objects.filter(status=RoundStatus.CLOSED, effective_on__lte=today)
    for round_ in due_rounds:
        pending = round_.level_changes.filter(applied_at=None).count()
        take_effect(round_, today=today)
        applied += pending
    changes = LevelChange.objects.filter(
        applied_at=None, effective_on__lte=today, round=None
    ).select_related("mediator__region")
    for change in changes.order_by("effective_on", "pk"):
        with transaction.atomic():
            _apply(change)
        applied += 1
    return applied


def _apply(change: LevelChange):
    """Put *change* on its mediator (the only place Mediator.level is written)."""
    # Saving checks the jurisdiction; the lock just orders concurrent changes.
    mediator = (
        Mediator._base_manager.select_for_update(of=("self",))
        .select_related("region")
        .get(pk=change.mediator_id)
    )
    change.from_rank, change.from_name = mediator.level, mediator.level_name
    mediator.level, mediator.level_name = change.to_rank, change.to_name
    mediator.save(update_fields=["level", "level_name", "updated_at"])
    change.applied_at = timezone.now()
    change.save(update_fields=["from_rank", "from_name", "applied_at"])


def compute_eligibility(round_: GradingRound, progress=None, *, refresh_rules=False) -> int:
    """(Re)compute the round's eligibility list at its cut-off, in the draft or while
    applications are taken or reviewed. With *refresh_rules* the bureau's rules in
    force now replace those the round stored."""
    _require_status(round_, RoundStatus.DRAFT, RoundStatus.APPLICATIONS, RoundStatus.REVIEW)
    if refresh_rules:
        if round_.status != RoundStatus.DRAFT:
            raise ValidationError(_("The rules are fixed once applications open."))
        round_.rules = {}
    return eligibility.compute(round_, progress)


def start_eligibility_job(role, round_: GradingRound):
    """Queue the eligibility computation as a job with progress; returns the Job."""
    from core.jobs import start_job
    from grading.tasks import compute_round_eligibility

    _require_status(round_, RoundStatus.DRAFT, RoundStatus.APPLICATIONS, RoundStatus.REVIEW)
    return start_job(role, "grading_eligibility", compute_round_eligibility, round=round_.pk)


# --- Applications --------------------------------------------------------------------


def _first_start(mediator, cutoff):
    return Appointment._base_manager.filter(mediator=mediator, starts_on__lte=cutoff).aggregate(
        first=Min("starts_on")
    )["first"]


@transaction.atomic
def apply(
    round_: GradingRound,
    mediator: Mediator,
    rank: int,
    *,
    user=None,
    statement: str = "",
    source: str = ApplicationSource.APPLIED,
    today=None,
) -> Application:
    """A mediator's application (or, with source "nominated", the committee's
    nomination) for *rank* in the round, while it takes applications."""
    today = _today(today)
    round_ = _locked(round_)
    _require_status(round_, RoundStatus.APPLICATIONS)
    if not round_.applications_open_on <= today <= round_.applications_close_on:
        raise ValidationError(
            _("Applications are taken from %(start)s to %(end)s.")
            % {"start": round_.applications_open_on, "end": round_.applications_close_on}
        )
    if source not in ApplicationSource.values:
        raise ValidationError({"source": _("Choose applied or nominated.")})
    names = round_.rules.get("levels") or level_names(round_.bureau)
    try:
        rank = int(rank)
    except (TypeError, ValueError) as exc:
        raise ValidationError({"rank": _("Choose a level.")}) from exc
    if rank not in round_.ranks:
        raise ValidationError(
            {
                "rank": _("This round does not grade %(level)s.")
                % {"level": _rank_label(rank, names)}
            }
        )
    if not mediator.region_id.startswith(round_.region.prefix):
        raise ValidationError({"mediator": _("This mediator is not on this bureau's roster.")})
    if mediator.status != MediatorStatus.ACTIVE:
        raise ValidationError({"mediator": _("Only a serving mediator can apply.")})
    serving = Appointment._base_manager.filter(held_on(round_.cutoff_on), mediator=mediator)
    if not serving.exists():
        raise ValidationError(
            {"mediator": _("This mediator held no post on the round's cut-off date.")}
        )
    minimum = (round_.rules.get("schedule") or eligibility.rules_for(round_.bureau)["schedule"])[
        "min_service_years"
    ]
    first = _first_start(mediator, round_.cutoff_on)
    years = eligibility.Figures(0, "", "", False, first, None).years(round_.cutoff_on)
    if years < minimum:
        raise ValidationError(
            {
                "mediator": _(
                    "%(name)s has been on the roster for %(years)s year(s) at the cut-off; "
                    "applying needs at least %(min)s."
                )
                % {"name": mediator.name, "years": years, "min": minimum}
            }
        )
    if mediator.level is not None and rank > mediator.level:
        raise ValidationError(
            {
                "rank": _("%(name)s already holds %(level)s, above the level applied for.")
                % {"name": mediator.name, "level": mediator.level_name}
            }
        )
    if round_.applications.filter(mediator=mediator).exists():
        raise ValidationError(
            {
                "mediator": _("%(name)s already has an application in this round.")
                % {"name": mediator.name}
            }
        )
    application = Application(
        round=round_,
        mediator=mediator,
        rank=rank,
        source=source,
        statement=(statement or "").strip(),
        submitted_by=user,
    )
    application.full_clean(exclude=["region"])
    application.save()
    return application


def nominate(round_, mediator, rank, *, user=None, statement="", today=None) -> Application:
    """The committee's nomination: an application it files for the mediator."""
    return apply(
        round_,
        mediator,
        rank,
        user=user,
        statement=statement,
        source=ApplicationSource.NOMINATED,
        today=today,
    )


def _locked_application(application: Application) -> Application:
    """The application re-read under a row lock, with its round (whose status the
    step checks) and its mediator's region, under which saving it stores it (the lock
    is on the application's row only)."""
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("round", "mediator__region")
        .get(pk=application.pk)
    )


def _step(application, round_statuses, from_status, passed, note, note_field, reject_message):
    application = _locked_application(application)
    _require_status(application.round, *round_statuses)
    if application.status != from_status:
        raise ValidationError(
            _("This application is “%(status)s”; this step is not its next one.")
            % {"status": application.get_status_display()}
        )
    note = (note or "").strip()
    if not passed and not note:
        raise ValidationError({note_field: reject_message})
    setattr(application, note_field, note)
    return application, note


@transaction.atomic
def committee_check(application: Application, *, user, passed: bool = True, note: str = ""):
    """The committee checks the application (or its own nomination): passes it on to
    the judicial office, or rejects it with a reason."""
    application, _note = _step(
        application,
        (RoundStatus.APPLICATIONS, RoundStatus.REVIEW),
        ApplicationStatus.SUBMITTED,
        passed,
        note,
        "committee_note",
        _("Give the reason for rejecting the application."),
    )
    application.status = (
        ApplicationStatus.COMMITTEE_CHECKED if passed else ApplicationStatus.REJECTED
    )
    application.committee_checked_by, application.committee_checked_at = user, timezone.now()
    application.save()
    return application


@transaction.atomic
def office_review(application: Application, *, user, passed: bool = True, note: str = ""):
    """The judicial office's first review (初审): passes it to the panel, or rejects
    it with a reason."""
    application, _note = _step(
        application,
        (RoundStatus.APPLICATIONS, RoundStatus.REVIEW),
        ApplicationStatus.COMMITTEE_CHECKED,
        passed,
        note,
        "office_note",
        _("Give the reason for rejecting the application."),
    )
    application.status = ApplicationStatus.OFFICE_REVIEWED if passed else ApplicationStatus.REJECTED
    application.office_reviewed_by, application.office_reviewed_at = user, timezone.now()
    application.save()
    return application


@dataclass(frozen=True)
class Places:
    rank: int
    name: str
    cap: int  # the level's quota of the mediators considered
    held: int  # mediators holding the level now and not re-graded in this round
    approved: int  # approved for the level in this round
    target_share: float

    @property
    def left(self) -> int:
        return max(0, self.cap - self.held - self.approved)


def places_left(round_: GradingRound) -> dict[int, Places]:
    """Each graded level's places under its quota: the quota's share of the mediators
    considered (the eligibility list, as many as it listed when computed, or the
    serving mediators before it exists), less those holding the level who are not
    re-graded in this round, less those the panel approved for it. Two queries once
    the list exists."""
    rules = round_.rules or eligibility.rules_for(round_.bureau)
    names = rules["levels"]
    population = round_.listed
    prefix = round_.region.prefix
    if not round_.eligibility_computed_at:
        population = Mediator.objects.filter(
            region__code__startswith=prefix, status=MediatorStatus.ACTIVE
        ).count()
    approved_here = Application.objects.filter(
        round=round_, status=ApplicationStatus.APPROVED, mediator=OuterRef("pk")
    )
    held = dict(
        Mediator.objects.filter(
            region__code__startswith=prefix,
            status=MediatorStatus.ACTIVE,
            level__in=round_.ranks,
        )
        .exclude(Exists(approved_here))
        .order_by()
        .values("level")
        .annotate(n=Count("pk"))
        .values_list("level", "n")
    )
    approved = dict(
        round_.applications.filter(status=ApplicationStatus.APPROVED)
        .order_by()
        .values("rank")
        .annotate(n=Count("pk"))
        .values_list("rank", "n")
    )
    result = {}
    for rank in round_.ranks:
        share = rules["criteria"][str(rank)]["quota"]
        result[rank] = Places(
            rank=rank,
            name=levels.name(rank, names),
            cap=math.floor(Decimal(str(share)) * population),
            held=held.get(rank, 0),
            approved=approved.get(rank, 0),
            target_share=share,
        )
    return result


@transaction.atomic
def decide(
    application: Application,
    *,
    approve: bool,
    user,
    note: str = "",
    exception_reason: str = "",
) -> Application:
    """The panel's decision. An approval stays within the level's quota, and approving
    a mediator who does not meet every criterion of the level needs the reason for
    the exception; a rejection needs a reason."""
    round_ = _locked(application.round)
    application = _locked_application(application)
    _require_status(round_, RoundStatus.PANEL)
    if application.status != ApplicationStatus.OFFICE_REVIEWED:
        raise ValidationError(
            _("This application is “%(status)s”; only one that passed the first review is decided.")
            % {"status": application.get_status_display()}
        )
    note, exception_reason = (note or "").strip(), (exception_reason or "").strip()
    if not approve:
        if not note:
            raise ValidationError(
                {"decision_note": _("Give the reason for rejecting the application.")}
            )
        application.status = ApplicationStatus.REJECTED
    else:
        row = Eligibility.objects.filter(round=round_, mediator=application.mediator_id).first()
        if (row is None or not row.passes(application.rank)) and not exception_reason:
            missing = (
                _criteria_labels(row.failed(application.rank))
                if row
                else _("not on the eligibility list")
            )
            raise ValidationError(
                {
                    "exception_reason": _(
                        "%(name)s does not meet every criterion of the level (%(missing)s): "
                        "give the reason for the exception."
                    )
                    % {"name": application.mediator.name, "missing": missing}
                }
            )
        places = places_left(round_)[application.rank]
        if places.left <= 0:
            raise ValidationError(
                {
                    NON_FIELD_ERRORS: _(
                        "No place is left at %(level)s: its quota of %(cap)s is taken "
                        "(%(held)s holding it, %(approved)s approved in this round)."
                    )
                    % {
                        "level": places.name or application.rank,
                        "cap": places.cap,
                        "held": places.held,
                        "approved": places.approved,
                    }
                }
            )
        application.status = ApplicationStatus.APPROVED
        application.exception_reason = exception_reason
    application.decision_note = note
    application.decided_by, application.decided_at = user, timezone.now()
    application.save()
    return application


def _criteria_labels(names) -> str:
    labels = dict(Criterion.choices)
    return "、".join(str(labels.get(name, name)) for name in names)


# --- Public notice and objections ----------------------------------------------------


def notice_list(round_: GradingRound):
    """The approved applications the public notice shows (name, committee, level;
    never a personal number)."""
    return round_.applications.filter(status=ApplicationStatus.APPROVED).select_related("mediator")


@transaction.atomic
def file_objection(
    round_: GradingRound,
    application: Application,
    *,
    text: str,
    phone: str,
    name: str = "",
    today=None,
) -> Objection:
    """Anyone's objection to a mediator on the round's public notice, during the
    notice period only."""
    today = _today(today)
    if round_.status != RoundStatus.NOTICE:
        raise ValidationError(_("This round is not in its public notice; objections are closed."))
    if not round_.notice_open_on(today):
        raise ValidationError(
            _("Objections are taken from %(start)s to %(end)s.")
            % {"start": round_.notice_starts_on, "end": round_.notice_ends_on}
        )
    # Its status as it stands. The public files objections with no jurisdiction
    # active: the base manager reads just this row, of this round.
    application = Application._base_manager.filter(pk=application.pk, round=round_).first()
    if application is None:
        raise ValidationError({"application": _("Choose a mediator on the notice.")})
    if application.status != ApplicationStatus.APPROVED:
        raise ValidationError({"application": _("Choose a mediator on the notice.")})
    errors = {}
    text = (text or "").strip()
    if not text:
        errors["text"] = _("Say what the objection is.")
    try:
        phone = normalize_phone(phone or "")
        validate_phone(phone)
    except ValidationError as exc:
        errors["phone"] = exc.messages
    if errors:
        raise ValidationError(errors)
    objection = Objection(
        round=round_, application=application, name=(name or "").strip(), phone=phone, text=text
    )
    objection.full_clean(exclude=["region", "phone_digest"])
    objection.save()
    return objection


@transaction.atomic
def answer_objection(objection: Objection, *, text: str, user, upheld: bool = False) -> Objection:
    """The bureau's answer. An upheld objection rejects the approval it is about."""
    objection = Objection.objects.select_for_update().get(pk=objection.pk)
    _require_status(objection.round, RoundStatus.NOTICE)
    if objection.status != ObjectionStatus.OPEN:
        raise ValidationError(_("This objection is already answered."))
    text = (text or "").strip()
    if not text:
        raise ValidationError({"answer": _("Write the answer.")})
    objection.answer, objection.status = text, ObjectionStatus.ANSWERED
    objection.answered_by, objection.answered_at = user, timezone.now()
    objection.save()
    if upheld:
        application = objection.application
        application.status = ApplicationStatus.REJECTED
        application.decision_note = (_("Objection upheld: %(answer)s") % {"answer": text})[:500]
        application.decided_by, application.decided_at = user, timezone.now()
        application.save()
    return objection


# --- Between rounds ------------------------------------------------------------------


@transaction.atomic
def change_level(
    mediator: Mediator,
    *,
    to_rank: int | None,
    reason: str,
    user=None,
    decision: str = "",
    integrity_record=None,
    effective_on: datetime.date | None = None,
    today=None,
) -> LevelChange:
    """Lower or revoke (*to_rank* None) a mediator's level between rounds, by a
    recorded decision: a decision's number or title, or a sanction in the integrity
    file. A level is raised only by a round. Takes effect on *effective_on* (today by
    default; a past date applies at once)."""
    today = _today(today)
    effective_on = effective_on or today
    errors = {}
    mediator = Mediator._base_manager.select_for_update().get(pk=mediator.pk)
    if mediator.level is None:
        raise ValidationError({"to_rank": _("%(name)s holds no level.") % {"name": mediator.name}})
    if to_rank is not None and (not isinstance(to_rank, int) or to_rank <= mediator.level):
        errors["to_rank"] = _(
            "Between rounds a level is only lowered or revoked; it is raised by a grading round."
        )
    decision, reason = (decision or "").strip(), (reason or "").strip()
    if integrity_record is None and not decision:
        errors["decision"] = _("Name the decision (or the sanction) that changes the level.")
    if integrity_record is not None and integrity_record.mediator_id != mediator.pk:
        errors["integrity_record"] = _("This record is not about this mediator.")
    if not reason:
        errors["reason"] = _("Give the reason.")
    names = level_names(governing_bureau(mediator.region_id))
    if to_rank is not None and "to_rank" not in errors and to_rank > len(names):
        errors["to_rank"] = _("Choose one of the bureau's levels.")
    if errors:
        raise ValidationError(errors)
    change = LevelChange(
        mediator=mediator,
        from_rank=mediator.level,
        from_name=mediator.level_name,
        to_rank=to_rank,
        to_name=levels.name(to_rank, names),
        integrity_record=integrity_record,
        decision=decision,
        reason=reason,
        effective_on=effective_on,
        recorded_by=user,
    )
    change.full_clean(exclude=["region"])
    change.save()
    if effective_on <= today:
        _apply(change)
    return change


# --- What the dashboard and the mediator page read -----------------------------------


@dataclass(frozen=True)
class Shortfall:
    criterion: str  # a Criterion value
    label: str
    value: object
    threshold: object


@dataclass(frozen=True)
class Gap:
    """What a mediator lacks for *next_rank* (the level above theirs, or the lowest
    level for one without a level)."""

    mediator_id: int
    current_rank: int | None
    next_rank: int
    next_name: str
    missing: tuple[Shortfall, ...]


def _shortfalls(row: eligibility.Figures, years, checks, rank, criteria) -> tuple:
    labels = dict(Criterion.choices)
    c = criteria[str(rank)]
    values = {
        Criterion.SERVING: (row.status == MediatorStatus.ACTIVE, True),
        Criterion.RECORD: (row.record_complete, True),
        Criterion.TRAINED: (row.year_sessions, None),
        Criterion.NO_COMPLAINT: (row.complaints, 0),
        Criterion.NO_CRIMINAL: (row.criminal, 0),
        Criterion.YEARS: (years, c["years"]),
        Criterion.CASES: (row.cases, c["cases"]),
        Criterion.SUCCESS_RATE: (
            row.successes / row.cases if row.cases else None,
            c["success_rate"],
        ),
        Criterion.ORAL_SHARE: (row.oral / row.cases if row.cases else None, c["oral_share"]),
        Criterion.DIFFICULT: (row.difficult, c["difficult"]),
        Criterion.TRAINING_HOURS: (row.training_hours, c["training_hours"]),
        Criterion.SATISFACTION: (row.satisfaction, c["satisfaction"]),
    }
    failed = [*checks["basic"].items(), *checks[str(rank)].items()]
    return tuple(
        Shortfall(name, str(labels[name]), *values[Criterion(name)])
        for name, passed in failed
        if not passed
    )


def next_level_gaps(
    bureau: Bureau, *, mediator_ids=None, within: int | None = None, today=None
) -> list[Gap]:
    """For the serving mediators of *bureau*'s region (or only *mediator_ids*), what
    each lacks for the next level up, read from the records as of today with the
    bureau's rules in force; with *within*, only those lacking at most that many
    criteria ("close to the next level"), fewest missing first. Set-based: the
    eligibility queries, whatever the number of mediators."""
    today = _today(today)
    rules = eligibility.rules_for(bureau)
    criteria, names = rules["criteria"], rules["levels"]
    lowest = max((int(rank) for rank in criteria if int(rank) <= len(names)), default=None)
    if lowest is None:
        return []
    rows = eligibility.figures(bureau.region.prefix, eligibility.Window.of(today, rules))
    gaps = []
    for row in rows.values():
        if mediator_ids is not None and row.mediator_id not in mediator_ids:
            continue
        if row.status != MediatorStatus.ACTIVE:
            continue
        current = row.current_rank
        target = lowest if current is None or current > lowest else current - 1
        if target < 1 or str(target) not in criteria:
            continue
        years = row.years(today)
        checks = eligibility.check(row, years, rules, [target])
        missing = _shortfalls(row, years, checks, target, criteria)
        if within is not None and not 0 < len(missing) <= within:
            continue
        gaps.append(Gap(row.mediator_id, current, target, levels.name(target, names), missing))
    gaps.sort(key=lambda gap: (len(gap.missing), gap.next_rank, gap.mediator_id))
    return gaps


@dataclass(frozen=True)
class TargetProgress:
    rank: int
    name: str
    target: int
    reached: int

    @property
    def percent(self) -> float | None:
        return round(self.reached * 100 / self.target, 1) if self.target else None


def target_progress(bureau: Bureau) -> TargetProgress:
    """The bureau's grading target (e.g. ≥160 at level two or above) against the
    serving mediators of its region at that level or above now: one query."""
    target = policy.value(bureau, "grading_target")
    rank = int(target["rank"])
    reached = Mediator.objects.filter(
        region__code__startswith=bureau.region.prefix,
        status=MediatorStatus.ACTIVE,
        level__lte=rank,
    ).count()
    return TargetProgress(rank, levels.name(rank, level_names(bureau)), target["count"], reached)
