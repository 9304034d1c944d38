"""Finance's part of the dashboard (its home page), registered by subsidies.web:
settlements waiting for finance (approved: to export; exported: to pay), the
budgets overspent or heading past their amount, and this year's spending against
the budget as a chart; the budgets and settlements among the links."""

import datetime
from decimal import Decimal

from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from core import dashboard
from core.dashboard import BUREAU_KINDS, DIRECTORS, FINANCE
from subsidies.models import SettlementStatus

BUDGET_READERS = FINANCE | DIRECTORS


def _budgets_at_risk(request) -> int:
    from subsidies import budgets
    from subsidies.models.budget import Budget

    year = datetime.date.today().year
    found = budgets.statuses(Budget.objects.filter(year=year))
    return sum(1 for status in found if status.at_risk)


def _spending_chart(request) -> dict:
    """This year's spending of the jurisdiction's bureaus (a city's counties
    included), every fund, against the sum of their budgets that cover every payer."""
    from subsidies import budgets
    from subsidies.models import Settlement
    from subsidies.models.budget import Budget

    year = datetime.date.today().year
    bureau_ids = set(
        Settlement.objects.filter(month__year=year).values_list("bureau_id", flat=True)
    )
    spent = [Decimal("0.00")] * 12
    for (_bureau, _payer, _year, number), funds in budgets.monthly(bureau_ids, year).items():
        spent[number - 1] += sum(funds.values(), Decimal("0.00"))
    total = Budget.objects.filter(year=year, payer="").aggregate(total=Sum("amount"))["total"]
    return budgets.spending_chart(spent, total or Decimal("0.00"))


def register():
    dashboard.register(
        "subsidies_to_export",
        _("Approved settlements to export"),
        "subsidies_finance:payment_list",
        roles=FINANCE | BUREAU_KINDS,
        order=80,
        query=f"status={SettlementStatus.APPROVED}",
    )
    dashboard.register(
        "subsidies_to_pay",
        _("Exported settlements to record as paid"),
        "subsidies_finance:payment_list",
        roles=FINANCE,
        order=81,
        query=f"status={SettlementStatus.EXPORTED}",
    )
    dashboard.register(
        "subsidies_budgets_at_risk",
        _("Budgets overspent or forecast to overspend"),
        "subsidies_finance:budget_list",
        roles=BUDGET_READERS,
        order=82,
        query=lambda request: f"year={datetime.date.today().year}&at_risk=true",
        count=_budgets_at_risk,
        alert=True,
    )
    dashboard.register_chart(
        "budget-chart",
        _("Subsidy spending this year against the budget"),
        _spending_chart,
        roles=BUDGET_READERS,
        order=60,
        url_name="subsidies_finance:budget_list",
    )
    dashboard.register_link(
        _("Subsidy budgets"), "subsidies_finance:budget_list", roles=FINANCE, order=5
    )
    dashboard.register_link(
        _("Settlements waiting for finance"),
        "subsidies_finance:payment_list",
        roles=FINANCE,
        order=6,
        help_text=_("Download each month's finance workbook per payer."),
    )
