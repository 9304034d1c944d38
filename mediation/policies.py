"""The cases part's rules, registered in core.policy so bureaus set them like the
others (a county inherits its city's unless it sets its own)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.policy import register, validate_positive_int, validate_rate
from mediation.models.choices import RankingCriterion


def _criteria(value):
    if (
        not isinstance(value, list)
        or not value
        or len(set(value)) != len(value)
        or not set(value) <= set(RankingCriterion.values)
    ):
        # The rule is stored by the criteria's names; the labels say what each is.
        names = ", ".join(f"{c.value} ({c.label})" for c in RankingCriterion)
        raise ValidationError(
            _("List the ranking criteria in order, from: %(names)s.") % {"names": names}
        )
    return value


def _factor(value):
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise ValidationError(_("Enter a number greater than 0."))
    return float(value)


register(
    "ranking_criteria",
    _("Ranking criteria"),
    ["successes", "success_rate", "satisfaction"],  # seed 004
    _("What the quarterly ranking orders full-time mediators by, most important first."),
    _criteria,
)
register(
    "ranking_target_share",
    _("Quarterly target (share of the committee's case trend)"),
    1.0,
    _(
        "Without a target set by the bureau, a mediator's quarterly target is this share "
        "of their committee's cases per full-time mediator in the same quarter last year."
    ),
    _factor,
)
register(
    "zero_report_deadline_day",
    _("Monthly report deadline (day of the next month)"),
    5,
    _("By this day a committee has filed its month's cases or a zero report."),
    validate_positive_int,
)
register(
    "anomaly_repeat_parties",
    _("Flag a party name seen in this many cases (90 days)"),
    3,
    _("The same party name across this many cases of a committee within 90 days."),
    validate_positive_int,
)
register(
    "anomaly_month_end_share",
    _("Flag month-end bunching above this share"),
    0.5,
    _("Share of a committee's month's filings received in its last three days."),
    validate_rate,
)
register(
    "anomaly_summary_similarity",
    _("Flag summaries at least this similar"),
    0.9,
    _("Similarity (0–1) above which two summaries of a committee count as near-identical."),
    validate_rate,
)
register(
    "anomaly_oral_factor",
    _("Flag oral agreements above this multiple of the bureau's norm"),
    2.0,
    _("A committee's share of oral agreements compared with the bureau's as a whole."),
    _factor,
)
