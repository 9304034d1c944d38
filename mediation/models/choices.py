from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseSource(models.TextChoices):
    """How the dispute reached the committee (monthly-report categories)."""

    APPLICATION = "application", _("Party application")
    SCREENING = "screening", _("Own screening")
    COURT = "court", _("Referred by a court")
    POLICE = "police", _("Referred by the police")
    PETITION = "petition", _("Referred by a petition office")
    OTHER = "other", _("Other referral")


class Difficulty(models.TextChoices):
    ORDINARY = "ordinary", _("Ordinary")
    COMPLEX = "complex", _("Difficult and complex")
    MAJOR = "major", _("Major")


class CaseStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    MEDIATING = "mediating", _("Mediating")
    CLOSED = "closed", _("Closed")


class CaseResult(models.TextChoices):
    SUCCESS = "success", _("Success")
    FAILURE = "failure", _("Failure")
    TERMINATED = "terminated", _("Terminated")


class AgreementForm(models.TextChoices):
    ORAL = "oral", _("Oral agreement")
    WRITTEN = "written", _("Written agreement")


class PartyRole(models.TextChoices):
    APPLICANT = "applicant", _("Applicant")
    RESPONDENT = "respondent", _("Respondent")
    OTHER = "other", _("Other party")


class FlagKind(models.TextChoices):
    REPEATED_PARTIES = "repeated_parties", _("Same parties again and again")
    MONTH_END_BURST = "month_end_burst", _("Filings bunched at month end")
    SIMILAR_SUMMARY = "similar_summary", _("Near-identical summaries")
    ORAL_SHARE = "oral_share", _("Oral agreements far above the norm")


class SnapshotStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class Quarter(models.IntegerChoices):
    FIRST = 1, _("first quarter")
    SECOND = 2, _("second quarter")
    THIRD = 3, _("third quarter")
    FOURTH = 4, _("fourth quarter")


def quarter_name(year: int, quarter: int) -> str:
    """A quarter as bulletins name it: 2026年第一季度."""
    return _("%(quarter)s of %(year)s") % {"year": year, "quarter": Quarter(quarter).label}


class RankingCriterion(models.TextChoices):
    """What a quarterly ranking may order mediators by (the ranking_criteria rule)."""

    SUCCESSES = "successes", _("Successes")
    SUCCESS_RATE = "success_rate", _("Success rate")
    SATISFACTION = "satisfaction", _("Average satisfaction")
    CASES = "cases", _("Closed cases")
