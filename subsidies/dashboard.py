"""Finance's part of the dashboard (its home page), registered by subsidies.web:
settlements waiting for finance (approved: to export; exported: to pay), the
budgets overspent or heading past their amount, and this year's spending against
the budget as a chart; the budgets and settlements among the links."""

import datetime
from decimal import Decimal

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
    """This year's spending of the user's bureau, all funds, against its budgets."""
    from subsidies import budgets
    from subsidies.models.budget import Budget

    year = datetime.date.today().year
    bureau = request.active_role.home_bureau
    found = budgets.statuses(Budget.objects.filter(year=year, bureau=bureau, payer=""))
    months = budgets.monthly([bureau.pk], year)
    spent = [Decimal("0.00")] * 12
    for (_bureau, _payer, _year, number), funds in months.items():
        spent[number - 1] += sum(funds.values(), Decimal("0.00"))
    total = sum((status.budget.amount for status in found), Decimal("0.00"))
    return budgets.spending_chart(spent, total)


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
