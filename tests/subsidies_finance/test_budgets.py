"""Budgets against spending read from the settlements: committed (approved and
later), pending (drafts), forecast, the overspend warning, and the at-risk filter."""

from decimal import Decimal

import pytest

from core.tenancy import all_regions, jurisdiction
from registry.models.choices import PaidBy
from subsidies import budgets
from subsidies.models.budget import Fund
from tests.subsidies_finance import factories as f


def _budget(county, fund, amount, payer=""):
    with all_regions():
        return f.BudgetFactory(bureau=county["bureau"], fund=fund, amount=amount, payer=payer)


def _status(budget):
    with jurisdiction(budget.region.prefix):
        return budgets.status(budget)


def test_spending_is_what_approved_and_later_settlements_commit(county):
    base = _budget(county, Fund.BASE, 90000)
    status = _status(base)
    # January (approved) and February (paid): three bases of 2,500 each; March is a draft.
    assert status.months[:3] == [Decimal("7500.00"), Decimal("7500.00"), Decimal("0.00")]
    assert status.spent == Decimal("15000.00")
    assert status.pending == Decimal("7500.00")
    assert status.remaining == Decimal("75000.00")
    # Two months settled at 7,500 a month: 90,000 by December, exactly the budget.
    assert status.forecast == Decimal("90000.00")
    assert not status.at_risk


def test_each_fund_takes_its_own_parts_of_the_lines(county):
    case = _status(_budget(county, Fund.CASE, 20000))
    bonus = _status(_budget(county, Fund.BONUS, 3000))
    assert case.spent == Decimal("1800.00")  # 3 x 300, two months
    assert bonus.spent == Decimal("600.00")
    assert bonus.forecast == Decimal("3600.00")
    assert bonus.at_risk  # 300 a month runs past 3,000 by December


def test_a_payers_budget_counts_only_that_payers_lines(county):
    court = _status(_budget(county, Fund.BASE, 60000, payer=PaidBy.COURT))
    assert court.spent == Decimal("10000.00")  # the court's two mediators, two months


def test_cap_and_adjustments_are_charged_to_the_case_fund(county):
    with all_regions():
        settlement = county["settlements"][1]
        mediator = f.full_time_mediator(county, name="赵强")
        f.line(settlement, mediator, case_amount=1000, capped=200, adjustment=-50)
    case = _status(_budget(county, Fund.CASE, 20000))
    assert case.spent == Decimal("1800.00") + Decimal("750.00")


def test_check_warns_when_a_settlement_would_overspend(county):
    _budget(county, Fund.BASE, 20000)
    draft = county["settlements"][3]
    with jurisdiction(county["bureau"].region.prefix):
        warning = budgets.check(draft)
        found = budgets.overruns(draft)
    assert found[0].committed == Decimal("15000.00")
    assert found[0].adding == Decimal("7500.00")
    assert found[0].over == Decimal("2500.00")
    assert "¥2,500.00" in warning and "¥20,000.00" in warning


def test_check_is_silent_within_budget_and_without_one(county):
    draft = county["settlements"][3]
    with jurisdiction(county["bureau"].region.prefix):
        assert budgets.check(draft) is None  # no budget set
    _budget(county, Fund.BASE, 180000)
    with jurisdiction(county["bureau"].region.prefix):
        assert budgets.check(draft) is None


def test_an_approved_settlement_is_checked_without_counting_itself_twice(county):
    _budget(county, Fund.BASE, 15000)
    january = county["settlements"][1]
    with jurisdiction(county["bureau"].region.prefix):
        # Committed: January and February, 15,000; January rechecked is within it.
        assert budgets.check(january) is None


def test_statuses_of_a_page_cost_two_queries(county, django_assert_num_queries):
    found = [_budget(county, fund, 50000) for fund in Fund.values]
    with jurisdiction(county["bureau"].region.prefix), django_assert_num_queries(2):
        assert len(budgets.statuses(found)) == 3


def test_the_chart_runs_the_total_against_the_budget(county):
    chart = _status(_budget(county, Fund.BASE, 90000)).chart()
    assert chart["spent"][:3] == [7500.0, 7500.0, 0.0]
    assert chart["running"][1] == 15000.0 and chart["running"][2] is None
    assert chart["budget"] == 90000.0
    assert chart["months"][0] == "1月"


@pytest.mark.parametrize(
    "amount, message",
    [("-5", "0.01"), ("0", "0.01"), ("1000000000", "100000000")],
)
def test_absurd_amounts_are_refused_in_chinese(login, world, amount, message):
    client = login(world["a"]["county_admin"])
    response = client.post(
        "/subsidies/budgets/new/", {"year": 2026, "fund": "base", "amount": amount}
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["amount"]
    assert any(message in str(e) for e in errors), errors
    assert any("确保" in str(e) or "大于" in str(e) or "小于" in str(e) for e in errors), errors
    with all_regions():
        assert not f.Budget.objects.exists()


@pytest.mark.parametrize("year", ["1999", "2101", "二〇二六"])
def test_a_year_out_of_range_is_refused_in_chinese(login, world, year):
    client = login(world["a"]["county_admin"])
    response = client.post(
        "/subsidies/budgets/new/", {"year": year, "fund": "base", "amount": "1000"}
    )
    assert response.status_code == 200
    errors = str(response.context["form"].errors["year"])
    assert "确保" in errors or "整数" in errors, errors
    with all_regions():
        assert not f.Budget.objects.exists()
