"""Done when (issue 13): configured with seed 001's numbers — 2,500 yuan a month for
each of six full-time mediators (four paid by the court, two by the bureau) and a
100,000 case fund — a year of settlements, computed, reviewed and approved through
the services, spends the 280,000 budget exactly; one case more is warned and needs a
reason to be approved."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from core.tenancy import all_regions, jurisdiction
from registry.models.choices import PaidBy
from subsidies import budgets, settle, workflow
from subsidies.models import SettlementLine, SettlementStatus
from subsidies.models.budget import Budget, Fund
from tests.factories import CommitteeFactory, make_case
from tests.subsidies_factories import close_case, make_mediator, make_post, make_version, review
from tests.subsidies_finance.factories import BudgetFactory

YEAR = 2025
RATES = {"ordinary": "500.00", "complex": "1000.00", "major": "2500.00"}
# The year's cases by month: January to April 2 major + 4 complex (9,000 a month),
# May to December 2 major + 3 complex (8,000): 36,000 + 64,000 = 100,000.
CASES = {n: ["major"] * 2 + ["complex"] * (4 if n <= 4 else 3) for n in range(1, 13)}


@pytest.fixture
def district(world):
    unit = world["a"]
    bureau = unit["county_bureau"]
    make_version(bureau, datetime.date(YEAR, 1, 1), case_rates=RATES, min_review_score=60)
    with all_regions():
        committee = CommitteeFactory(
            region=unit["village"], office=unit["office"], name="越城区行业性专业性人民调解委员会"
        )
    mediators = []
    for index, payer in enumerate([PaidBy.COURT] * 4 + [PaidBy.BUREAU] * 2):
        mediator = make_mediator(unit["township"], name=f"专职调解员{index + 1}")
        make_post(mediator, committee, full_time=True, paid_by=payer)
        mediators.append(mediator)
    with all_regions():
        for kind, amount in ((Fund.BASE, 180000), (Fund.CASE, 100000)):
            BudgetFactory(bureau=bureau, year=YEAR, fund=kind, amount=amount)
    return {
        **unit,
        "bureau": bureau,
        "committee": committee,
        "mediators": mediators,
        "preparer": unit["county_user"],
        "approver": unit["county_admin"],
        "reviewer": unit["city_user"],
    }


def _cases(district, month_number, difficulties):
    mediators = district["mediators"]
    for index, difficulty in enumerate(difficulties):
        lead = mediators[(month_number + index) % len(mediators)]
        with all_regions():
            case = make_case(
                district["committee"],
                lead,
                received_on=datetime.date(YEAR, month_number, 1),
                difficulty=difficulty,
            )
        close_case(case, closed_on=datetime.date(YEAR, month_number, 15))
        review(case, district["reviewer"])


def _settle(district, month_number, reason=""):
    month = datetime.date(YEAR, month_number, 1)
    with all_regions():
        settlement = settle.settle_month(district["bureau"], month, district["preparer"])
        settlement = workflow.review(settlement, district["reviewer"])
        return workflow.approve(settlement, district["approver"], budget_reason=reason)


def test_a_year_of_seed_001_spends_the_280000_budget_exactly(district):
    for number, difficulties in CASES.items():
        _cases(district, number, difficulties)
        settlement = _settle(district, number)
        assert settlement.status == SettlementStatus.APPROVED
        assert settlement.budget_warning == ""
    with all_regions():
        lines = SettlementLine.objects.filter(settlement__bureau=district["bureau"])
        assert lines.filter(base=Decimal("2500.00")).count() == 12 * 6
        paid = sum(lines.values_list("total", flat=True), Decimal(0))
        court = sum(lines.filter(payer=PaidBy.COURT).values_list("base", flat=True), Decimal(0))
    assert paid == Decimal("280000.00")
    assert court == Decimal("120000.00")  # four of the six at 2,500 x 12
    with jurisdiction(district["bureau"].region.prefix):
        found = {
            s.budget.fund: s
            for s in budgets.statuses(Budget.objects.filter(bureau=district["bureau"]))
        }
    assert found[Fund.BASE].spent == Decimal("180000.00")
    assert found[Fund.CASE].spent == Decimal("100000.00")
    assert all(s.remaining == 0 and not s.at_risk for s in found.values())


def test_a_settlement_past_the_case_fund_is_warned_and_needs_a_reason(district):
    with all_regions():
        case_budget = Budget.objects.get(bureau=district["bureau"], fund=Fund.CASE)
        case_budget.amount = Decimal("4000.00")
        case_budget.save()
    _cases(district, 1, ["major", "major"])  # 5,000 against 4,000
    with all_regions():
        settlement = settle.settle_month(
            district["bureau"], datetime.date(YEAR, 1, 1), district["preparer"]
        )
    assert "¥1,000.00" in settlement.budget_warning
    with all_regions():
        settlement = workflow.review(settlement, district["reviewer"])
        with pytest.raises(ValidationError) as refused:
            workflow.approve(settlement, district["approver"])
    assert "budget_reason" in refused.value.message_dict
    with all_regions():
        approved = workflow.approve(settlement, district["approver"], budget_reason="追加预算已批")
    assert approved.status == SettlementStatus.APPROVED
    assert approved.budget_reason == "追加预算已批"
