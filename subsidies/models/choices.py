from django.db import models
from django.utils.translation import gettext_lazy as _


class SettlementStatus(models.TextChoices):
    """A settlement's workflow, in order (subsidies.workflow moves it one step)."""

    DRAFT = "draft", _("Draft")
    REVIEWED = "reviewed", _("Reviewed")
    APPROVED = "approved", _("Approved")
    EXPORTED = "exported", _("Exported")
    PAID = "paid", _("Paid")


# From approval on, a settlement's lines are what finance was asked to pay: never
# recomputed or edited; corrections are adjustments in a later month.
LOCKED = (SettlementStatus.APPROVED, SettlementStatus.EXPORTED, SettlementStatus.PAID)


class ReviewDecision(models.TextChoices):
    """A reviewer's decision on a closed case (以奖代补): counted or not."""

    ACCEPTED = "accepted", _("Counts")
    REJECTED = "rejected", _("Does not count")


class MediatorRole(models.TextChoices):
    LEAD = "lead", _("Lead mediator")
    ASSISTANT = "assistant", _("Assisting mediator")


class CaseRate(models.TextChoices):
    """Which rate a counted case was paid at (shown on the line's cases)."""

    FULL = "full", _("Full rate")
    ORAL = "oral", _("Oral agreement rate")
    UNSUCCESSFUL = "unsuccessful", _("Unsuccessful, handled properly")


class BlockReason(models.TextChoices):
    NO_BANK_ACCOUNT = "no_bank_account", _("No bank account on file")
