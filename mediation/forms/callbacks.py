"""Callback forms: recording a call, the on-demand draw of a month, and the queue's
FilterSet (shared by the page and the API)."""

import datetime
import re

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from core.filtersets import TenantFilterSet
from core.forms import DATE_WIDGET
from core.models import Bureau
from core.models.bureaus import BureauLevel
from mediation.callbacks import next_month
from mediation.models import Callback

MONTH_PATTERN = re.compile(r"^(\d{4})-(\d{2})$")
PENDING, DONE = "pending", "done"


class CallbackForm(forms.ModelForm):
    """The call as recorded; the model's clean() gives the rules (satisfaction 1–5,
    not before the case)."""

    class Meta:
        model = Callback
        fields = ["called_on", "satisfaction", "fulfilled", "notes"]
        widgets = {
            "called_on": DATE_WIDGET,
            "fulfilled": forms.NullBooleanSelect,
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["called_on"].required = True
        self.fields["satisfaction"].required = True
        self.fields["satisfaction"].widget.attrs.update(min=1, max=5)
        if not self.instance.called_on:
            self.initial.setdefault("called_on", datetime.date.today())


class DrawForm(forms.Form):
    month = forms.DateField(
        label=_("Month"),
        input_formats=["%Y-%m", "%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )

    def clean_month(self):
        month = self.cleaned_data["month"].replace(day=1)
        if next_month(month) > datetime.date.today():
            raise forms.ValidationError(_("Only a month that has ended can be drawn."))
        return month


@extend_schema_field(OpenApiTypes.STR)
class MonthFilter(django_filters.CharFilter):
    """A month as YYYY-MM: callbacks on cases closed in it."""

    def filter(self, queryset, value):
        if not value:
            return queryset
        match = MONTH_PATTERN.match(value.strip())
        if not match or not 1 <= int(match[2]) <= 12:
            return queryset.none()
        month = datetime.date(int(match[1]), int(match[2]), 1)
        return queryset.filter(case__closed_on__gte=month, case__closed_on__lt=next_month(month))


class CallbackFilterSet(TenantFilterSet):
    state = django_filters.ChoiceFilter(
        choices=[(PENDING, pgettext_lazy("callback", "Pending")), (DONE, _("Done"))],
        method="filter_state",
        label=_("State"),
    )
    bureau = django_filters.ModelChoiceFilter(
        field_name="case__bureau",
        queryset=Bureau.objects.filter(level=BureauLevel.COUNTY),
        label=_("Bureau"),
    )
    month = MonthFilter(label=_("Month closed (YYYY-MM)"))

    class Meta:
        model = Callback
        fields = ["state", "bureau", "month"]

    def filter_state(self, queryset, name, value):
        return queryset.filter(called_on__isnull=value == PENDING)
