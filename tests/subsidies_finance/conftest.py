import datetime

import pytest

from core.tenancy import all_regions
from registry.models.choices import PaidBy
from subsidies.models import SettlementStatus
from tests.subsidies_finance import factories as f


@pytest.fixture
def county(world):
    """越城区 with its rules, three full-time mediators (two paid by the court, one by
    the bureau) and the first quarter of this year settled: January and February approved
    (committed), March a draft."""
    unit = world["a"]
    bureau = unit["county_bureau"]
    with all_regions():
        version = f.rule_version(bureau)
        mediators = [
            f.full_time_mediator(unit, PaidBy.COURT, name="张明"),
            f.full_time_mediator(unit, PaidBy.COURT, name="李华"),
            f.full_time_mediator(unit, PaidBy.BUREAU, name="王芳"),
        ]
        settlements = {}
        for number, status in (
            (1, SettlementStatus.APPROVED),
            (2, SettlementStatus.PAID),
            (3, SettlementStatus.DRAFT),
        ):
            month = datetime.date(f.YEAR, number, 1)
            settlement = f.settlement(bureau, month, status, version)
            for mediator in mediators[:2]:  # the court pays the base, the bureau the cases
                f.line(settlement, mediator, PaidBy.COURT, base=2500)
                f.line(settlement, mediator, case_amount=300, bonus=100, cases=2)
            f.line(settlement, mediators[2], base=2500, case_amount=300, bonus=100, cases=2)
            settlements[number] = settlement
    return {
        **unit,
        "bureau": bureau,
        "version": version,
        "mediators": mediators,
        "settlements": settlements,
    }
