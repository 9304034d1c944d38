"""FilterSets of grading, shared by the staff pages, their workbooks and the API.

Levels are ranks into the bureau's own ``grading_levels`` (一级..四级, or 特级..三级),
so a level filter offers the names of the bureau whose jurisdiction is active."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from core.filtersets import PickerFilter, TenantFilterSet
from grading.models import (
    Application,
    ApplicationSource,
    ApplicationStatus,
    Eligibility,
    GradingRound,
    LevelChange,
    Objection,
    ObjectionStatus,
    RoundStatus,
)
from registry.filtersets import RankFilter

DATE_INPUT = {"attrs": {"type": "date"}, "format": "%Y-%m-%d"}
PASSES = "passes"
FAILS = "fails"


class RoundFilterSet(TenantFilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="contains", label=_("Name"))
    status = django_filters.ChoiceFilter(choices=RoundStatus.choices, label=_("Status"))

    class Meta:
        model = GradingRound
        fields = ["q", "status"]


class EligibilityFilterSet(TenantFilterSet):
    mediator = PickerFilter("mediator", label=_("Mediator"))
    committee = PickerFilter("committee", label=_("Committee"))
    qualified_rank = RankFilter(label=_("Highest level met"))
    met = django_filters.ChoiceFilter(
        choices=[(PASSES, _("Meets a level graded")), (FAILS, _("Meets no level graded"))],
        method="filter_met",
        label=_("Result"),
    )

    class Meta:
        model = Eligibility
        fields = ["mediator", "committee", "qualified_rank", "met"]

    def filter_met(self, queryset, name, value):
        return queryset.filter(qualified_rank__isnull=value == FAILS)


class ApplicationFilterSet(TenantFilterSet):
    round = django_filters.ModelChoiceFilter(
        queryset=GradingRound.objects.all(), label=_("Grading round")
    )
    status = django_filters.ChoiceFilter(choices=ApplicationStatus.choices, label=_("Status"))
    source = django_filters.ChoiceFilter(choices=ApplicationSource.choices, label=_("Source"))
    rank = RankFilter(label=_("Level applied for"))
    mediator = PickerFilter("mediator", label=_("Mediator"))

    class Meta:
        model = Application
        fields = ["round", "status", "source", "rank", "mediator"]


class NoticeFilterSet(TenantFilterSet):
    """The notice lists the approved applications only: no status or source to choose."""

    rank = RankFilter(label=_("Level applied for"))
    mediator = PickerFilter("mediator", label=_("Mediator"))

    class Meta:
        model = Application
        fields = ["rank", "mediator"]


class ObjectionFilterSet(TenantFilterSet):
    round = django_filters.ModelChoiceFilter(
        queryset=GradingRound.objects.all(), label=_("Grading round")
    )
    status = django_filters.ChoiceFilter(choices=ObjectionStatus.choices, label=_("Status"))
    mediator = PickerFilter("mediator", field_name="application__mediator", label=_("Mediator"))

    class Meta:
        model = Objection
        fields = ["round", "status", "mediator"]


class LevelChangeFilterSet(TenantFilterSet):
    mediator = PickerFilter("mediator", label=_("Mediator"))
    round = django_filters.ModelChoiceFilter(
        queryset=GradingRound.objects.all(), label=_("Grading round")
    )
    to_rank = RankFilter(label=_("New level"))
    effective_after = django_filters.DateFilter(
        field_name="effective_on",
        lookup_expr="gte",
        label=_("Effective from"),
        widget=forms.DateInput(**DATE_INPUT),
    )
    effective_before = django_filters.DateFilter(
        field_name="effective_on",
        lookup_expr="lte",
        label=_("Effective to"),
        widget=forms.DateInput(**DATE_INPUT),
    )

    class Meta:
        model = LevelChange
        fields = ["mediator", "round", "to_rank", "effective_after", "effective_before"]
