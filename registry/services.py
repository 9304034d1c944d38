"""What the roster does: appoint, end and transfer posts, register terms, deregister
committees. Views, the API, imports and other apps (complaints end a dismissed
mediator's posts) call these, so each rule lives once."""

import datetime

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core import bulk, policy
from core.audit import log_created
from core.models import Bureau
from core.tenancy import all_regions
from registry.models import (
    Appointment,
    CommitteeStatus,
    CommitteeTerm,
    ExitReason,
    MediatorStatus,
    TermWarning,
)
from registry.models.appointments import held_on

# Exits after which a mediator with no remaining post has left the roster.
LEAVING_REASONS = {
    ExitReason.DISMISSAL,
    ExitReason.HEALTH,
    ExitReason.OWN_REQUEST,
    ExitReason.ELIMINATION,
}


def governing_bureau(region_code: str) -> Bureau | None:
    """The bureau whose rules apply to a region: the deepest one containing it (a
    county bureau, else the city's, else a 直辖市's)."""
    candidates = [region_code[:length].ljust(12, "0") for length in (2, 4, 6)]
    with all_regions():
        bureaus = Bureau.objects.select_related("region", "parent").filter(region_id__in=candidates)
        return max(bureaus, key=lambda b: len(b.region.prefix), default=None)


@transaction.atomic
def appoint(mediator, committee, *, starts_on, post, full_time=False, paid_by=""):
    """A new post. A full-time one must name its payer (Appointment.clean)."""
    appointment = Appointment(
        mediator=mediator,
        committee=committee,
        post=post,
        full_time=full_time,
        paid_by=paid_by,
        starts_on=starts_on,
        region=committee.region,
    )
    appointment.full_clean()
    appointment.save()
    return appointment


@transaction.atomic
def end_appointment(appointment, *, on, reason, note=""):
    if appointment.ends_on is not None:
        raise ValidationError(_("This appointment has already ended."))
    appointment.ends_on = on
    appointment.exit_reason = reason
    appointment.exit_note = note
    appointment.full_clean()
    appointment.save()
    mediator = appointment.mediator
    if reason in LEAVING_REASONS and not _holds_posts(mediator, after=on):
        mediator.status = MediatorStatus.LEFT
        mediator.save(update_fields=["status", "updated_at"])
    return appointment


@transaction.atomic
def exit_mediator(mediator, *, on, reason, note=""):
    """End every post the mediator holds (dismissal, health, own request, annual
    elimination), keeping the history."""
    ended = []
    for appointment in Appointment._base_manager.filter(mediator=mediator, ends_on__isnull=True):
        ended.append(
            end_appointment(
                appointment, on=max(on, appointment.starts_on), reason=reason, note=note
            )
        )
    if reason in LEAVING_REASONS:
        mediator.status = MediatorStatus.LEFT
        mediator.save(update_fields=["status", "updated_at"])
    return ended


@transaction.atomic
def transfer(appointment, to_committee, *, on, post=None, full_time=None, paid_by=None):
    """Move a post to another committee: the old one ends the day before *on* with
    the reason "transfer", the new one starts on *on*; both stay in the career."""
    if on <= appointment.starts_on:
        raise ValidationError(
            {"starts_on": _("A transfer must start after the current post began.")}
        )
    if to_committee.pk == appointment.committee_id:
        raise ValidationError({"committee": _("Choose a different committee.")})
    end_appointment(appointment, on=on - datetime.timedelta(days=1), reason=ExitReason.TRANSFER)
    return appoint(
        appointment.mediator,
        to_committee,
        starts_on=on,
        post=post or appointment.post,
        full_time=appointment.full_time if full_time is None else full_time,
        paid_by=paid_by or appointment.paid_by,
    )


def _holds_posts(mediator, after):
    return (
        Appointment._base_manager.filter(mediator=mediator)
        .filter(held_on(after + datetime.timedelta(days=1)))
        .exists()
    )


@transaction.atomic
def deregister_committee(committee, *, on, reason):
    """注销: the committee leaves active lists and its open posts end; its record and
    history stay."""
    if not reason.strip():
        raise ValidationError({"deregistration_reason": _("Give the reason for deregistering.")})
    if committee.status == CommitteeStatus.DEREGISTERED:
        raise ValidationError(_("This committee is already deregistered."))
    for appointment in committee.appointments.filter(ends_on__isnull=True):
        end_appointment(
            appointment,
            on=max(on, appointment.starts_on),
            reason=ExitReason.COMMITTEE_DEREGISTERED,
        )
    committee.status = CommitteeStatus.DEREGISTERED
    committee.deregistered_on = on
    committee.deregistration_reason = reason
    committee.save()
    return committee


@transaction.atomic
def add_term(committee, *, starts_on, ends_on=None):
    """Register the committee's next term (届); it lasts the bureau's term length
    unless *ends_on* says otherwise, and settles the warnings of earlier terms."""
    if ends_on is None:
        years = policy.value(governing_bureau(committee.region_id), "term_years")
        ends_on = starts_on + relativedelta(years=years) - datetime.timedelta(days=1)
    last = committee.terms.order_by("-number").first()
    term = CommitteeTerm(
        committee=committee,
        number=(last.number + 1) if last else 1,
        starts_on=starts_on,
        ends_on=ends_on,
        region=committee.region,
    )
    term.full_clean()
    term.save()
    for warning in TermWarning.objects.filter(
        term__committee=committee, resolved_at__isnull=True
    ).exclude(term=term):
        warning.resolved_at = timezone.now()
        warning.save(update_fields=["resolved_at"])
    return term


def raise_term_warnings(today: datetime.date | None = None) -> int:
    """Warn about every current term that ends within its bureau's warning period
    (policy term_warning_days) and has no successor; idempotent. Returns how many
    warnings were raised."""
    today = today or datetime.date.today()
    with all_regions():
        bureaus = list(Bureau.objects.select_related("region", "parent"))
        days = {b.region.prefix: policy.value(b, "term_warning_days") for b in bureaus}
        horizon = today + datetime.timedelta(days=max(days.values(), default=0))
        candidates = (
            CommitteeTerm.objects.filter(
                ends_on__gte=today,
                ends_on__lte=horizon,
                warning__isnull=True,
                committee__status=CommitteeStatus.ACTIVE,
            )
            .exclude(committee__terms__number__gt=F("number"))
            .select_related("committee")
        )
        warnings = []
        for term in candidates:
            prefix = max((p for p in days if term.region_id.startswith(p)), key=len, default=None)
            if prefix is None or term.ends_on > today + datetime.timedelta(days=days[prefix]):
                continue
            warnings.append(TermWarning(term=term, due_on=term.ends_on, region_id=term.region_id))
        # Written with their audit entries in bulk, the entries a save of each would
        # write: a province's first run (the demo's) raises 12,000 of them.
        bulk.insert(TermWarning, warnings)
        log_created(warnings, actor=None)  # the daily job's (or the demo's): no one's
    return len(warnings)
