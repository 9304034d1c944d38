"""Forms of monthly reporting: filing a zero report, choosing the month of the
unreported list, reviewing an anomaly flag."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.inputs import Form, MonthField
from registry.forms.mediators import CommitteeChoiceField


class ZeroReportForm(Form):
    committee = CommitteeChoiceField(label=_("Committee"))
    month = MonthField(label=_("Month"))


class MonthForm(Form):
    month = MonthField(label=_("Month"), required=False)
    upcoming = forms.BooleanField(
        label=_("Also those whose deadline has not passed"), required=False
    )


class FlagReviewForm(Form):
    note = forms.CharField(label=_("Review note"), max_length=300, widget=forms.Textarea)
