"""Annual evaluation rules, registered in core.policy so bureaus set them like the
others (a county inherits its city's unless it sets its own): how the score is
weighted, where the grade bands lie (with the cap on the 优秀 share), and who becomes a
non-renewal candidate against the bureau's turnover target (seed 004)."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.policy import register
from core.policy_fields import Mapping, Number, Percent, Whole

# The evaluation's components, in the order the sheet shows them (seed 000: success
# rate, agreement fulfilment, satisfaction and training; seed 004: cases against
# targets, attendance; complaints from the integrity work).
COMPONENTS = (
    ("cases", _("Cases")),
    ("success_rate", _("Success rate")),
    ("fulfilment", _("Agreement fulfilment rate")),
    ("satisfaction", _("Callback satisfaction")),
    ("training", _("Training")),
    ("attendance", _("Attendance")),
    ("complaints", _("Founded complaints")),
)

# Civil-service practice caps the Excellent (优秀) grade at 15 % of those assessed, 20 % at most;
# a bureau may set less, never more.
MAX_EXCELLENT_SHARE = Decimal("0.2")


def _check_weights(values):
    total = sum(Decimal(str(weight)) for weight in values["weights"].values())
    if total != 1:
        raise ValidationError(
            {
                "weights": _("The weights add up to %(total)s%%; they must add up to 100%%.")
                % {"total": format((total * 100).normalize(), "f")}
            }
        )


register(
    "evaluation_weights",
    label=_("Annual evaluation: weights"),
    help_text=_(
        "How much each component counts in the score out of 100. Each component scores "
        "0 to 100: cases against the annual number for full marks, the success and "
        "fulfilment rates, satisfaction out of 5, training hours against the hours for "
        "full marks, days present against the working days of the months reported less "
        "approved leave, "
        "and 100 less the deduction per founded complaint. A component without any "
        "record (no callback, no attendance report) is left out and the others count "
        "in proportion."
    ),
    fields={
        "weights": Mapping(
            _("Weights"),
            keys=COMPONENTS,
            key_label=_("Component"),
            values=Percent(_("Weight")),
            missing=None,
        ),
        "cases_full": Whole(_("Cases a year for full marks"), min_value=1, max_value=10000),
        "training_full": Number(
            _("Training hours a year for full marks"), min_value=1, max_value=1000, places=1
        ),
        "workdays": Whole(_("Working days a month"), min_value=1, max_value=31),
        "complaint_deduction": Whole(
            _("Points deducted per founded complaint"), min_value=0, max_value=100
        ),
    },
    default={
        "weights": {
            "cases": 0.2,
            "success_rate": 0.2,
            "fulfilment": 0.15,
            "satisfaction": 0.15,
            "training": 0.1,
            "attendance": 0.1,
            "complaints": 0.1,
        },
        "cases_full": 12,
        "training_full": 16.0,
        "workdays": 21,
        "complaint_deduction": 50,
    },
    sentence=_(
        "Weights: %(weights)s Full marks at %(cases_full)s cases and %(training_full)s "
        "training hours a year; %(workdays)s working days a month; %(complaint_deduction)s "
        "points off per founded complaint"
    ),
    clean=_check_weights,
)


def _check_grades(values):
    errors = {}
    if not values["excellent"] > values["competent"] > values["basic"]:
        errors["competent"] = _(
            "The bands must fall: Excellent above Competent, Competent above Basically competent."
        )
    if Decimal(str(values["excellent_share"])) > MAX_EXCELLENT_SHARE:
        errors["excellent_share"] = _(
            "The share of Excellent may not exceed %(cap)s%% of those evaluated."
        ) % {"cap": int(MAX_EXCELLENT_SHARE * 100)}
    if errors:
        raise ValidationError(errors)


register(
    "evaluation_grades",
    label=_("Annual evaluation: grade bands"),
    help_text=_(
        "The lowest score of each grade; below the Basically competent band a mediator "
        "is Incompetent. Excellent goes to the best scores in the band, at most the "
        "share given of those evaluated (20% at most); the others in the band are Competent."
    ),
    fields={
        "excellent": Number(_("Excellent from (score)"), min_value=0, max_value=100, places=1),
        "competent": Number(_("Competent from (score)"), min_value=0, max_value=100, places=1),
        "basic": Number(
            _("Basically competent from (score)"), min_value=0, max_value=100, places=1
        ),
        "excellent_share": Percent(_("Share of Excellent, at most")),
    },
    default={"excellent": 90.0, "competent": 75.0, "basic": 60.0, "excellent_share": 0.15},
    sentence=_(
        "Excellent from %(excellent)s (at most %(excellent_share)s of those evaluated), "
        "Competent from %(competent)s, Basically competent from %(basic)s, Incompetent below"
    ),
    clean=_check_grades,
)
register(
    "evaluation_renewal",
    label=_("Annual evaluation: renewal and turnover"),
    help_text=_(
        "Non-renewal candidates are those graded Incompetent and those under their quarterly "
        "target in at least the given number of the year's published rankings; when "
        "they are fewer than the turnover target, the lowest scores follow (seed 004: "
        "at least 10% of full-time mediators replaced a year)."
    ),
    fields={
        "quarters_under": Whole(_("Quarters under target, at least"), min_value=1, max_value=4),
        "turnover": Percent(_("Annual turnover target, at least")),
    },
    default={"quarters_under": 2, "turnover": 0.1},
    sentence=_(
        "Candidates: graded Incompetent, or under target in %(quarters_under)s quarter(s) or "
        "more; turnover target %(turnover)s a year"
    ),
)
