"""The grading overview's figures, kept as a snapshot for a large jurisdiction
(core.snapshots): who is close to the next level is worked out from every serving
mediator's record, a minute's work for a province."""

from core import snapshots
from core.models import Bureau
from grading import overview, services

OVERVIEW = "grading.overview"


def figures(bureau) -> dict:
    """Everything the overview shows for *bureau*."""
    by_area = overview.levels_by_area(bureau)
    return {
        "level_names": by_area["names"],
        "by_area": by_area["areas"],
        "by_type": overview.levels_by_committee_type(bureau),
        "target": services.target_progress(bureau),
        "close": overview.close_to_next(bureau),
        "chart": overview.levels_chart(bureau),
    }


@snapshots.report(OVERVIEW, opens_with=snapshots.for_the_bureau)
def overview_figures(query):
    return figures(Bureau.objects.select_related("region").get(pk=query["bureau"]))
