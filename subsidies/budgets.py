"""Budgets against spending: what each fund of a bureau's year has committed (the
lines of its approved, exported and paid settlements), what drafts would add, the
forecast to the year's end, the monthly chart, and the check a settlement passes
before approval (``check``): one that would take a fund past its budget is warned
and may only go on with a recorded reason (subsidies.workflow asks for it).

Spending is always read from the settlement lines, one grouped query per call, so
the budget pages and the API cannot drift from what was paid. The lines are read by
their settlement's bureau, whatever jurisdiction is active: the caller holds a
budget or a settlement of that bureau already (read through the scoped managers),
and a bureau's settlement pays mediators across its whole region. A line blocked
for want of a bank account is not paid, so it spends nothing. Which parts of a line
each fund pays:

- base subsidies: the posts' monthly base;
- the case fund: case subsidies less what the monthly cap held back, plus
  adjustments (corrections of earlier months are corrections of case counts);
- bonuses and awards: the quarterly performance bonus and special awards.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, Sum, Value
from django.db.models.functions import Coalesce, ExtractMonth, ExtractYear
from django.utils.translation import gettext as _

from core.policy_fields import format_money
from subsidies.models import LOCKED, SettlementLine, SettlementStatus
from subsidies.models.budget import Budget, Fund

ZERO = Decimal("0.00")
MONTHS = range(1, 13)
# Each fund's share of a line, as a database expression over its amounts.
FUND_AMOUNTS = {
    Fund.BASE: F("base"),
    Fund.CASE: F("case_amount") - F("capped") + F("adjustment"),
    Fund.BONUS: F("bonus") + F("award"),
}
# Settlements whose lines are committed: finance was asked to pay them.
COMMITTED = tuple(LOCKED)


def _sums() -> dict:
    # Aliases apart from the columns' names: an aggregate named like a column
    # would shadow it in the aggregates after it.
    return {
        f"fund_{fund}": Coalesce(Sum(expression), Value(ZERO))
        for fund, expression in FUND_AMOUNTS.items()
    }


def _funds(row) -> dict:
    return {fund: Decimal(row[f"fund_{fund}"]).quantize(ZERO) for fund in FUND_AMOUNTS}


def monthly(bureau_ids, years, statuses=COMMITTED, exclude_settlement=None) -> dict:
    """{(bureau id, payer, year, month number): {fund: amount}} of the lines of the
    bureaus' settlements of *years* (a year or several) in *statuses*: one grouped
    query."""
    years = [years] if isinstance(years, int) else list(years)
    lines = SettlementLine._base_manager.filter(
        blocked="",
        settlement__bureau_id__in=list(bureau_ids),
        settlement__month__year__in=years,
        settlement__status__in=list(statuses),
    )
    if exclude_settlement is not None:
        lines = lines.exclude(settlement_id=exclude_settlement)
    rows = (
        lines.order_by()
        .values(
            "settlement__bureau_id",
            "payer",
            year=ExtractYear("settlement__month"),
            number=ExtractMonth("settlement__month"),
        )
        .annotate(**_sums())
    )
    found = {}
    for row in rows:
        key = (row["settlement__bureau_id"], row["payer"], row["year"], row["number"])
        found[key] = _funds(row)
    return found


def _months_of(budget, spending) -> list[Decimal]:
    """The budget's bureau, year, fund and payer out of ``monthly``'s rows: 12
    amounts."""
    amounts = [ZERO] * 12
    for (bureau_id, payer, year, number), funds in spending.items():
        if (
            bureau_id == budget.bureau_id
            and year == budget.year
            and (not budget.payer or payer == budget.payer)
        ):
            amounts[number - 1] += funds[budget.fund]
    return amounts


@dataclass
class BudgetStatus:
    budget: Budget
    months: list  # committed spending per month, January first
    pending: Decimal = ZERO  # what draft and reviewed settlements would add

    @property
    def spent(self) -> Decimal:
        return sum(self.months, ZERO)

    @property
    def remaining(self) -> Decimal:
        return self.budget.amount - self.spent

    @property
    def last_month(self) -> int:
        """The last month with committed spending (0: none yet)."""
        return max((n for n, amount in zip(MONTHS, self.months, strict=True) if amount), default=0)

    @property
    def forecast(self) -> Decimal:
        """Spending by the year's end: the months settled so far, run on at their
        average to December (nothing settled yet: nothing to run on)."""
        last = self.last_month
        if last == 0:
            return ZERO
        average = self.spent / last
        return (self.spent + average * (12 - last)).quantize(ZERO)

    @property
    def used_percent(self) -> int:
        return int(self.spent * 100 / self.budget.amount) if self.budget.amount else 0

    @property
    def overspent(self) -> bool:
        return self.spent > self.budget.amount

    @property
    def at_risk(self) -> bool:
        """Spent past it, or heading past it by December."""
        return self.overspent or self.forecast > self.budget.amount

    def chart(self) -> dict:
        return spending_chart(self.months, self.budget.amount)


def spending_chart(months, budget) -> dict:
    """Spending per month (January first) and its running total against *budget*:
    the data static/js/charts.js draws as "budget-chart"."""
    # The running total stops at the last month spent in: the months after have not
    # been settled, and a flat line would read as "nothing more will be spent".
    last = max((n for n, amount in zip(MONTHS, months, strict=True) if amount), default=0)
    running, total = [], ZERO
    for number, amount in zip(MONTHS, months, strict=True):
        total += amount
        running.append(float(total) if number <= last else None)
    return {
        "months": [f"{n}月" for n in MONTHS],
        "spent": [float(amount) for amount in months],
        "running": running,
        "budget": float(budget),
        "labels": {
            "spent": _("Spent in the month"),
            "running": _("Spent to date"),
            "budget": _("Budget"),
        },
    }


def statuses(budgets) -> list[BudgetStatus]:
    """Each budget's status, for a page of budgets: two queries however many."""
    budgets = list(budgets)
    if not budgets:
        return []
    bureau_ids = {budget.bureau_id for budget in budgets}
    years = {budget.year for budget in budgets}
    committed = monthly(bureau_ids, years)
    pending = monthly(bureau_ids, years, statuses=_open_statuses())
    return [
        BudgetStatus(
            budget,
            _months_of(budget, committed),
            sum(_months_of(budget, pending), ZERO),
        )
        for budget in budgets
    ]


def status(budget) -> BudgetStatus:
    return statuses([budget])[0]


def _open_statuses():
    return [s for s in SettlementStatus.values if s not in COMMITTED]


@dataclass(frozen=True)
class Overrun:
    budget: Budget
    committed: Decimal  # already committed this year, other settlements
    adding: Decimal  # what this settlement adds to the fund
    over: Decimal  # by how much the budget would be exceeded

    def __str__(self):
        return _(
            "%(budget)s: %(committed)s committed, this settlement adds %(adding)s, "
            "%(over)s over the budget of %(amount)s."
        ) % {
            "budget": self.budget,
            "committed": format_money(self.committed),
            "adding": format_money(self.adding),
            "over": format_money(self.over),
            "amount": format_money(self.budget.amount),
        }


def overruns(settlement) -> list[Overrun]:
    """The budgets of the settlement's bureau and year that its lines would take past
    their amount, counting what other settlements of the year have committed. Empty:
    within every budget (or no budget set)."""
    year = settlement.month.year
    budgets = list(Budget._base_manager.filter(bureau_id=settlement.bureau_id, year=year))
    if not budgets:
        return []
    others = monthly([settlement.bureau_id], year, exclude_settlement=settlement.pk)
    mine = _settlement_rows(settlement)
    found = []
    for budget in budgets:
        committed = sum(_months_of(budget, others), ZERO)
        adding = sum(_months_of(budget, mine), ZERO)
        over = committed + adding - budget.amount
        if adding > 0 and over > 0:
            found.append(Overrun(budget, committed, adding, over))
    return found


def _settlement_rows(settlement) -> dict:
    """``monthly``'s rows of one settlement's own lines, whatever its status."""
    lines = SettlementLine._base_manager.filter(settlement_id=settlement.pk, blocked="")
    rows = lines.order_by().values("payer").annotate(**_sums())
    year, number = settlement.month.year, settlement.month.month
    return {(settlement.bureau_id, row["payer"], year, number): _funds(row) for row in rows}


def check(settlement) -> str | None:
    """The hook subsidies.settle and subsidies.workflow call: the warning (Chinese)
    when paying *settlement* would overspend a budget, else None. The settlement
    stores it; approval then needs a recorded reason."""
    found = overruns(settlement)
    return " ".join(str(overrun) for overrun in found) if found else None
