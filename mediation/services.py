"""Filing and moving cases through their workflow. Pages, the API and the workbook
import call these, so numbering and the rules live once."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.models.roles import BUREAU_WRITERS
from mediation.models import Case, CaseSequence, CaseStatus, Party
from registry.services import governing_bureau

# Fields a closing sets; anything else on the case stays as filed.
CLOSING_FIELDS = (
    "closed_on",
    "result",
    "agreement_form",
    "fulfilled",
    "judicial_confirmation",
    "prevented_criminal",
    "prevented_suicide",
    "prevented_mass_petition",
    "mass_petition_persons",
    "prevented_mass_incident",
    "mass_incident_persons",
)


def next_number(bureau, year: int) -> int:
    """The bureau's next case number for *year*, gap-free under concurrent filing: the
    year's counter row is locked until the caller's transaction ends, so a filing
    that rolls back gives its number back."""
    CaseSequence.objects.bulk_create(
        [CaseSequence(bureau=bureau, year=year)], ignore_conflicts=True
    )
    sequence = CaseSequence.objects.select_for_update().get(bureau=bureau, year=year)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return sequence.last


def format_number(bureau, year: int, sequence: int) -> str:
    return f"{bureau.region_id[:6]}-{year}-{sequence:05d}"


@transaction.atomic
def file_case(*, committee, assistants=(), parties=(), filed_by=None, **fields) -> Case:
    """File a case for *committee*. *parties* are dicts of Party fields, two at
    least. Raises ValidationError (field errors) and writes nothing when anything is
    wrong."""
    case = Case(committee=committee, filed_by=filed_by, region=committee.region, **fields)
    case.bureau = governing_bureau(committee.region_id)
    case.full_clean(exclude=["bureau", "year", "sequence", "number"])
    _check_assistants(case, assistants)
    parties = list(parties)
    Party.check_count(len(parties))
    party_rows = [Party(case=case, region=committee.region, **p) for p in parties]
    for index, party in enumerate(party_rows):
        try:
            party.full_clean(exclude=["case", "region"])
        except ValidationError as exc:
            raise ValidationError({f"parties[{index}]": exc.messages}) from exc
    case.year = case.received_on.year
    case.sequence = next_number(case.bureau, case.year)
    case.number = format_number(case.bureau, case.year, case.sequence)
    case.save()
    case.assistants.set(assistants)
    for party in party_rows:
        party.case = case
        party.save()
    return case


def _check_assistants(case, assistants):
    wrong = [
        m for m in assistants if m.pk == case.lead_mediator_id or not case.mediator_serves(m.pk)
    ]
    if wrong:
        raise ValidationError(
            {
                "assistants": _(
                    "Assisting mediators must hold a post in the committee on the date "
                    "received and differ from the lead: %(names)s."
                )
                % {"names": "、".join(m.name for m in wrong)}
            }
        )


@transaction.atomic
def start_mediation(case: Case) -> Case:
    case.start()
    case.save()
    return case


@transaction.atomic
def close_case(case: Case, **closing) -> Case:
    """Close with the result and what came of it (agreement, fulfilment, judicial
    confirmation, prevented 民转刑 or mass incidents)."""
    unknown = set(closing) - set(CLOSING_FIELDS)
    if unknown:
        raise TypeError(f"not closing fields: {sorted(unknown)}")
    if case.status == CaseStatus.CLOSED:
        raise ValidationError(_("This case is already closed."))
    for field, value in closing.items():
        setattr(case, field, value)
    case.close()
    case.full_clean()
    case.save()
    return case


@transaction.atomic
def reopen_case(case: Case, *, reason: str, role) -> Case:
    """Only bureau staff reopen a closed case, and they say why."""
    if not role.may_write(BUREAU_WRITERS):
        raise PermissionDenied(_("Only bureau staff may reopen a closed case."))
    if not reason.strip():
        raise ValidationError({"reopen_reason": _("Give the reason for reopening.")})
    if case.status != CaseStatus.CLOSED:
        raise ValidationError(_("Only a closed case can be reopened."))
    case.reopen(reason.strip())
    case.save()
    return case
