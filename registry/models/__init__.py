from registry.models.appointments import Appointment
from registry.models.choices import (
    Background,
    CommitteeStatus,
    CommitteeType,
    Education,
    ExitReason,
    FilingStatus,
    Gender,
    LeaveKind,
    MediatorStatus,
    PaidBy,
    PoliticalStatus,
    Post,
    TrainingKind,
)
from registry.models.committees import Committee, CommitteeTerm, TermWarning
from registry.models.expertise import ExpertiseField
from registry.models.mediators import Mediator
from registry.models.training import (
    LeaveRecord,
    Mentorship,
    MonthlyAttendance,
    TrainingAttendance,
    TrainingSession,
)

__all__ = [
    "Appointment",
    "Background",
    "Committee",
    "CommitteeStatus",
    "CommitteeTerm",
    "CommitteeType",
    "Education",
    "ExitReason",
    "ExpertiseField",
    "FilingStatus",
    "Gender",
    "LeaveKind",
    "LeaveRecord",
    "Mediator",
    "MediatorStatus",
    "Mentorship",
    "MonthlyAttendance",
    "PaidBy",
    "PoliticalStatus",
    "Post",
    "TermWarning",
    "TrainingAttendance",
    "TrainingKind",
    "TrainingSession",
]
