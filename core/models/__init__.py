from core.models.bureaus import Bureau, BureauLevel, JudicialOffice
from core.models.calendar import WorkdaySchedule
from core.models.jobs import Job, JobStatus
from core.models.policy import Policy
from core.models.regions import Region
from core.models.roles import Role, RoleKind
from core.models.snapshots import ReportSnapshot
from core.models.users import UserProfile

__all__ = [
    "Bureau",
    "BureauLevel",
    "Job",
    "JobStatus",
    "JudicialOffice",
    "Policy",
    "Region",
    "ReportSnapshot",
    "Role",
    "RoleKind",
    "UserProfile",
    "WorkdaySchedule",
]
