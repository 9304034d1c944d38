from mediation.models.cases import Case, CaseSequence, Party
from mediation.models.choices import (
    AgreementForm,
    CaseResult,
    CaseSource,
    CaseStatus,
    Difficulty,
    FlagKind,
    PartyRole,
    SnapshotStatus,
)
from mediation.models.followup import Callback, CallbackDraw, CaseFlag, ZeroReport
from mediation.models.rankings import QuarterlyTarget, RankingEntry, RankingSnapshot
from mediation.models.reference import DisputeType

__all__ = [
    "AgreementForm",
    "Callback",
    "CallbackDraw",
    "Case",
    "CaseFlag",
    "CaseResult",
    "CaseSequence",
    "CaseSource",
    "CaseStatus",
    "Difficulty",
    "DisputeType",
    "FlagKind",
    "Party",
    "PartyRole",
    "QuarterlyTarget",
    "RankingEntry",
    "RankingSnapshot",
    "SnapshotStatus",
    "ZeroReport",
]
