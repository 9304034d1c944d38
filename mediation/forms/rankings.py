"""Forms of the ranking pages and the FilterSets their pages and the API share."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from core.filtersets import PickerFilter, TenantFilterSet, YearFilter
from core.inputs import Form, YearField
from core.picker_fields import PickerField
from mediation import ranking
from mediation.models import QuarterlyTarget, RankingSnapshot
from mediation.models.choices import Quarter, SnapshotStatus

ALL = "all"


class RankingSnapshotFilterSet(TenantFilterSet):
    """Published snapshots (the 季通报) unless a status is asked for."""

    status = django_filters.ChoiceFilter(
        choices=[*SnapshotStatus.choices, (ALL, _("All"))],
        method="filter_status",
        label=_("Status"),
        empty_label=_("Published (default)"),
    )
    year = YearFilter(label=_("Year"))
    quarter = django_filters.ChoiceFilter(choices=Quarter.choices, label=_("Quarter"))

    class Meta:
        model = RankingSnapshot
        fields = ["bureau", "year", "quarter", "status"]

    def filter_status(self, queryset, name, value):
        return queryset if value == ALL else queryset.filter(status=value)

    def filter_queryset(self, queryset):
        if not self.form.cleaned_data.get("status"):
            queryset = queryset.filter(status=SnapshotStatus.PUBLISHED)
        return super().filter_queryset(queryset)


class QuarterlyTargetFilterSet(TenantFilterSet):
    year = YearFilter(label=_("Year"))
    quarter = django_filters.ChoiceFilter(choices=Quarter.choices, label=_("Quarter"))
    mediator = PickerFilter("mediator", label=_("Mediator"))

    class Meta:
        model = QuarterlyTarget
        fields = ["year", "quarter", "mediator"]


class QuarterField(forms.TypedChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=Quarter.choices, coerce=int, label=_("Quarter"), **kwargs)


class RankingRunForm(Form):
    year = YearField(label=_("Year"), min_value=2000)
    quarter = QuarterField()

    def clean(self):
        data = super().clean()
        if "year" in data and "quarter" in data:
            ranking.check_quarter(data["year"], data["quarter"])
        return data


class QuarterlyTargetForm(Form):
    """Set (or change) a mediator's target for a quarter; the mediator is picked by
    name inside the jurisdiction (core.pickers)."""

    mediator = PickerField("mediator", label=_("Mediator"))
    year = YearField(label=_("Year"), min_value=2000)
    quarter = QuarterField()
    target = forms.IntegerField(label=_("Target (cases)"), min_value=0, max_value=100_000)
