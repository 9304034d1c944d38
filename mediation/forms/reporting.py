"""Forms of monthly reporting: filing a zero report, choosing the month of the
unreported list, reviewing an anomaly flag."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from registry.models import Committee, CommitteeStatus

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
    committee = forms.CharField(label=_("Committee code"), max_length=40)
    month = MonthField(label=_("Month"))

    def clean_committee(self):
        code = self.cleaned_data["committee"].strip()
        # The scoped manager: a committee outside the jurisdiction is not found.
        committee = Committee.objects.filter(code=code, status=CommitteeStatus.ACTIVE).first()
        if committee is None:
            raise ValidationError(_("No active committee with this code in your jurisdiction."))
        return committee


class MonthForm(forms.Form):
    month = MonthField(label=_("Month"), required=False)
    upcoming = forms.BooleanField(
        label=_("Also those whose deadline has not passed"), required=False
    )


class FlagReviewForm(forms.Form):
    note = forms.CharField(label=_("Review note"), max_length=300, widget=forms.Textarea)
