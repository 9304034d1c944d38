"""The budget list's filters, shared by the page and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from core.filtersets import MonthFilter, TenantFilterSet, YearFilter
from registry.models.choices import PaidBy
from subsidies import budgets
from subsidies.models import Settlement, SettlementStatus
from subsidies.models.budget import Budget, Fund


class BudgetFilterSet(TenantFilterSet):
    year = YearFilter(field_name="year", label=_("Year"))
    fund = django_filters.ChoiceFilter(choices=Fund.choices, label=_("Fund"))
    payer = django_filters.ChoiceFilter(choices=PaidBy.choices, label=_("Paid by"))
    at_risk = django_filters.BooleanFilter(
        method="filter_at_risk", label=_("Overspent or forecast to overspend")
    )

    class Meta:
        model = Budget
        fields = ["year", "fund", "payer", "at_risk"]

    def filter_at_risk(self, queryset, name, value):
        """Read from the settlements (two grouped queries), not stored."""
        risky = {s.budget.pk for s in budgets.statuses(queryset) if s.at_risk}
        return queryset.filter(pk__in=risky) if value else queryset.exclude(pk__in=risky)


class PaymentFilterSet(TenantFilterSet):
    """Finance's queue of settlements: approved ones to export, exported ones to pay
    (the default), or any status."""

    status = django_filters.MultipleChoiceFilter(
        choices=SettlementStatus.choices, label=_("Status")
    )
    month = MonthFilter(field_name="month", label=_("Month"))

    class Meta:
        model = Settlement
        fields = ["status", "month"]
