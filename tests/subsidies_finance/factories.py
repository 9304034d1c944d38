"""Budgets, and settlements written directly (lines with their amounts) for the
finance tests that read them; the seed-001 test settles through the services."""

import datetime
from decimal import Decimal

import factory

from registry.models.choices import PaidBy
from subsidies.models import Settlement, SettlementLine, SettlementStatus, SubsidyRuleVersion
from subsidies.models.budget import Budget, Fund
from tests.factories import AppointmentFactory, CommitteeFactory, MediatorFactory

# The finance tests' year: the current one, as the dashboard counts it.
YEAR = datetime.date.today().year
MONEY = ("base", "case_amount", "bonus", "award", "capped", "adjustment")


class BudgetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Budget

    year = YEAR
    fund = Fund.BASE
    payer = ""
    amount = Decimal("180000.00")
    region = factory.LazyAttribute(lambda o: o.bureau.region)


def rule_version(bureau, start=datetime.date(YEAR, 1, 1), name="本年度补贴标准"):
    return SubsidyRuleVersion.objects.create(
        bureau=bureau, region=bureau.region, name=name, effective_from=start, rules={}
    )


def settlement(bureau, month, status=SettlementStatus.APPROVED, version=None):
    version = version or SubsidyRuleVersion.objects.filter(bureau=bureau).first()
    version = version or rule_version(bureau)
    return Settlement.objects.create(
        bureau=bureau, region=bureau.region, month=month, rule_version=version, status=status
    )


def line(settlement, mediator, payer=PaidBy.BUREAU, **amounts):
    values = {name: Decimal(str(amounts.pop(name, 0))) for name in MONEY}
    total = (
        values["base"]
        + values["case_amount"]
        + values["bonus"]
        + values["award"]
        - values["capped"]
        + values["adjustment"]
    )
    return SettlementLine.objects.create(
        settlement=settlement,
        rule_version=settlement.rule_version,
        mediator=mediator,
        month=settlement.month,
        payer=payer,
        region=mediator.region,
        total=total,
        **values,
        **amounts,
    )


def full_time_mediator(unit, paid_by=PaidBy.BUREAU, **fields):
    """A full-time mediator of the unit's village committee, with a bank account."""
    fields.setdefault("bank_name", "农业银行")
    fields.setdefault("bank_account", "6228480012345678901")
    mediator = MediatorFactory(region=unit["township"], **fields)
    committee = CommitteeFactory(region=unit["village"], office=unit["office"])
    AppointmentFactory(mediator=mediator, committee=committee, full_time=True, paid_by=paid_by)
    return mediator
