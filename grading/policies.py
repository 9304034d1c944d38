"""Grading rules, registered in core.policy so bureaus set them like the others (a
county inherits its city's unless it sets its own). Level names are the core rule
``grading_levels``; the rules here speak of level *ranks* (1 = its first name, the
highest), so renaming a level changes no criterion."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import BureauLevel
from core.policy import register
from core.policy_fields import Choice, Number, Percent, Table, Whole

MAX_LEVELS = 6  # grading_levels allows more, but no bureau grades more than a handful


def rank_label(rank: int):
    if rank == 1:
        return format_lazy(_("Level rank {n} (highest)"), n=rank)
    return format_lazy(_("Level rank {n}"), n=rank)


RANKS = [(str(rank), rank_label(rank)) for rank in range(1, MAX_LEVELS + 1)]

# The per-level columns: (name, spec, direction). A higher level must ask at least as
# much as a lower one: "min" columns may not fall, "max" columns may not rise.
CRITERIA_COLUMNS = (
    ("graded_by", Choice(_("Graded by"), choices=BureauLevel), None),
    ("quota", Percent(_("Share of mediators, at most")), None),
    ("years", Whole(_("Years of service, at least"), min_value=0, max_value=50), "min"),
    (
        "cases",
        Whole(_("Cases in the look-back window, at least"), min_value=0, max_value=10000),
        "min",
    ),
    ("success_rate", Percent(_("Success rate, at least")), "min"),
    ("oral_share", Percent(_("Oral agreements, at most")), "max"),
    (
        "difficult",
        Whole(_("Difficult and complex cases, at least"), min_value=0, max_value=1000),
        "min",
    ),
    (
        "training_hours",
        Number(_("Training hours, at least"), min_value=0, max_value=1000, places=1),
        "min",
    ),
    (
        "satisfaction",
        Number(_("Average satisfaction, at least (0 to 5)"), min_value=0, max_value=5, places=1),
        "min",
    ),
)


def _check_criteria(values):
    """Levels used from the first rank without gaps; a higher level asks at least as
    much as the next lower one; no county grades a level above one the city grades;
    the quotas add up to at most 100 %."""
    levels = values["levels"]
    used = sorted(int(key) for key in levels)
    labels = dict(RANKS)
    errors = []
    if used != list(range(1, len(used) + 1)):
        errors.append(_("Fill in the levels from the first rank down, without leaving a gap."))
    specs = {name: (spec, direction) for name, spec, direction in CRITERIA_COLUMNS}
    for rank in used:
        lower = levels.get(str(rank + 1))
        if lower is None:
            continue
        higher = levels[str(rank)]
        for name, (spec, direction) in specs.items():
            if direction == "min" and higher[name] < lower[name]:
                errors.append(
                    _("%(higher)s asks less than %(lower)s for “%(column)s”.")
                    % {
                        "higher": labels[str(rank)],
                        "lower": labels[str(rank + 1)],
                        "column": spec.label,
                    }
                )
            if direction == "max" and higher[name] > lower[name]:
                errors.append(
                    _("%(higher)s allows more than %(lower)s for “%(column)s”.")
                    % {
                        "higher": labels[str(rank)],
                        "lower": labels[str(rank + 1)],
                        "column": spec.label,
                    }
                )
        if higher["graded_by"] == BureauLevel.COUNTY and lower["graded_by"] == BureauLevel.CITY:
            errors.append(
                _(
                    "%(higher)s is graded by the county while the lower %(lower)s is "
                    "graded by the city."
                )
                % {"higher": labels[str(rank)], "lower": labels[str(rank + 1)]}
            )
    if sum(Decimal(str(row["quota"])) for row in levels.values()) > 1:
        errors.append(_("The shares of all levels add up to more than 100%."))
    if errors:
        raise ValidationError({"levels": errors})


register(
    "grading_criteria",
    label=_("Grading criteria per level"),
    help_text=_(
        "One row per level, in the order of the grading levels rule (rank 1 is its first "
        "name). Leave the rows of ranks you do not use empty. Cases, success rate and the "
        "share of oral agreements count the cases the mediator led and closed in the "
        "look-back window."
    ),
    fields={
        "levels": Table(
            rows=RANKS,
            row_label=pgettext_lazy("mediator grade", "Level"),
            columns=tuple((name, spec) for name, spec, _direction in CRITERIA_COLUMNS),
        )
    },
    # Seed 003's four levels; the lowest is Guangdong's published example (≥2 years,
    # ≥50 cases, oral agreements ≤30 %, success ≥85 %); the city grades levels one and
    # two, the counties three and four; top level ≤5 %, second ≤15 % (DOMAIN.md).
    default={
        "1": {
            "graded_by": "city",
            "quota": 0.05,
            "years": 8,
            "cases": 150,
            "success_rate": 0.95,
            "oral_share": 0.1,
            "difficult": 10,
            "training_hours": 48.0,
            "satisfaction": 4.5,
        },
        "2": {
            "graded_by": "city",
            "quota": 0.15,
            "years": 5,
            "cases": 100,
            "success_rate": 0.92,
            "oral_share": 0.2,
            "difficult": 5,
            "training_hours": 32.0,
            "satisfaction": 4.2,
        },
        "3": {
            "graded_by": "county",
            "quota": 0.3,
            "years": 3,
            "cases": 70,
            "success_rate": 0.88,
            "oral_share": 0.25,
            "difficult": 2,
            "training_hours": 24.0,
            "satisfaction": 4.0,
        },
        "4": {
            "graded_by": "county",
            "quota": 0.5,
            "years": 2,
            "cases": 50,
            "success_rate": 0.85,
            "oral_share": 0.3,
            "difficult": 0,
            "training_hours": 16.0,
            "satisfaction": 0.0,
        },
    },
    sentence=_("Per level: %(levels)s"),
    clean=_check_criteria,
)
register(
    "grading_schedule",
    label=_("Grading rounds"),
    help_text=_("Who may apply, what counts and how long the public notice lasts."),
    fields={
        "min_service_years": Whole(
            _("Years on the roster to apply, at least"), min_value=0, max_value=10
        ),
        "lookback_years": Whole(_("Look-back window (years)"), min_value=1, max_value=5),
        "notice_days": Whole(_("Public notice (days)"), min_value=1, max_value=60),
        "cycle_years": Whole(_("A round every (years)"), min_value=1, max_value=5),
    },
    default={"min_service_years": 1, "lookback_years": 2, "notice_days": 7, "cycle_years": 2},
    sentence=_(
        "Mediators on the roster for at least %(min_service_years)s year(s) may apply; "
        "cases of the last %(lookback_years)s year(s) count; the notice lasts "
        "%(notice_days)s days; a round every %(cycle_years)s year(s)"
    ),
)
register(
    "grading_disqualifiers",
    label=_("Grading disqualifiers"),
    help_text=_(
        "A founded complaint or a sanction, or a dispute that turned criminal through "
        "improper mediation, within these years before the cut-off bars every level."
    ),
    fields={
        "complaint_years": Whole(
            _("Founded complaint or sanction within (years)"), min_value=0, max_value=10
        ),
        "criminal_years": Whole(
            _("Dispute turned criminal within (years)"), min_value=0, max_value=10
        ),
    },
    default={"complaint_years": 2, "criminal_years": 3},
    sentence=_(
        "No level for a founded complaint or sanction in the last %(complaint_years)s "
        "year(s), nor for a dispute turned criminal in the last %(criminal_years)s year(s)"
    ),
)
register(
    "grading_target",
    label=_("Grading target"),
    help_text=_("How many mediators the bureau aims to have at a level or above."),
    fields={
        "rank": Choice(_("At this level or above"), choices=RANKS),
        "count": Whole(_("Mediators, at least"), min_value=0, max_value=1000000),
    },
    default={"rank": "2", "count": 160},  # seed 000: ≥160 at level two or above
    sentence=_("Target: at least %(count)s mediators at %(rank)s or above"),
)
