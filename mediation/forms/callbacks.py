"""Callback forms: recording a call, the on-demand draw of a month, and the queue's
FilterSet (shared by the page and the API)."""

import datetime

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.filtersets import MonthFilter, TenantFilterSet
from core.forms import DATE_WIDGET
from core.inputs import Form, ModelForm, MonthField
from core.models import Bureau
from core.models.bureaus import BureauLevel
from mediation.callbacks import next_month
from mediation.models import Callback

PENDING, DONE = "pending", "done"


class CallbackForm(ModelForm):
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


class DrawForm(Form):
    month = MonthField(label=_("Month"))

    def clean_month(self):
        month = self.cleaned_data["month"]
        if next_month(month) > datetime.date.today():
            raise forms.ValidationError(_("Only a month that has ended can be drawn."))
        return month


class ClosedInMonthFilter(MonthFilter):
    """A month as YYYY-MM: callbacks on cases closed in it."""

    def filter(self, queryset, value):
        if not value:
            return queryset
        return queryset.filter(case__closed_on__gte=value, case__closed_on__lt=next_month(value))


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
    month = ClosedInMonthFilter(label=_("Month closed (YYYY-MM)"))

    class Meta:
        model = Callback
        fields = ["state", "bureau", "month"]

    def filter_state(self, queryset, name, value):
        return queryset.filter(called_on__isnull=value == PENDING)
