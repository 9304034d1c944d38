"""FilterSets of subsidies, shared by the staff pages and the API."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from core.filtersets import PickerFilter, TenantFilterSet
from mediation.models import Case
from registry.models.choices import PaidBy
from subsidies.models import (
    CaseReview,
    ReviewDecision,
    Settlement,
    SettlementLine,
    SettlementStatus,
    SubsidyRuleVersion,
)


class RuleVersionFilterSet(TenantFilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="contains", label=_("Name"))
    in_force_on = django_filters.DateFilter(
        method="filter_in_force",
        label=_("In force on"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = SubsidyRuleVersion
        fields = ["q", "in_force_on"]

    def filter_in_force(self, queryset, name, value):
        return queryset.filter(effective_from__lte=value).exclude(effective_to__lt=value)


class CaseReviewFilterSet(TenantFilterSet):
    decision = django_filters.ChoiceFilter(choices=ReviewDecision.choices, label=_("Decision"))
    min_score = django_filters.NumberFilter(
        field_name="score", lookup_expr="gte", label=_("Score at least")
    )
    committee = PickerFilter("committee", field_name="case__committee", label=_("Committee"))

    class Meta:
        model = CaseReview
        fields = ["decision", "min_score", "committee"]


class SettlementFilterSet(TenantFilterSet):
    status = django_filters.ChoiceFilter(choices=SettlementStatus.choices, label=_("Status"))
    year = django_filters.NumberFilter(
        field_name="month__year", label=_("Year"), min_value=2000, max_value=2100
    )

    class Meta:
        model = Settlement
        fields = ["status", "year"]


class SettlementLineFilterSet(TenantFilterSet):
    payer = django_filters.ChoiceFilter(choices=PaidBy.choices, label=_("Payer"))
    mediator = PickerFilter("mediator", label=_("Mediator"))
    blocked = django_filters.BooleanFilter(
        method="filter_blocked", label=_("Blocked (no bank account)")
    )

    class Meta:
        model = SettlementLine
        fields = ["payer", "mediator", "blocked"]

    def filter_blocked(self, queryset, name, value):
        return queryset.exclude(blocked="") if value else queryset.filter(blocked="")


class QueueFilterSet(TenantFilterSet):
    committee = PickerFilter("committee", label=_("Committee"))
    flagged = django_filters.BooleanFilter(field_name="flagged", label=_("Open anomaly flags"))

    class Meta:
        model = Case
        fields = ["committee", "flagged"]
