"""The roster's kinds of job (see core.job_kinds): its Excel imports and exports."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.job_kinds import ANY_ROLE, JobKind, download_url, register
from core.models.roles import WRITE_KINDS
from registry.personal_access import may_reveal

IMPORT_PAGE = "registry:roster_import_result"


def _import_report(job) -> str:
    return reverse(IMPORT_PAGE, args=[job.uuid])


def _numbers_still_visible(job, role) -> bool:
    """An export that shows personal numbers in full stays its owner's only while
    their role may still see each of those numbers."""
    return all(may_reveal(role, field) for field in job.result.get("revealed", ()))


for records, label in (
    ("committees", _("Committee import")),
    ("mediators", _("Mediator import")),
):
    register(
        JobKind(
            name=f"import_{records}",
            label=label,
            roles=frozenset(WRITE_KINDS),
            result=_import_report,
            page=IMPORT_PAGE,
        )
    )

# Exports are their owner's alone: any role may export the lists it sees, but the
# file is what that user chose (filters, revealed numbers), not a colleague's.
register(
    JobKind(
        name="export_committees",
        label=_("Committee export"),
        roles=ANY_ROLE,
        result=download_url,
    )
)
register(
    JobKind(
        name="export_mediators",
        label=_("Mediator export"),
        roles=ANY_ROLE,
        result=download_url,
        still_allowed=_numbers_still_visible,
    )
)
