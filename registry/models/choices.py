"""Enumerations of the roster. The committee-type codes are the staffing-standard
rule's keys (registry.policies)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CommitteeType(models.TextChoices):
    COUNTY = "county", _("County-level committee")
    TOWNSHIP = "township", _("Township/street committee")
    VILLAGE = "village", _("Village/community committee")
    INDUSTRY = "industry", _("Industry/professional committee")
    ENTERPRISE = "enterprise", _("Enterprise committee")
    DISPATCHED = "dispatched", _("Dispatched mediation room")
    NAMED = "named", _("Personally named mediation room")


class CommitteeStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    DEREGISTERED = "deregistered", _("Deregistered")


class FilingStatus(models.TextChoices):
    UNFILED = "unfiled", _("Not filed")
    FILED = "filed", _("Filed")


class Gender(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class Education(models.TextChoices):
    PRIMARY = "primary", _("Primary school")
    JUNIOR = "junior", _("Junior high school")
    SENIOR = "senior", _("Senior high school / technical school")
    COLLEGE = "college", _("Junior college")
    BACHELOR = "bachelor", _("Bachelor")
    POSTGRADUATE = "postgraduate", _("Postgraduate")


class PoliticalStatus(models.TextChoices):
    CPC = "cpc", _("CPC member")
    CPC_PROBATIONARY = "cpc_probationary", _("CPC probationary member")
    LEAGUE = "league", _("Communist Youth League member")
    DEMOCRATIC = "democratic", _("Democratic party member")
    MASSES = "masses", _("Masses")


PARTY_MEMBER_STATUSES = {PoliticalStatus.CPC, PoliticalStatus.CPC_PROBATIONARY}


class Background(models.TextChoices):
    RETIRED_JUDGE = "retired_judge", _("Retired judge")
    RETIRED_PROSECUTOR = "retired_prosecutor", _("Retired prosecutor")
    RETIRED_POLICE = "retired_police", _("Retired police officer")
    JUDICIAL_OFFICER = "judicial_officer", _("Judicial officer")
    LAWYER = "lawyer", _("Lawyer")
    NOTARY = "notary", _("Notary")
    LEGAL_WORKER = "legal_worker", _("Grassroots legal worker")
    TEACHER = "teacher", _("Teacher")
    DOCTOR = "doctor", _("Doctor")
    VILLAGE_CADRE = "village_cadre", _("Village secretary or cadre")
    FIVE_ELDERS = "five_elders", _("Five elders (五老人员)")
    OTHER = "other", _("Other")


class MediatorStatus(models.TextChoices):
    ACTIVE = "active", _("Serving")
    SUSPENDED = "suspended", _("Suspended")
    LEFT = "left", _("Left")


class Post(models.TextChoices):
    DIRECTOR = "director", _("Director")
    DEPUTY = "deputy", _("Deputy director")
    MEMBER = "member", _("Committee member")
    MEDIATOR = "mediator", _("Mediator")


class PaidBy(models.TextChoices):
    BUREAU = "bureau", _("Justice bureau")
    COURT = "court", _("Court")
    TOWNSHIP = "township", _("Township government")
    POLICE = "police", _("Public security")
    PETITION = "petition", _("Petition office")
    EMPLOYER = "employer", _("Host institution or enterprise")
    UNPAID = "unpaid", _("Unpaid")


class ExitReason(models.TextChoices):
    TRANSFER = "transfer", _("Transfer")
    DISMISSAL = "dismissal", _("Dismissal")
    HEALTH = "health", _("Health")
    OWN_REQUEST = "own_request", _("Own request")
    TERM_END = "term_end", _("Term ended")
    ELIMINATION = "elimination", _("Annual elimination")
    COMMITTEE_DEREGISTERED = "committee_deregistered", _("Committee deregistered")


class TrainingKind(models.TextChoices):
    INITIAL = "initial", _("Initial training")
    BACKBONE = "backbone", _("Backbone training")
    ALL_STAFF = "all_staff", _("All-staff training")


class LeaveKind(models.TextChoices):
    PERSONAL = "personal", _("Personal leave")
    SICK = "sick", _("Sick leave")
    ANNUAL = "annual", _("Annual leave")
    OTHER = "other", _("Other leave")
