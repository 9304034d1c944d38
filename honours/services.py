"""Honours operations: the one way calls move, offices nominate, the panel scores and
results are announced. Pages, the API and the demo call these; each is atomic,
checks its rule and raises ValidationError keyed by the field it concerns, so
nothing is written when a rule is broken. Every write goes through save(), so the
audit trail records it.

A call's workflow (CallStatus): draft → open → judging → announced.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints import services as integrity
from core import policy
from core.models import Bureau, JudicialOffice, Role
from core.tenancy import all_regions
from honours.models import (
    CallStatus,
    HonourCall,
    Nomination,
    PanelMember,
    ResultMethod,
    Score,
    Subject,
)
from mediation.models import Case
from mediation.models.choices import CaseStatus
from registry.models import Mediator, MediatorStatus

MAX_CRITERIA = 8
MAX_POINTS = 100


def _today(today):
    return today or timezone.localdate()


def _locked(call: HonourCall) -> HonourCall:
    """The call re-read under a row lock, so two steps on one call run one after the
    other. By primary key on the base manager: the caller holds the call already (an
    office nominating to its bureau's call sees it without governing its region);
    saving it still checks the jurisdiction."""
    return (
        HonourCall._base_manager.select_related("bureau", "region")
        .select_for_update()
        .get(pk=call.pk)
    )


def _require_status(call: HonourCall, *statuses):
    if call.status not in statuses:
        raise ValidationError(
            _("This cannot be done while the call is “%(status)s”.")
            % {"status": call.get_status_display()}
        )


def visible_calls(role):
    """The calls *role* may read: those of its jurisdiction, and for a judicial office
    (or a county) the calls of the bureaus above it, to which it nominates."""
    bureaus = [b.pk for b in role.home_bureau.ancestors_and_self()]
    with all_regions():
        return (
            HonourCall.objects.filter(
                Q(region__code__startswith=role.jurisdiction_prefix) | Q(bureau_id__in=bureaus)
            )
            .select_related("bureau", "region")
            .across_regions()
        )


# --- Calls -----------------------------------------------------------------------------


def clean_criteria(criteria) -> list[dict]:
    """[{"name", "points"}]: at least one, at most MAX_CRITERIA, distinct names, whole
    points from 1 that add up to at most MAX_POINTS."""
    if not isinstance(criteria, list) or not criteria:
        raise ValidationError({"criteria": _("Publish at least one criterion.")})
    if len(criteria) > MAX_CRITERIA:
        raise ValidationError({"criteria": _("At most %(n)s criteria.") % {"n": MAX_CRITERIA}})
    cleaned, seen = [], set()
    for item in criteria:
        name = str((item or {}).get("name", "")).strip() if isinstance(item, dict) else ""
        try:
            points = int(item.get("points"))
        except (AttributeError, TypeError, ValueError):
            points = 0
        if not name or len(name) > 50:
            raise ValidationError({"criteria": _("Name each criterion (50 characters at most).")})
        if name in seen:
            raise ValidationError({"criteria": _("“%(name)s” is listed twice.") % {"name": name}})
        if points < 1:
            raise ValidationError(
                {"criteria": _("“%(name)s” needs whole points from 1.") % {"name": name}}
            )
        seen.add(name)
        cleaned.append({"name": name, "points": points})
    if sum(c["points"] for c in cleaned) > MAX_POINTS:
        raise ValidationError(
            {
                "criteria": _("The criteria add up to more than %(max)s points.")
                % {"max": MAX_POINTS}
            }
        )
    return cleaned


EDITABLE = ("name", "title", "subject", "year", "places", "deadline", "description", "criteria")


def _fill(call: HonourCall, changes: dict, today):
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValidationError(_("Unknown field(s): %(names)s.") % {"names": ", ".join(unknown)})
    for field, value in changes.items():
        setattr(call, field, value.strip() if isinstance(value, str) else value)
    call.criteria = clean_criteria(call.criteria)
    errors = {}
    if not call.name:
        errors["name"] = _("Name the call.")
    if not call.title:
        errors["title"] = _("Name the title awarded.")
    if call.subject not in Subject.values:
        errors["subject"] = _("Choose mediators or cases.")
    if not call.places or call.places < 1:
        errors["places"] = _("At least one place.")
    if call.deadline and call.deadline < today:
        errors["deadline"] = _("The deadline cannot be in the past.")
    if errors:
        raise ValidationError(errors)
    call.full_clean(exclude=["region", "bureau"])


@transaction.atomic
def create_call(bureau: Bureau, *, user=None, today=None, **fields) -> HonourCall:
    """A draft call of *bureau*."""
    call = HonourCall(bureau=bureau, region=bureau.region, created_by=user)
    _fill(call, fields, _today(today))
    call.save()
    return call


@transaction.atomic
def update_call(call: HonourCall, *, today=None, **changes) -> HonourCall:
    """Change a draft call; once open, only its notice and a later deadline."""
    call = _locked(call)
    _require_status(call, CallStatus.DRAFT, CallStatus.OPEN)
    if call.status == CallStatus.OPEN:
        for field in ("title", "subject", "places", "criteria", "year"):
            if field in changes and changes[field] != getattr(call, field):
                raise ValidationError(
                    {field: _("The title, places and criteria are fixed once the call is open.")}
                )
        if "deadline" in changes and changes["deadline"] < call.deadline:
            raise ValidationError({"deadline": _("An open call's deadline can only move later.")})
    _fill(call, changes, _today(today))
    call.save()
    return call


@transaction.atomic
def open_call(call: HonourCall, *, today=None) -> HonourCall:
    """draft → open: offices may nominate until the deadline."""
    call = _locked(call)
    _require_status(call, CallStatus.DRAFT)
    if call.deadline < _today(today):
        raise ValidationError({"deadline": _("The deadline has passed; set a later one first.")})
    call.status = CallStatus.OPEN
    call.save()
    return call


@transaction.atomic
def start_judging(call: HonourCall, *, today=None) -> HonourCall:
    """open → judging: no more nominations; the panel is complete and the bureau's
    result rule is fixed for this call."""
    call = _locked(call)
    _require_status(call, CallStatus.OPEN)
    rule = policy.value(call.bureau, "honours_scoring")
    members = panel_of(call).count()
    if members < rule["min_panel"]:
        raise ValidationError(
            {
                "panel": _("The panel has %(n)s member(s); it needs at least %(min)s.")
                % {"n": members, "min": rule["min_panel"]}
            }
        )
    if not Nomination._base_manager.filter(call=call).exists():
        raise ValidationError(_("No office has nominated anyone yet."))
    call.status = CallStatus.JUDGING
    call.method = rule["method"]
    call.save()
    return call


def _eligible_members(call, nominations):
    """{nomination pk: [members who must score it]}: every member but those of the
    nominating office."""
    members = list(panel_of(call))
    return {n.pk: [m for m in members if m.office_id != n.office_id] for n in nominations}


def missing_scores(call: HonourCall) -> int:
    """How many (member, nominee) scores the panel still owes."""
    nominations = list(Nomination._base_manager.filter(call=call))
    owed = _eligible_members(call, nominations)
    given = set(
        Score._base_manager.filter(nomination__call=call).values_list("nomination_id", "member_id")
    )
    return sum(1 for n, ms in owed.items() for m in ms if (n, m.pk) not in given)


def result_of(totals: list[Decimal], method: str) -> Decimal | None:
    """A nominee's result from its scores' totals by the call's rule."""
    totals = sorted(totals)
    if method == ResultMethod.TRIMMED and len(totals) >= 3:
        totals = totals[1:-1]
    if not totals:
        return None
    return (sum(totals) / len(totals)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@transaction.atomic
def announce(call: HonourCall, *, user=None, today=None) -> HonourCall:
    """judging → announced, once every member has scored every nominee they may:
    each nominee's result by the call's rule, the ranking, and for the best
    ``places`` the title, entered in the mediator's integrity file as a commendation.
    A tie at the last place is the panel's to resolve (refused here)."""
    today = _today(today)
    call = _locked(call)
    _require_status(call, CallStatus.JUDGING)
    missing = missing_scores(call)
    if missing:
        raise ValidationError(
            _("The panel still owes %(n)s score(s); announce once every score is in.")
            % {"n": missing}
        )
    nominations = list(
        Nomination._base_manager.filter(call=call)
        .select_related("mediator", "case")
        .prefetch_related("scores")
    )
    for nomination in nominations:
        nomination.score = result_of([s.total for s in nomination.scores.all()], call.method)
    ranked = sorted(nominations, key=lambda n: (n.score is None, -(n.score or 0), n.pk))
    if len(ranked) > call.places:
        last, first_out = ranked[call.places - 1], ranked[call.places]
        if last.score is not None and last.score == first_out.score:
            raise ValidationError(
                _(
                    "Two nominees tie at %(score)s for the last place; the panel must "
                    "separate them (a further score) before the result is announced."
                )
                % {"score": last.score}
            )
    for position, nomination in enumerate(ranked, start=1):
        nomination.rank = position
        nomination.awarded = position <= call.places and nomination.score is not None
        if nomination.awarded:
            nomination.integrity_record = integrity.commend(
                nomination.mediator,
                on=today,
                title=_commendation_title(call, nomination),
                awarded_by=call.bureau.name,
                detail=_("%(call)s: result %(score)s, rank %(rank)s.")
                % {"call": call.name, "score": nomination.score, "rank": position},
                user=user,
            )
        nomination.save()
    call.status = CallStatus.ANNOUNCED
    call.announced_on = today
    call.save()
    return call


def _commendation_title(call, nomination) -> str:
    if nomination.case_id:
        return f"{call.year}年度{call.title}（{nomination.case.number}）"
    return f"{call.year}年度{call.title}"


# --- The panel -------------------------------------------------------------------------


def panel_of(call: HonourCall):
    """The call's panel, stored under the call's region: read by the call, so an
    office clerk sitting on it is found too."""
    return PanelMember._base_manager.filter(call=call).select_related("user", "office")


def panel_candidates(call: HonourCall):
    """The users who may sit on *call*'s panel: those holding a current role in the
    call's region (bureau staff, or a judicial office's clerk), or in the city bureau
    above it."""
    from django.contrib.auth import get_user_model

    bureaus = [b.pk for b in call.bureau.ancestors_and_self()]
    with all_regions():
        ids = Role.objects.filter(
            Q(region__code__startswith=call.region.prefix) | Q(bureau_id__in=bureaus),
            ended_at__isnull=True,
        ).values_list("user_id", flat=True)
        return (
            get_user_model().objects.filter(pk__in=list(ids), is_active=True).order_by("username")
        )


def _office_of(user, call) -> JudicialOffice | None:
    with all_regions():
        role = (
            Role.objects.filter(
                user=user,
                ended_at__isnull=True,
                office__isnull=False,
                region__code__startswith=call.region.prefix,
            )
            .select_related("office")
            .first()
        )
    return role.office if role else None


@transaction.atomic
def add_member(call: HonourCall, user) -> PanelMember:
    """Seat *user* on the panel, before judging starts. Their judicial office, if they
    clerk for one, is recorded: they will not score its nominees."""
    call = _locked(call)
    _require_status(call, CallStatus.DRAFT, CallStatus.OPEN)
    if user is None or not panel_candidates(call).filter(pk=user.pk).exists():
        raise ValidationError({"user": _("Choose a user of this bureau.")})
    if panel_of(call).filter(user=user).exists():
        raise ValidationError({"user": _("This user already sits on the panel.")})
    member = PanelMember(call=call, user=user, office=_office_of(user, call))
    member.save()
    return member


@transaction.atomic
def remove_member(member: PanelMember) -> HonourCall:
    """Take *member* off the panel, before judging starts."""
    call = _locked(member.call)
    _require_status(call, CallStatus.DRAFT, CallStatus.OPEN)
    member.delete()
    return call


# --- Nominations ----------------------------------------------------------------------


@transaction.atomic
def nominate(
    call: HonourCall,
    office: JudicialOffice,
    *,
    statement: str,
    mediator: Mediator | None = None,
    case: Case | None = None,
    user=None,
    today=None,
) -> Nomination:
    """*office*'s nomination of a mediator (or, for a call that honours cases, of a
    closed case) from its own township, with its statement, until the deadline."""
    today = _today(today)
    call = _locked(call)
    _require_status(call, CallStatus.OPEN)
    if today > call.deadline:
        raise ValidationError(
            _("Nominations closed on %(day)s.") % {"day": call.deadline.isoformat()}
        )
    if office is None or not office.region.code.startswith(call.region.prefix):
        raise ValidationError({"office": _("This office does not nominate to this call.")})
    statement = (statement or "").strip()
    if not statement:
        raise ValidationError({"statement": _("Write the office's statement.")})
    prefix = office.region.prefix
    outside = _("This is outside %(office)s's township; an office nominates from its own.") % {
        "office": office.name
    }
    if call.subject == Subject.CASE:
        if case is None:
            raise ValidationError({"case": _("Name the case nominated.")})
        if not case.region_id.startswith(prefix):
            raise ValidationError({"case": outside})
        if case.status != CaseStatus.CLOSED:
            raise ValidationError({"case": _("Only a closed case can be nominated.")})
        if Nomination._base_manager.filter(call=call, case=case).exists():
            raise ValidationError({"case": _("This case is already nominated.")})
        mediator = Mediator._base_manager.get(pk=case.lead_mediator_id)
    else:
        if mediator is None:
            raise ValidationError({"mediator": _("Name the mediator nominated.")})
        if not mediator.region_id.startswith(prefix):
            raise ValidationError({"mediator": outside})
        if mediator.status != MediatorStatus.ACTIVE:
            raise ValidationError({"mediator": _("Only a serving mediator can be nominated.")})
        if Nomination._base_manager.filter(call=call, mediator=mediator, case=None).exists():
            raise ValidationError({"mediator": _("This mediator is already nominated.")})
        case = None
    nomination = Nomination(
        call=call,
        office=office,
        mediator=mediator,
        case=case,
        statement=statement,
        nominated_by=user,
    )
    nomination.full_clean(exclude=["region"])
    nomination.save()
    return nomination


@transaction.atomic
def withdraw(nomination: Nomination) -> HonourCall:
    """The office withdraws its nomination while the call is open."""
    call = _locked(nomination.call)
    _require_status(call, CallStatus.OPEN)
    nomination.delete()
    return call


# --- Scores ---------------------------------------------------------------------------


def member_of(call: HonourCall, user) -> PanelMember | None:
    if user is None or not user.is_authenticated:
        return None
    return PanelMember._base_manager.filter(call=call, user=user).first()


@transaction.atomic
def score(nomination: Nomination, *, user, points, note: str = "") -> Score:
    """*user*'s score of *nomination*, as a member of its call's panel: whole points
    per criterion, each within the criterion's maximum. Once per member and nominee;
    never of a nominee of the member's own office."""
    call = _locked(nomination.call)
    _require_status(call, CallStatus.JUDGING)
    member = member_of(call, user)
    if member is None:
        raise ValidationError(_("Only a member of this call's panel scores its nominees."))
    if member.office_id is not None and member.office_id == nomination.office_id:
        raise ValidationError(
            {
                "nomination": _("%(office)s nominated this; its own staff do not score it.")
                % {"office": nomination.office.name}
            }
        )
    if Score._base_manager.filter(nomination=nomination, member=member).exists():
        raise ValidationError(
            {"nomination": _("You have already scored this nominee; a score is given once.")}
        )
    criteria = call.criteria
    if not isinstance(points, (list, tuple)) or len(points) != len(criteria):
        raise ValidationError(
            {"points": _("Give points for each of the %(n)s criteria.") % {"n": len(criteria)}}
        )
    cleaned = []
    for criterion, value in zip(criteria, points, strict=True):
        try:
            value = int(value)
        except (TypeError, ValueError):
            value = -1
        if not 0 <= value <= int(criterion["points"]):
            raise ValidationError(
                {
                    "points": _("“%(name)s” takes 0 to %(max)s points.")
                    % {"name": criterion["name"], "max": criterion["points"]}
                }
            )
        cleaned.append(value)
    record = Score(
        nomination=nomination,
        member=member,
        points=cleaned,
        total=Decimal(sum(cleaned)),
        note=(note or "").strip(),
    )
    record.full_clean(exclude=["region"])
    record.save()
    return record


def awaiting_my_score(user, queryset=None):
    """Nominations before a panel *user* sits on that they have not scored and may."""
    queryset = queryset if queryset is not None else Nomination.objects.all()
    members = PanelMember._base_manager.filter(
        user=user, call__status=CallStatus.JUDGING
    ).values_list("pk", "call_id", "office_id")
    condition = Q(pk__in=[])
    for member_id, call_id, office_id in members:
        mine = Q(call_id=call_id) & ~Q(scores__member_id=member_id)
        if office_id is not None:
            mine &= ~Q(office_id=office_id)
        condition |= mine
    return queryset.filter(condition).distinct()


def counts_by_call(calls) -> dict:
    """{call pk: nominations} for a page of calls, in one query."""
    rows = (
        Nomination._base_manager.filter(call__in=[c.pk for c in calls])
        .values("call_id")
        .annotate(n=Count("pk"))
    )
    return {row["call_id"]: row["n"] for row in rows}


def deadline_days_left(call, today=None) -> int:
    return (call.deadline - _today(today)).days


def default_deadline(today=None) -> datetime.date:
    return _today(today) + datetime.timedelta(days=30)
