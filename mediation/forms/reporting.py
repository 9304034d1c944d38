"""Forms of monthly reporting: filing a zero report, choosing the month of the
unreported list, reviewing an anomaly flag."""

from django import forms
from django.utils.translation import gettext_lazy as _

from registry.forms.mediators import CommitteeChoiceField

MONTH_FORMATS = ["%Y-%m", "%Y-%m-%d"]


class MonthField(forms.DateField):
    """A month (``2025-03``), cleaned to its first day."""

    widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")

    def __init__(self, **kwargs):
        super().__init__(input_formats=MONTH_FORMATS, **kwargs)

    def to_python(self, value):
        day = super().to_python(value)
        return day.replace(day=1) if day else day


class ZeroReportForm(forms.Form):
    committee = CommitteeChoiceField(label=_("Committee"))
    month = MonthField(label=_("Month"))


class MonthForm(forms.Form):
    month = MonthField(label=_("Month"), required=False)


class FlagReviewForm(forms.Form):
    note = forms.CharField(label=_("Review note"), max_length=300, widget=forms.Textarea)
