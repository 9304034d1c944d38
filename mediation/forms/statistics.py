"""The statistics filter: the period (default: this year so far) and where to look
(an area of the jurisdiction, or one committee for its mediators). The page, its
workbook and the API read the same form."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from core.inputs import Form
from core.picker_fields import PickerField, RegionPickerField


class StatisticsForm(Form):
    area = RegionPickerField(label=_("Area"), required=False)
    own = forms.BooleanField(label="", required=False, widget=forms.HiddenInput)
    committee = PickerField("committee", label=_("Committee"), required=False)

    def __init__(self, *args, api=False, **kwargs):
        super().__init__(*args, **kwargs)
        # The API also takes a committee's id, as it always has; pages never do.
        self.fields["committee"].accept_ids = api
        # "from" and "to" are the query parameters; Python cannot declare them.
        date = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
        self.fields = {
            "from": forms.DateField(label=_("From"), required=False, widget=date),
            "to": forms.DateField(label=_("To"), required=False, widget=date),
            **self.fields,
        }

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
            "area": cleaned["area"].code if cleaned.get("area") else "",
            "own": bool(cleaned.get("own")),
            "committee": cleaned.get("committee"),
        }
