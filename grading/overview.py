"""The grading overview (the dashboard's report): levels by county and by committee
type, progress against the bureau's target, and who is close to the next level with
what they lack. Read with grading.services' set-based queries."""

from django.db.models import Count
from django.db.models.functions import Substr

from core.models import BureauLevel
from grading import services
from registry import levels
from registry.models import Appointment, CommitteeType, Mediator, MediatorStatus
from registry.models.appointments import held_on
from registry.reports import area_names

CLOSE = 2  # "close to the next level": lacking at most this many criteria
LISTED = 50


def _area(code: str, names: dict) -> str:
    return names.get(code.ljust(12, "0"), code)


def _counts_by_area(bureau):
    """Serving graded mediators per county (per township for a county bureau) and
    level: (area code prefix, rank, count) rows, one query."""
    digits = 9 if bureau.level == BureauLevel.COUNTY else 6
    return (
        Mediator.objects.filter(
            region__code__startswith=bureau.region.prefix, status=MediatorStatus.ACTIVE
        )
        .exclude(level=None)
        .order_by()
        .values("level", area=Substr("region_id", 1, digits))
        .annotate(n=Count("pk"))
        .values_list("area", "level", "n")
    )


def levels_by_area(bureau) -> dict:
    """{"names": level names, "areas": [(area name, [count per rank])]}."""
    names = levels.names(bureau)
    counts: dict[str, dict[int, int]] = {}
    for area, rank, n in _counts_by_area(bureau):
        counts.setdefault(area, {})[rank] = n
    places = area_names()
    return {
        "names": names,
        "areas": [
            (_area(area, places), [counts[area].get(rank, 0) for rank in range(1, len(names) + 1)])
            for area in sorted(counts)
        ],
    }


def levels_chart(bureau) -> dict:
    table = levels_by_area(bureau)
    return {
        "names": [name for name, _counts in table["areas"]],
        "series": [
            {"name": name, "data": [counts[index] for _area_name, counts in table["areas"]]}
            for index, name in enumerate(table["names"])
        ],
    }


def levels_by_committee_type(bureau) -> list[tuple[str, list[int]]]:
    """Serving graded mediators per committee type of their posts (a mediator with
    posts in two types counts in both), one query."""
    names = levels.names(bureau)
    rows = (
        Appointment.objects.filter(
            held_on(),
            region__code__startswith=bureau.region.prefix,
            mediator__status=MediatorStatus.ACTIVE,
            mediator__level__isnull=False,
        )
        .order_by()
        .values_list("committee__kind", "mediator__level")
        .annotate(n=Count("mediator", distinct=True))
    )
    counts: dict[str, dict[int, int]] = {}
    for kind, rank, n in rows:
        counts.setdefault(kind, {})[rank] = n
    labels = dict(CommitteeType.choices)
    return [
        (labels.get(kind, kind), [counts[kind].get(rank, 0) for rank in range(1, len(names) + 1)])
        for kind in sorted(counts, key=lambda k: list(labels).index(k) if k in labels else 99)
    ]


def close_to_next(bureau) -> list[dict]:
    """Who lacks at most CLOSE criteria for the next level, fewest first, with what
    (the first LISTED of them; their names in one query)."""
    gaps = services.next_level_gaps(bureau, within=CLOSE)[:LISTED]
    names = dict(
        Mediator.objects.filter(pk__in=[g.mediator_id for g in gaps]).values_list("pk", "name")
    )
    return [
        {"gap": gap, "name": names[gap.mediator_id]} for gap in gaps if gap.mediator_id in names
    ]
