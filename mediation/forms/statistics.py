"""The statistics filter: the period (default: this year so far) and where to look
(an area of the jurisdiction, or one committee for its mediators). The page, its
workbook and the API read the same form."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.inputs import Form
from core.regions import normalize_code
from registry.models import Committee


class StatisticsForm(Form):
    area = forms.CharField(label=_("Division code"), required=False, max_length=12)
    own = forms.BooleanField(label="", required=False, widget=forms.HiddenInput)
    committee = forms.IntegerField(label="", required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # "from" and "to" are the query parameters; Python cannot declare them.
        date = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
        self.fields = {
            "from": forms.DateField(label=_("From"), required=False, widget=date),
            "to": forms.DateField(label=_("To"), required=False, widget=date),
            **self.fields,
        }

    def clean_area(self):
        area = self.cleaned_data["area"]
        return normalize_code(area) if area else ""

    def clean_committee(self):
        pk = self.cleaned_data["committee"]
        if pk is None:
            return None
        # The scoped manager: a committee outside the jurisdiction is not found.
        committee = Committee.objects.filter(pk=pk).first()
        if committee is None:
            raise ValidationError(_("No such committee in your jurisdiction."))
        return committee

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("from"), cleaned.get("to")
        if start and end and end < start:
            self.add_error("to", _("The period ends before it starts."))
        return cleaned

    def filters(self) -> dict:
        """Arguments of statistics.compute; a bad value is dropped (its error stays
        on the form) so the page still answers."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        today = datetime.date.today()
        start = cleaned.get("from") or today.replace(month=1, day=1)
        end = cleaned.get("to") or max(today, start)
        if end < start:
            end = start
        return {
            "start": start,
            "end": end,
            "area": cleaned.get("area") or "",
            "own": bool(cleaned.get("own")),
            "committee": cleaned.get("committee"),
        }
