"""The cases part's kinds of job (see core.job_kinds): the quarterly ranking, the
callback draw and the case import."""

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from core.job_kinds import JobKind, register
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
