"""Honours rules, registered in core.policy so a bureau sets them like the others (a
county inherits its city's unless it sets its own): how the panel's scores make a
nominee's result, and how large a panel must be before judging starts."""

from django.utils.translation import gettext_lazy as _

from core.policy import register
from core.policy_fields import Choice, Whole
from honours.models import ResultMethod

register(
    "honours_scoring",
    label=_("Honours: the panel and its scores"),
    help_text=_(
        "How a nominee's result is made from the panel members' scores, and how many "
        "members a panel needs before it judges (seed 004: the bureau forms a panel)."
    ),
    fields={
        "method": Choice(_("Result"), choices=ResultMethod),
        "min_panel": Whole(_("Panel members, at least"), min_value=1, max_value=30),
    },
    default={"method": ResultMethod.AVERAGE, "min_panel": 3},
    sentence=_("Result: %(method)s; a panel has at least %(min_panel)s member(s)"),
)
