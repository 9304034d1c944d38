"""The cases part's rules, registered in core.policy so bureaus set them like the
others (a county inherits its city's unless it sets its own)."""

from django.utils.translation import gettext_lazy as _

from core.policy import register
from core.policy_fields import Number, Percent, Ranked, Whole
from mediation.models.choices import RankingCriterion

register(
    "ranking_criteria",
    label=_("Ranking criteria"),
    help_text=_(
        "What the quarterly ranking orders full-time mediators by, most important first; "
        "leave a position empty to use fewer criteria."
    ),
    fields={"criteria": Ranked(_("Criteria, most important first"), choices=RankingCriterion)},
    default=["successes", "success_rate", "satisfaction"],  # seed 004
    sentence=_("The quarterly ranking orders mediators by, in turn: %(criteria)s"),
)
register(
    "ranking_target_share",
    label=_("Quarterly target (share of the committee's case trend)"),
    help_text=_(
        "Without a target set by the bureau, a mediator's quarterly target is this share "
        "of their committee's cases per full-time mediator in the same quarter last year."
    ),
    fields={"share": Percent(min_value=1, max_value=1000, places=0)},
    default=1.0,
    sentence=_(
        "Without a set target, a mediator's quarterly target is %(share)s of the "
        "committee's cases per full-time mediator in the same quarter last year"
    ),
)
register(
    "case_close_days",
    label=_("Time to close a case (days)"),
    help_text=_(
        "An open case received longer ago than this is overdue: the dashboard and the "
        "case list show it in red."
    ),
    fields={"days": Whole(min_value=1, max_value=365)},
    # 《人民调解工作若干规定》第三十四条: a dispute is generally settled within a month.
    default=30,
    sentence=_("A case is closed within %(days)s days of being received"),
)
register(
    "zero_report_deadline_day",
    label=_("Monthly report deadline (day of the next month)"),
    help_text=_("By this day a committee has filed its month's cases or a zero report."),
    # At most the 28th, so the day exists in every month.
    fields={"day": Whole(min_value=1, max_value=28)},
    default=5,
    sentence=_("Committees file last month's cases or a zero report by day %(day)s of the month"),
)
register(
    "anomaly_repeat_parties",
    label=_("Flag a party name seen in this many cases (90 days)"),
    help_text=_("The same party name across this many cases of a committee within 90 days."),
    fields={"cases": Whole(min_value=2, max_value=100)},
    default=3,
    sentence=_("A party name in %(cases)s or more cases of a committee within 90 days is flagged"),
)
register(
    "anomaly_month_end_share",
    label=_("Flag month-end bunching above this share"),
    help_text=_("Share of a committee's month's filings received in its last three days."),
    fields={"share": Percent()},
    default=0.5,
    sentence=_(
        "A committee receiving over %(share)s of a month's cases in its last three days is flagged"
    ),
)
register(
    "anomaly_summary_similarity",
    label=_("Flag summaries at least this similar"),
    help_text=_("Similarity above which two summaries of a committee count as near-identical."),
    fields={"similarity": Percent()},
    default=0.9,
    sentence=_("Two case summaries of a committee at least %(similarity)s alike are flagged"),
)
register(
    "anomaly_oral_factor",
    label=_("Flag oral agreements above this multiple of the bureau's norm"),
    help_text=_("A committee's share of oral agreements compared with the bureau's as a whole."),
    fields={"factor": Number(_("Times the bureau's share"), min_value=1, max_value=100)},
    default=2.0,
    sentence=_(
        "A committee whose share of oral agreements is over %(factor)s times the bureau's "
        "is flagged"
    ),
)
