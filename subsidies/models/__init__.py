from subsidies.models.choices import (
    LOCKED,
    BlockReason,
    CaseRate,
    MediatorRole,
    ReviewDecision,
    SettlementStatus,
)
from subsidies.models.reviews import SCORE_MAX, CaseReview
from subsidies.models.rules import SubsidyRuleVersion
from subsidies.models.settlements import Adjustment, SettledCase, Settlement, SettlementLine

__all__ = [
    "LOCKED",
    "SCORE_MAX",
    "Adjustment",
    "BlockReason",
    "CaseRate",
    "CaseReview",
    "MediatorRole",
    "ReviewDecision",
    "SettledCase",
    "Settlement",
    "SettlementLine",
    "SettlementStatus",
    "SubsidyRuleVersion",
]
from subsidies.models.budget import Budget  # noqa: F401
