"""Applications and nominations in a round, and the public's objections to the notice."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.personal import EncryptedCharField, digest, mask_phone, normalize_phone, validate_phone
from core.tenancy import TenantModel
from grading.models.choices import ApplicationSource, ApplicationStatus, ObjectionStatus


def _user(verbose_name):
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=verbose_name,
    )


class Application(TenantModel):
    """A mediator's application (or the committee's nomination) for one level in a
    round, and each step taken on it. Stored under the mediator's region."""

    round = models.ForeignKey(
        "grading.GradingRound",
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("grading round"),
    )
    mediator = models.ForeignKey(
        "registry.Mediator",
        on_delete=models.PROTECT,
        related_name="grading_applications",
        verbose_name=_("mediator"),
    )
    rank = models.PositiveSmallIntegerField(_("level applied for"))
    source = models.CharField(_("source"), max_length=10, choices=ApplicationSource.choices)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.SUBMITTED,
    )
    statement = models.TextField(_("statement"), max_length=2000, blank=True)
    committee_note = models.CharField(_("committee's opinion"), max_length=500, blank=True)
    office_note = models.CharField(_("first review opinion"), max_length=500, blank=True)
    decision_note = models.CharField(_("panel's decision"), max_length=500, blank=True)
    exception_reason = models.CharField(
        _("reason for the exception"),
        max_length=500,
        blank=True,
        help_text=_("Why the panel approves a mediator who does not meet every criterion."),
    )
    submitted_by = _user(_("submitted by"))
    committee_checked_by = _user(_("checked by"))
    committee_checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    office_reviewed_by = _user(_("reviewed by"))
    office_reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    decided_by = _user(_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    fixed_fields = ("region", "round", "mediator")

    class Meta:
        ordering = ["round", "rank", "mediator_id"]
        verbose_name = _("grading application")
        verbose_name_plural = _("grading applications")
        indexes = [models.Index(fields=["round", "status"])]
        constraints = [
            models.UniqueConstraint(fields=["round", "mediator"], name="grading_apply_once")
        ]

    def __str__(self):
        return f"{self.mediator} / {self.round}"

    def get_absolute_url(self):
        return reverse("grading:application_detail", args=[self.pk])

    def region_for_write(self):
        return self.mediator.region


class Objection(TenantModel):
    """An objection to a round's public notice about one mediator on it, filed by
    anyone during the notice period; the bureau answers it. Stored under the
    mediator's region."""

    round = models.ForeignKey(
        "grading.GradingRound",
        on_delete=models.PROTECT,
        related_name="objections",
        verbose_name=_("grading round"),
    )
    application = models.ForeignKey(
        Application,
        on_delete=models.PROTECT,
        related_name="objections",
        verbose_name=_("grading application"),
    )
    name = models.CharField(_("name of the objector"), max_length=50, blank=True)
    phone = EncryptedCharField(_("contact phone"), max_length=20, validators=[validate_phone])
    phone_digest = models.CharField(max_length=64, editable=False, db_index=True)
    text = models.TextField(_("objection"), max_length=2000)
    status = models.CharField(
        _("status"), max_length=10, choices=ObjectionStatus.choices, default=ObjectionStatus.OPEN
    )
    answer = models.TextField(_("answer"), max_length=2000, blank=True)
    answered_by = _user(_("answered by"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    created_at = models.DateTimeField(_("received at"), auto_now_add=True)

    fixed_fields = ("region", "round", "application")
    audit_options = {
        "mask_fields": ["phone"],
        "mask_callable": "core.personal.mask_for_audit",
        "exclude_fields": ["phone_digest"],
    }

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        indexes = [models.Index(fields=["round", "status"])]

    def __str__(self):
        return _("Objection about %(mediator)s") % {"mediator": self.application.mediator}

    def get_absolute_url(self):
        return reverse("grading:objection_detail", args=[self.pk])

    def region_for_write(self):
        return self.application.region

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone or "")

    def save(self, *args, **kwargs):
        self.phone = normalize_phone(self.phone) if self.phone else self.phone
        self.phone_digest = digest(self.phone or "")
        super().save(*args, **kwargs)
