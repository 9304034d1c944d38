"""Level history: every change of a mediator's level, from a round or a decision."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.tenancy import TenantModel


class LevelChange(TenantModel):
    """One change of a mediator's level (rank into the bureau's ``grading_levels``;
    an empty new rank is a revocation). It comes from a round's approved application
    or from a recorded decision between rounds (e.g. a sanction in the integrity
    file). ``applied_at`` is set when the change reached ``Mediator.level``, on or
    after ``effective_on``. The level names are kept as they read then."""

    mediator = models.ForeignKey(
        "registry.Mediator",
        on_delete=models.PROTECT,
        related_name="level_changes",
        verbose_name=_("mediator"),
    )
    from_rank = models.PositiveSmallIntegerField(_("previous level"), null=True, blank=True)
    to_rank = models.PositiveSmallIntegerField(_("new level"), null=True, blank=True)
    from_name = models.CharField(_("previous level name"), max_length=20, blank=True)
    to_name = models.CharField(_("new level name"), max_length=20, blank=True)
    round = models.ForeignKey(
        "grading.GradingRound",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="level_changes",
        verbose_name=_("grading round"),
    )
    application = models.OneToOneField(
        "grading.Application",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="level_change",
        verbose_name=_("grading application"),
    )
    integrity_record = models.ForeignKey(
        "complaints.IntegrityRecord",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("integrity record"),
    )
    decision = models.CharField(
        _("decision"),
        max_length=100,
        blank=True,
        help_text=_("The number or title of the decision that changes the level."),
    )
    reason = models.CharField(_("reason"), max_length=500)
    effective_on = models.DateField(_("effective on"))
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    fixed_fields = ("region", "mediator")

    class Meta:
        ordering = ["-effective_on", "-pk"]
        verbose_name = _("level change")
        verbose_name_plural = _("level changes")
        indexes = [
            models.Index(fields=["mediator", "effective_on"]),
            models.Index(fields=["applied_at", "effective_on"]),
        ]
        constraints = [
            # A change comes from a round or from a recorded decision, never from nowhere.
            models.CheckConstraint(
                condition=models.Q(round__isnull=False)
                | models.Q(integrity_record__isnull=False)
                | ~models.Q(decision=""),
                name="level_change_has_a_source",
            )
        ]

    def __str__(self):
        return f"{self.mediator}: {self.from_name or '—'} → {self.to_name or '—'}"

    def region_for_write(self):
        return self.mediator.region
