from django.db import models
from django.utils.translation import gettext_lazy as _


class RoundStatus(models.TextChoices):
    """A round's workflow, in order (services.advance moves it one step at a time)."""

    DRAFT = "draft", _("Draft")
    APPLICATIONS = "applications", _("Taking applications")
    REVIEW = "review", _("Under review")
    PANEL = "panel", _("Before the panel")
    NOTICE = "notice", _("Public notice")
    CLOSED = "closed", _("Closed")
    EFFECTIVE = "effective", _("In effect")


# A round in one of these states is a record, no longer a piece of work.
FINISHED = (RoundStatus.CLOSED, RoundStatus.EFFECTIVE)


class ApplicationSource(models.TextChoices):
    APPLIED = "applied", _("Applied")
    NOMINATED = "nominated", _("Nominated by the committee")


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    COMMITTEE_CHECKED = "committee_checked", _("Checked by the committee")
    OFFICE_REVIEWED = "office_reviewed", _("First review passed")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class ObjectionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ANSWERED = "answered", _("Answered")


class Criterion(models.TextChoices):
    """What eligibility checks: the basic conditions first, then the per-level ones
    (the columns of the grading_criteria rule)."""

    SERVING = "serving", _("Serving")
    RECORD = "record", _("Complete record")
    TRAINED = "trained", _("Training completed")
    NO_COMPLAINT = "no_complaint", _("No founded complaint or sanction")
    NO_CRIMINAL = "no_criminal", _("No dispute turned criminal")
    YEARS = "years", _("Years of service")
    CASES = "cases", _("Cases mediated")
    SUCCESS_RATE = "success_rate", _("Success rate")
    ORAL_SHARE = "oral_share", _("Share of oral agreements")
    DIFFICULT = "difficult", _("Difficult and complex cases")
    TRAINING_HOURS = "training_hours", _("Training hours")
    SATISFACTION = "satisfaction", _("Average satisfaction")


BASIC_CRITERIA = (
    Criterion.SERVING,
    Criterion.RECORD,
    Criterion.TRAINED,
    Criterion.NO_COMPLAINT,
    Criterion.NO_CRIMINAL,
)
LEVEL_CRITERIA = (
    Criterion.YEARS,
    Criterion.CASES,
    Criterion.SUCCESS_RATE,
    Criterion.ORAL_SHARE,
    Criterion.DIFFICULT,
    Criterion.TRAINING_HOURS,
    Criterion.SATISFACTION,
)
