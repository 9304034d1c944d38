"""The roster's rules, registered in core.policy so bureaus set them like the others
(a county inherits its city's unless it sets its own)."""

from django.utils.translation import gettext_lazy as _

from core.policy import register
from core.policy_fields import Mapping, Whole
from registry.models.choices import CommitteeType

register(
    "staffing_standard",
    label=_("Staffing standard (full-time mediators per committee type)"),
    help_text=_("Minimum full-time mediators for each committee type."),
    fields={
        "standard": Mapping(
            keys=CommitteeType,
            key_label=_("Committee type"),
            values=Whole(_("Full-time mediators, at least"), min_value=0, max_value=99),
        )
    },
    # Seed 000's "332": county-level 3, industry/professional 3, township/street 2.
    default={
        "county": 3,
        "township": 2,
        "village": 0,
        "industry": 3,
        "enterprise": 0,
        "dispatched": 0,
        "named": 0,
    },
    sentence=_("Each committee has at least these full-time mediators: %(standard)s"),
)
register(
    "training_min_sessions",
    label=_("Minimum training sessions per year"),
    help_text=_("Mediators with fewer sessions in a year are flagged."),
    fields={"sessions": Whole(min_value=1, max_value=52)},
    default=2,  # seed 001
    sentence=_("Mediators attend at least %(sessions)s training sessions a year"),
)
register(
    "term_years",
    label=_("Committee term (years)"),
    help_text=_("Length of a committee member's term."),
    fields={"years": Whole(min_value=1, max_value=10)},
    default=3,  # seed 003: 每届任期三年
    sentence=_("A committee's term lasts %(years)s years"),
)
register(
    "term_warning_days",
    label=_("Warn before a term ends (days)"),
    help_text=_("Days before the end of a term when a warning is raised."),
    fields={"days": Whole(min_value=1, max_value=365)},
    default=60,
    sentence=_("Terms ending within %(days)s days are warned about"),
)
