"""API of budgets (``/api/v1/budgets/``): a bureau's budgets per year and fund with
what has been spent, what drafts would add and the forecast to December, read from
the settlements. A budget is created for the caller's own bureau (``bureau`` must
name it); afterwards only its amount and note change."""

from decimal import Decimal

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.serializers import TenantModelSerializer
from core.api.viewsets import TenantModelViewSet
from subsidies import budgets
from subsidies.finance_filtersets import BudgetFilterSet
from subsidies.finance_views import BUDGET_WRITERS
from subsidies.models.budget import Budget


def _money(name, help_text):
    """A read-only amount of the budget's status, as a decimal string."""

    # Described as DRF describes a money field: a decimal string.
    @extend_schema_field(serializers.DecimalField(max_digits=12, decimal_places=2))
    def get(self, budget) -> str:
        return f"{Decimal(getattr(self._status(budget), name)):.2f}"

    field = serializers.SerializerMethodField(help_text=help_text)
    return field, get


class BudgetSerializer(TenantModelSerializer):
    spent, get_spent = _money(
        "spent", "Committed: lines of approved, exported and paid settlements."
    )
    pending, get_pending = _money("pending", "What draft and reviewed settlements would add.")
    remaining, get_remaining = _money("remaining", "The amount less what is committed.")
    forecast, get_forecast = _money(
        "forecast", "Spending by December at the average of the months settled."
    )
    at_risk = serializers.SerializerMethodField(
        help_text="Overspent, or forecast to overspend by December."
    )

    class Meta:
        model = Budget
        fields = [
            "id",
            "bureau",
            "year",
            "fund",
            "payer",
            "amount",
            "note",
            "spent",
            "pending",
            "remaining",
            "forecast",
            "at_risk",
            "region",
            "created_at",
        ]
        read_only_fields = ["region", "created_at"]

    def _status(self, budget):
        known = self.context.setdefault("statuses", {})
        if budget.pk not in known:
            known[budget.pk] = budgets.status(budget)
        return known[budget.pk]

    def get_at_risk(self, budget) -> bool:
        return self._status(budget).at_risk

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None and not isinstance(self.instance, list):
            for name in ("bureau", "year", "fund", "payer"):
                fields[name].read_only = True
        return fields

    def validate_bureau(self, bureau):
        role = getattr(self.context.get("request"), "active_role", None)
        if role is None or role.home_bureau.pk != bureau.pk:
            raise serializers.ValidationError(_("A bureau's budgets are kept by its own staff."))
        return bureau

    def create(self, validated_data):
        return super().create({**validated_data, "region": validated_data["bureau"].region})


class BudgetViewSet(TenantModelViewSet):
    """Budgets of the jurisdiction's bureaus, with spending read from the settlements."""

    queryset = Budget.objects.select_related("bureau")
    serializer_class = BudgetSerializer
    filterset_class = BudgetFilterSet
    ordering_fields = ["id", "year", "amount"]
    ordering = ["-year", "fund", "id"]
    http_method_names = ["get", "post", "patch", "put", "head", "options"]
    write_roles = BUDGET_WRITERS

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        if page is not None and self.action == "list":
            self._statuses = {s.budget.pk: s for s in budgets.statuses(page)}
        return page

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "statuses": getattr(self, "_statuses", {})}
