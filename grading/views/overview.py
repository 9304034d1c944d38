"""The grading overview (levels by area and committee type, the target, who is close
to the next level) and a mediator's level panel (level history and what they lack
for the next level), which the mediator's page loads."""

from django.contrib.auth.decorators import login_required
from django.http import QueryDict
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from core import snapshots
from core.generic_views import for_model
from core.jurisdiction import require_role
from grading import services
from grading import snapshots as grading_snapshots
from grading.models import Criterion
from registry.models import Mediator, MediatorStatus
from registry.services import governing_bureau

RATES = (Criterion.SUCCESS_RATE, Criterion.ORAL_SHARE)


def _shown(criterion, value):
    """A figure as the page shows it: shares in per cent, yes/no as words."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if criterion in RATES:
        return f"{float(value) * 100:.1f} %"
    return value


@require_safe
@login_required
def overview_view(request):
    role = require_role(request)
    bureau = role.home_bureau
    # The figures of the user's bureau (a clerk's is the county's), as read in the
    # user's jurisdiction: the snapshot's key names the bureau.
    kept = snapshots.read(
        grading_snapshots.OVERVIEW,
        QueryDict(f"bureau={bureau.pk}"),
        compute=lambda: grading_snapshots.figures(bureau),
    )
    context = {"bureau": bureau, "as_of": kept.computed_at, **kept.data}
    return render(request, "grading/overview.html", context)


@for_model(Mediator)
@require_safe
@login_required
def mediator_levels(request, pk):
    """The mediator's level history and, for a serving one, what they lack for the
    next level, read from the records today with the bureau's rules in force."""
    require_role(request)
    mediator = get_object_or_404(Mediator, pk=pk)
    history = mediator.level_changes.select_related("round", "recorded_by").order_by(
        "-effective_on", "-pk"
    )
    gap = None
    bureau = governing_bureau(mediator.region_id)
    if bureau is not None and mediator.status == MediatorStatus.ACTIVE:
        found = services.next_level_gaps(bureau, mediator_ids={mediator.pk})
        gap = found[0] if found else None
    labels = dict(Criterion.choices)
    context = {
        "mediator": mediator,
        "history": list(history),
        "gap": gap,
        "missing": [
            {
                "label": labels.get(s.criterion, s.label),
                "value": _shown(s.criterion, s.value),
                "threshold": _shown(s.criterion, s.threshold),
            }
            for s in (gap.missing if gap else ())
        ],
        "fragment": request.headers.get("HX-Request") == "true",
    }
    template = (
        "grading/_mediator_levels.html" if context["fragment"] else "grading/mediator_levels.html"
    )
    return render(request, template, context)
