"""The public roster's bureau rules."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.policy import register


def _months(value):
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 12:
        raise ValidationError(_("Enter a number of months from 0 to 12."))
    return value


def _yes_no(value):
    if not isinstance(value, bool):
        raise ValidationError(_("Enter true or false."))
    return value


register(
    "roster_publication_months",
    _("Roster publication interval (months)"),
    1,
    _("How often the public roster is republished on schedule; 0 publishes only on demand."),
    _months,
)
register(
    "roster_full_time_only",
    _("Publish full-time mediators only"),
    False,
    _("Whether the public roster lists only full-time mediators (else every serving mediator)."),
    _yes_no,
)
