"""The public roster's bureau rules."""

from django.utils.translation import gettext_lazy as _

from core.policy import register
from core.policy_fields import Flag, Whole


def _publication_sentence(values):
    if values["months"] == 0:
        return _("The public roster is republished only on demand")
    return _("The public roster is republished every %(months)s month(s)")


register(
    "roster_publication_months",
    label=_("Roster publication interval (months)"),
    help_text=_(
        "How often the public roster is republished on schedule; 0 publishes only on demand."
    ),
    fields={"months": Whole(min_value=0, max_value=12)},
    default=1,
    sentence=_publication_sentence,
)
register(
    "roster_full_time_only",
    label=_("Publish full-time mediators only"),
    help_text=_(
        "Whether the public roster lists only full-time mediators (else every serving mediator)."
    ),
    fields={
        "full_time_only": Flag(yes=_("only full-time mediators"), no=_("every serving mediator"))
    },
    default=False,
    sentence=_("The public roster lists %(full_time_only)s"),
)
