"""Forms of monthly reporting: filing a zero report, choosing the month of the
unreported list, reviewing an anomaly flag."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.inputs import Form, MonthField
from registry.models import Committee, CommitteeStatus


class ZeroReportForm(Form):
    committee = forms.CharField(label=_("Committee code"), max_length=40)
    month = MonthField(label=_("Month"))

    def clean_committee(self):
        code = self.cleaned_data["committee"].strip()
        # The scoped manager: a committee outside the jurisdiction is not found.
        committee = Committee.objects.filter(code=code, status=CommitteeStatus.ACTIVE).first()
        if committee is None:
            raise ValidationError(_("No active committee with this code in your jurisdiction."))
        return committee


class MonthForm(Form):
    month = MonthField(label=_("Month"), required=False)
    upcoming = forms.BooleanField(
        label=_("Also those whose deadline has not passed"), required=False
    )


class FlagReviewForm(Form):
    note = forms.CharField(label=_("Review note"), max_length=300, widget=forms.Textarea)
