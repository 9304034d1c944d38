"""Library operations: promote a closed case, edit its account, publish and withdraw
it. Each is atomic and runs the anonymity check on every text it stores, raising
ValidationError beside the field (nothing is written when the check fails)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from caselibrary import anonymity, cache
from caselibrary.models import LibraryEntry
from mediation.models import Case, Party
from mediation.models.choices import CaseStatus

TEXT_FIELDS = ("title", "account", "commentary")
EDITABLE = (*TEXT_FIELDS, "dispute_type")


def party_names(case: Case) -> list[str]:
    """The names of the case's parties, in the order they were entered. By the case:
    its parties are stored with it."""
    parties = Party._base_manager.filter(case_id=case.pk).order_by("pk")
    return list(parties.values_list("name", flat=True))


def check(entry: LibraryEntry):
    """Every text of *entry* against its case's parties and personal numbers."""
    names = party_names(entry.case)
    errors = {}
    for field in TEXT_FIELDS:
        found = anonymity.problems(getattr(entry, field) or "", names)
        if found:
            errors[field] = found
    if not (entry.title or "").strip():
        errors.setdefault("title", []).append(_("Give the case a title."))
    if not (entry.account or "").strip():
        errors.setdefault("account", []).append(_("Write the account of the case."))
    if errors:
        raise ValidationError(errors)


def draft_account(case: Case) -> str:
    """A first anonymised draft of the account from the case's summary."""
    return anonymity.draft(case.summary, party_names(case))


def _fill(entry, changes):
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValidationError(_("Unknown field(s): %(names)s.") % {"names": ", ".join(unknown)})
    for field, value in changes.items():
        setattr(entry, field, value.strip() if isinstance(value, str) else value)
    check(entry)
    entry.full_clean(exclude=["region", "case"])


@transaction.atomic
def promote(case: Case, *, user=None, **fields) -> LibraryEntry:
    """Put the closed *case* in the library with an anonymised account."""
    if case.status != CaseStatus.CLOSED:
        raise ValidationError({"case": _("Only a closed case enters the library.")})
    if LibraryEntry._base_manager.filter(case_id=case.pk).exists():
        raise ValidationError({"case": _("This case is already in the library.")})
    fields.setdefault("dispute_type", case.dispute_type)
    entry = LibraryEntry(
        case=case,
        region=case.region,
        year=(case.closed_on or case.received_on).year,
        promoted_by=user,
    )
    _fill(entry, fields)
    entry.save()
    return entry


@transaction.atomic
def update_entry(entry: LibraryEntry, **changes) -> LibraryEntry:
    entry = LibraryEntry.objects.select_for_update().select_related("case").get(pk=entry.pk)
    _fill(entry, changes)
    entry.save()
    if entry.published:
        cache.changed()
    return entry


@transaction.atomic
def publish(entry: LibraryEntry) -> LibraryEntry:
    """On the public site: the texts are checked again (a party may have been added
    to the case since)."""
    entry = LibraryEntry.objects.select_for_update().select_related("case").get(pk=entry.pk)
    if entry.published:
        raise ValidationError(_("This case is already on the public site."))
    check(entry)
    entry.published, entry.published_at = True, timezone.now()
    entry.save()
    cache.changed()
    return entry


@transaction.atomic
def withdraw(entry: LibraryEntry) -> LibraryEntry:
    entry = LibraryEntry.objects.select_for_update().get(pk=entry.pk)
    if not entry.published:
        raise ValidationError(_("This case is not on the public site."))
    entry.published, entry.published_at = False, None
    entry.save()
    cache.changed()
    return entry
