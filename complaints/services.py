"""What the complaints part does: file a complaint (online or at a window), route it
to the unit that appointed the mediator, and take it through verification,
conclusion and answer. Pages, the API and the public form call these."""

import datetime
import secrets

from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from complaints.models import (
    Complaint,
    ComplaintAttachment,
    ComplaintStatus,
    Finding,
    IntegrityKind,
    IntegrityRecord,
    Sanction,
)
from core import policy
from core.models.roles import BUREAU_WRITERS
from core.personal import digest, normalize_phone
from core.tenancy import all_regions
from core.workdays import add_working_days
from registry.models import Appointment, ExitReason, MediatorStatus
from registry.models.appointments import held_on
from registry.models.committees import FILED_WITH_OFFICE
from registry.services import exit_mediator, governing_bureau

# No 0/O or 1/I/L: complainants read these aloud on the phone and type them again.
_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
# Sanctions that change the mediator's standing are the bureau's to decide.
BUREAU_SANCTIONS = {Sanction.SUSPENSION, Sanction.DISMISSAL}


def _random(length: int) -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))


def current_post(mediator, on: datetime.date | None = None) -> Appointment | None:
    """The post that decides who handles a complaint: the full-time one, else the
    longest held."""
    with all_regions():
        return (
            Appointment.objects.filter(mediator=mediator)
            .filter(held_on(on))
            .select_related("committee__region", "committee__office")
            .order_by("-full_time", "starts_on", "pk")
            .first()
        )


def handling_office(committee):
    """The judicial office that appointed the committee's mediators, or None when the
    county bureau did (seed 003: offices file village, township and enterprise
    committees; the bureau files the rest)."""
    return committee.office if committee.kind in FILED_WITH_OFFICE else None


@transaction.atomic
def file_complaint(
    *,
    committee=None,
    mediator=None,
    name: str,
    phone: str,
    description: str,
    channel: str,
    received_on: datetime.date | None = None,
    recorded_by=None,
    attachments=(),
) -> tuple[Complaint, str]:
    """Record a complaint and route it. Returns the complaint and its secret code,
    which is shown once and stored only as a hash."""
    received_on = received_on or datetime.date.today()
    post = current_post(mediator, received_on) if mediator is not None else None
    if post is not None:
        committee = post.committee
    if committee is None:
        raise ValidationError({"committee": _("Name the mediator or the committee.")})
    bureau = governing_bureau(committee.region_id)
    code = _random(8)
    deadline = add_working_days(
        received_on, policy.value(bureau, "complaint_deadline_working_days")
    )
    complaint = Complaint(
        region=committee.region,
        bureau=bureau,
        committee=committee,
        mediator=mediator,
        channel=channel,
        complainant_name=name.strip(),
        complainant_phone=normalize_phone(phone),
        phone_digest=digest(normalize_phone(phone)),
        description=description.strip(),
        received_on=received_on,
        due_on=deadline.due_on,
        due_provisional=deadline.provisional,
        recorded_by=recorded_by,
        secret_hash=make_password(code),
    )
    # Routing is automatic when the mediator holds a post (or only a committee is
    # named); a mediator with no post left waits for the bureau to assign it.
    if mediator is None or post is not None:
        complaint.assigned_office = handling_office(committee)
        complaint.assign()
    for _attempt in range(5):
        complaint.tracking_number = f"TS{received_on:%Y%m%d}{_random(6)}"
        complaint.full_clean()
        try:
            with transaction.atomic():
                complaint.save()
            break
        except IntegrityError:  # a tracking number taken a moment ago
            continue
    else:  # pragma: no cover - 31^6 numbers a day
        raise ValidationError(_("Could not give a tracking number; please try again."))
    for upload in attachments:
        ComplaintAttachment.objects.create(
            complaint=complaint,
            file=upload.file,
            content_type=upload.content_type,
            original_name=upload.name[:200],
            size=upload.size,
        )
    return complaint, code


# A hash of a code nobody holds, checked when the tracking number is unknown so that
# both answers take the same time.
_DUMMY_HASH = make_password(_random(8))


def find_for_complainant(tracking_number: str, code: str) -> Complaint | None:
    """The complaint if both the number and the code match, else None: an unknown
    number and a wrong code look the same from outside."""
    number = (tracking_number or "").strip().upper()
    with all_regions():
        complaint = Complaint.objects.filter(tracking_number=number).first()
    if complaint is None:
        check_password(code, _DUMMY_HASH)
        return None
    if not check_password((code or "").strip().upper(), complaint.secret_hash):
        return None
    return complaint


def _require(condition: bool, message: str):
    if not condition:
        raise ValidationError(message)


@transaction.atomic
def assign(complaint: Complaint, *, office=None) -> Complaint:
    """Route a complaint the filing could not route (its mediator had left)."""
    _require(complaint.status == ComplaintStatus.RECEIVED, _("This complaint is already assigned."))
    if office is not None and not complaint.committee.region_id.startswith(office.region.prefix):
        raise ValidationError({"office": _("This office does not cover the committee.")})
    complaint.assigned_office = office
    complaint.assign()
    complaint.save()
    return complaint


@transaction.atomic
def start_verification(complaint: Complaint, *, note: str = "") -> Complaint:
    _require(
        complaint.status == ComplaintStatus.ASSIGNED,
        _("Only an assigned complaint can go to verification."),
    )
    complaint.verification_note = note.strip()
    complaint.start_verification()
    complaint.save()
    return complaint


@transaction.atomic
def conclude(
    complaint: Complaint,
    *,
    role,
    finding: str,
    sanction: str = "",
    note: str = "",
    on: datetime.date | None = None,
) -> Complaint:
    """Conclude the verification. A founded complaint enters the mediator's integrity
    file with its sanction; a suspension suspends the mediator and a dismissal ends
    every post through the roster's exit service."""
    on = on or datetime.date.today()
    _require(
        complaint.status == ComplaintStatus.VERIFYING,
        _("Only a complaint under verification can be concluded."),
    )
    if finding not in Finding.values:
        raise ValidationError({"finding": _("Choose a finding.")})
    if finding == Finding.UNFOUNDED and sanction:
        raise ValidationError({"sanction": _("Only a founded complaint carries a sanction.")})
    if sanction and complaint.mediator_id is None:
        raise ValidationError(
            {"sanction": _("A sanction needs a named mediator; this complaint names a committee.")}
        )
    if sanction in BUREAU_SANCTIONS and role.kind not in BUREAU_WRITERS:
        raise PermissionDenied(_("A suspension or dismissal is decided by the justice bureau."))
    if on < complaint.received_on:
        raise ValidationError(
            {"concluded_on": _("A complaint cannot be concluded before it came.")}
        )
    if on > datetime.date.today():
        raise ValidationError({"concluded_on": _("The date cannot be in the future.")})
    if note.strip():
        complaint.verification_note = note.strip()
    complaint.finding = finding
    complaint.sanction = sanction
    complaint.concluded_on = on
    complaint.conclude()
    complaint.save()
    if finding == Finding.FOUNDED and complaint.mediator_id:
        _record_integrity(complaint, role.user, on)
    return complaint


def _record_integrity(complaint: Complaint, user, on):
    mediator = complaint.mediator
    unit = complaint.assigned_office or complaint.bureau
    IntegrityRecord.objects.create(
        mediator=mediator,
        kind=IntegrityKind.COMPLAINT,
        occurred_on=on,
        title=_("Founded complaint %(number)s") % {"number": complaint.tracking_number},
        detail=complaint.verification_note,
        awarded_by=str(unit),
        complaint=complaint,
        recorded_by=user,
    )
    if not complaint.sanction:
        return
    IntegrityRecord.objects.create(
        mediator=mediator,
        kind=IntegrityKind.SANCTION,
        occurred_on=on,
        title=str(Sanction(complaint.sanction).label),
        detail=_("After complaint %(number)s.") % {"number": complaint.tracking_number},
        awarded_by=str(unit),
        sanction=complaint.sanction,
        complaint=complaint,
        recorded_by=user,
    )
    if complaint.sanction == Sanction.SUSPENSION and mediator.status == MediatorStatus.ACTIVE:
        mediator.status = MediatorStatus.SUSPENDED
        mediator.save(update_fields=["status", "updated_at"])
    elif complaint.sanction == Sanction.DISMISSAL:
        exit_mediator(
            mediator,
            on=on,
            reason=ExitReason.DISMISSAL,
            note=_("Complaint %(number)s") % {"number": complaint.tracking_number},
        )


@transaction.atomic
def answer(complaint: Complaint, *, text: str, on: datetime.date | None = None) -> Complaint:
    """The reply the complainant reads on the status page."""
    _require(
        complaint.status == ComplaintStatus.CONCLUDED,
        _("Only a concluded complaint can be answered."),
    )
    if not text.strip():
        raise ValidationError({"answer": _("Write the answer to the complainant.")})
    complaint.answer = text.strip()
    complaint.answered_on = on or datetime.date.today()
    complaint.mark_answered()
    complaint.save()
    return complaint


def recompute_provisional_deadlines() -> int:
    """After a year's holiday schedule is entered: recompute the deadlines that were
    counted Monday to Friday. Returns how many changed."""
    changed = 0
    with all_regions():
        for complaint in Complaint.objects.filter(due_provisional=True).select_related("bureau"):
            deadline = add_working_days(
                complaint.received_on,
                policy.value(complaint.bureau, "complaint_deadline_working_days"),
            )
            if (deadline.due_on, deadline.provisional) != (
                complaint.due_on,
                complaint.due_provisional,
            ):
                complaint.due_on = deadline.due_on
                complaint.due_provisional = deadline.provisional
                complaint.save(update_fields=["due_on", "due_provisional", "updated_at"])
                changed += 1
    return changed


@transaction.atomic
def commend(mediator, *, on: datetime.date, title: str, awarded_by: str, detail: str, user):
    """Enter a commendation (表彰) in the mediator's integrity file."""
    if on > datetime.date.today():
        raise ValidationError({"occurred_on": _("The date cannot be in the future.")})
    record = IntegrityRecord(
        region=mediator.region,
        mediator=mediator,
        kind=IntegrityKind.COMMENDATION,
        occurred_on=on,
        title=title.strip(),
        awarded_by=awarded_by.strip(),
        detail=detail.strip(),
        recorded_by=user,
    )
    record.full_clean()
    record.save()
    return record
