"""The cases part's kinds of job (see core.job_kinds): the quarterly ranking, the
callback draw, the case import and the case ledger export."""

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from core.job_kinds import ANY_ROLE, JobKind, download_url, register
from core.models.roles import BUREAU_WRITERS, WRITE_KINDS

IMPORT_PAGE = "mediation:case_import_result"

# A ranking or a draw is the bureau's, not its starter's: the colleagues who could
# have started it follow it too.
register(
    JobKind(
        name="rank_quarter",
        label=_("Quarterly ranking"),
        roles=frozenset(BUREAU_WRITERS),
        shared_with=frozenset(BUREAU_WRITERS),
        result=lambda job: reverse("mediation:ranking_detail", args=[job.result["snapshot"]]),
    )
)
register(
    JobKind(
        name="callback_draw",
        label=_("Callback draw"),
        roles=frozenset(BUREAU_WRITERS),
        shared_with=frozenset(BUREAU_WRITERS),
        result=lambda job: (
            reverse("mediation:callback_list") + "?" + urlencode({"month": job.result["month"][:7]})
        ),
    )
)
register(
    JobKind(
        name="import_cases",
        label=_("Case import"),
        roles=frozenset(WRITE_KINDS),
        result=lambda job: reverse(IMPORT_PAGE, args=[job.uuid]),
        page=IMPORT_PAGE,
    )
)
# The ledger is its owner's alone, as the roster exports are: any role may export
# the cases it sees, and the file is what that user's filters chose.
register(
    JobKind(
        name="export_cases",
        label=_("Case ledger export"),
        roles=ANY_ROLE,
        result=download_url,
    )
)
