from grading.models.applications import Application, Objection
from grading.models.choices import (
    BASIC_CRITERIA,
    FINISHED,
    LEVEL_CRITERIA,
    ApplicationSource,
    ApplicationStatus,
    Criterion,
    ObjectionStatus,
    RoundStatus,
)
from grading.models.levels import LevelChange
from grading.models.rounds import Eligibility, GradingRound

__all__ = [
    "BASIC_CRITERIA",
    "FINISHED",
    "LEVEL_CRITERIA",
    "Application",
    "ApplicationSource",
    "ApplicationStatus",
    "Criterion",
    "Eligibility",
    "GradingRound",
    "LevelChange",
    "Objection",
    "ObjectionStatus",
    "RoundStatus",
]
