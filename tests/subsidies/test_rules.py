"""Rules at work: caps, factors, awards, the quarterly bonus, versions by month, the
preview of a version against a month, and the budget hook on approval."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from core.tenancy import all_regions
from mediation.models import RankingEntry, RankingSnapshot
from subsidies import hooks, settle, versions, workflow
from subsidies.models import SubsidyRuleVersion
from subsidies.rules import RULES, version_for
from tests.subsidies_factories import MONTH, counted_case, make_version

pytestmark = pytest.mark.django_db


def _rules(version, **changes):
    with all_regions():
        SubsidyRuleVersion.objects.filter(pk=version.pk).update(
            rules=RULES.validate({**version.rules, **changes})
        )


def _line(unit, mediator, month=MONTH):
    with all_regions():
        settlement = settle.settle_month(unit["bureau"], month, unit["preparer"])
        return settlement, settlement.lines.get(mediator=mediator, payer="bureau")


def test_cap_award_and_factors(unit):
    _rules(
        unit["version"],
        monthly_cap="2500.00",
        major_award="800.00",
        amount_threshold="10000.00",
        amount_extra="50.00",
    )
    counted_case(unit["committee"], unit["lead"], unit["reviewer"], difficulty="major")
    counted_case(unit["committee"], unit["lead"], unit["reviewer"], amount=Decimal("20000"))
    _settlement, line = _line(unit, unit["lead"])
    assert line.award == Decimal("800.00")
    assert line.case_amount == Decimal("2150.00")  # 2000 + 100 + 50
    assert line.capped == Decimal("450.00")  # 2950 over the 2500 cap
    assert line.total == Decimal("2500.00") + Decimal("2500.00")


def test_quarterly_bonus_in_the_month_after_the_quarter(unit):
    _rules(unit["version"], bonus_top=1, bonus_amount="300.00")
    with all_regions():
        snapshot = RankingSnapshot.objects.create(
            bureau=unit["bureau"],
            year=2025,
            quarter=1,
            version=1,
            status="published",
            cutoff_at=datetime.datetime(2025, 4, 1, tzinfo=datetime.UTC),
            criteria=["successes"],
            region=unit["bureau"].region,
        )
        for rank, mediator in enumerate([unit["lead"], unit["court"]], start=1):
            RankingEntry.objects.create(
                snapshot=snapshot,
                mediator=mediator,
                rank=rank,
                cases=3,
                successes=3,
                success_rate=1,
                target=1,
                under_target=False,
                region=snapshot.region,
            )
    _settlement, line = _line(unit, unit["lead"], datetime.date(2025, 4, 1))
    assert line.bonus == Decimal("300.00")


def test_the_version_in_force_for_each_month(unit):
    with all_regions():
        SubsidyRuleVersion.objects.filter(pk=unit["version"].pk).update(
            effective_to=datetime.date(2025, 3, 31)
        )
    later = make_version(
        unit["bureau"],
        effective_from=datetime.date(2025, 4, 1),
        case_rates={"ordinary": "150.00", "complex": "500.00", "major": "2000.00"},
    )
    assert version_for(unit["bureau"], MONTH) == unit["version"]
    assert version_for(unit["bureau"], datetime.date(2025, 4, 1)) == later
    # A county without a version of its own works under its city's.
    city_version = make_version(unit["world"]["a2"]["city_bureau"])
    assert version_for(unit["world"]["a2"]["county_bureau"], MONTH) == city_version


def test_preview_says_what_a_version_would_have_paid(unit):
    counted_case(unit["committee"], unit["lead"], unit["reviewer"])
    with all_regions():
        settle.settle_month(unit["bureau"], MONTH, unit["preparer"])
        proposal = SubsidyRuleVersion(
            bureau=unit["bureau"],
            region=unit["bureau"].region,
            name="提高标准",
            effective_from=datetime.date(2025, 4, 1),
            rules=RULES.validate(
                {
                    **RULES.default,
                    "case_rates": {"ordinary": "300.00", "complex": "500.00", "major": "2000.00"},
                }
            ),
        )
        proposal.bureau = unit["bureau"]
        shown = versions.preview(proposal, MONTH)
    assert shown["paid"] == Decimal("5100.00")
    assert shown["would_pay"] == Decimal("5300.00")
    assert shown["difference"] == Decimal("200.00")


def test_approval_over_budget_needs_a_reason(unit, monkeypatch):
    counted_case(unit["committee"], unit["lead"], unit["reviewer"])
    monkeypatch.setattr(hooks, "budget_warning", lambda settlement: "将超出年度预算。")
    with all_regions():
        settlement = settle.settle_month(unit["bureau"], MONTH, unit["preparer"])
        assert settlement.budget_warning == "将超出年度预算。"
        settlement = workflow.review(settlement, unit["reviewer"])
        with pytest.raises(ValidationError) as refused:
            workflow.approve(settlement, unit["approver"])
        assert "budget_reason" in refused.value.message_dict
        settlement = workflow.approve(settlement, unit["approver"], budget_reason="追加预算已批复")
        assert settlement.status == "approved" and settlement.budget_reason


def test_a_used_version_is_a_record(unit):
    counted_case(unit["committee"], unit["lead"], unit["reviewer"])
    with all_regions():
        settlement = settle.settle_month(unit["bureau"], MONTH, unit["preparer"])
        workflow.review(settlement, unit["reviewer"])
        version = SubsidyRuleVersion.objects.get(pk=unit["version"].pk)
        version.name = "改名"
        with pytest.raises(ValidationError):
            versions.save_version(version, unit["preparer"])
