from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    ONLINE = "online", _("Online")
    WINDOW = "window", _("At a judicial office window")


class ComplaintStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    ASSIGNED = "assigned", _("Assigned")
    VERIFYING = "verifying", _("Under verification")
    CONCLUDED = "concluded", _("Concluded")
    ANSWERED = "answered", _("Answered")


class Finding(models.TextChoices):
    UNFOUNDED = "unfounded", _("Unfounded")
    FOUNDED = "founded", _("Founded")


class Sanction(models.TextChoices):
    NONE = "", _("No sanction")
    CRITICISM = "criticism", _("Criticism")
    WARNING = "warning", _("Warning")
    SUSPENSION = "suspension", _("Suspension")
    DISMISSAL = "dismissal", _("Dismissal")


class IntegrityKind(models.TextChoices):
    COMMENDATION = "commendation", _("Commendation")
    COMPLAINT = "complaint", _("Founded complaint")
    SANCTION = "sanction", _("Sanction")
    # 民转刑 through improper mediation: a basic condition of grading looks for it.
    TURNED_CRIMINAL = "turned_criminal", _("Dispute turned criminal through improper mediation")
