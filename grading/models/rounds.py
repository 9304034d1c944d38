"""A grading round and what it computes: the eligibility list at its cut-off."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.tenancy import TenantModel
from grading.models.choices import FINISHED, RoundStatus


class GradingRound(TenantModel):
    """One round of grading by a bureau: the level ranks it grades (ranks into the
    bureau's ``grading_levels``), the cut-off date the records are read at and the
    schedule. Moves through ``RoundStatus`` only by grading.services; once closed it
    is a record and no longer changes, except for taking effect."""

    bureau = models.ForeignKey(
        "core.Bureau", on_delete=models.PROTECT, related_name="+", verbose_name=_("bureau")
    )
    name = models.CharField(_("name"), max_length=100)
    # Ranks, 1 = the highest level; a small list, shown as level names by the pages.
    ranks = models.JSONField(_("levels graded"), default=list)
    cutoff_on = models.DateField(_("cut-off date"))
    applications_open_on = models.DateField(_("applications open on"))
    applications_close_on = models.DateField(_("applications close on"))
    notice_starts_on = models.DateField(_("notice starts on"), null=True, blank=True)
    notice_ends_on = models.DateField(_("notice ends on"), null=True, blank=True)
    effective_on = models.DateField(_("levels take effect on"))
    status = models.CharField(
        _("status"), max_length=15, choices=RoundStatus.choices, default=RoundStatus.DRAFT
    )
    # The bureau's grading rules as they stood when eligibility was computed: the
    # thresholds the list was judged by, so re-running at the cut-off gives the same
    # list even if a rule changed since (recompute with refresh_rules to take it).
    rules = models.JSONField(_("rules applied"), default=dict, blank=True)
    eligibility_computed_at = models.DateTimeField(
        _("eligibility computed at"), null=True, blank=True
    )
    # How many mediators the list holds, written with it: each panel decision checks
    # the quota against it, and counting a province's list (800,000 rows) each time
    # took most of a decision.
    listed = models.PositiveIntegerField(_("mediators listed"), default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    fixed_fields = ("region", "bureau")

    class Meta:
        ordering = ["-cutoff_on", "-pk"]
        verbose_name = _("grading round")
        verbose_name_plural = _("grading rounds")
        indexes = [models.Index(fields=["bureau", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(applications_close_on__gte=models.F("applications_open_on")),
                name="grading_applications_close_after_open",
            ),
            models.CheckConstraint(
                condition=models.Q(effective_on__gte=models.F("cutoff_on")),
                name="grading_effective_after_cutoff",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("grading:round_detail", args=[self.pk])

    def region_for_write(self):
        return self.bureau.region

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        if "status" in field_names:
            instance._stored_status = instance.status
        return instance

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED

    @property
    def in_notice(self) -> bool:
        return self.status == RoundStatus.NOTICE

    def notice_open_on(self, day: datetime.date) -> bool:
        return (
            self.in_notice
            and self.notice_starts_on is not None
            and self.notice_starts_on <= day <= self.notice_ends_on
        )

    def clean(self):
        errors = {}
        today = datetime.date.today()
        if self.cutoff_on and self.cutoff_on > today:
            errors["cutoff_on"] = _(
                "The cut-off date cannot be in the future: eligibility is read from the "
                "records as they stand on it."
            )
        if (
            self.applications_open_on
            and self.applications_close_on
            and self.applications_close_on < self.applications_open_on
        ):
            errors["applications_close_on"] = _("Applications cannot close before they open.")
        if self.effective_on and self.cutoff_on and self.effective_on < self.cutoff_on:
            errors["effective_on"] = _("Levels cannot take effect before the cut-off date.")
        if not self.ranks:
            errors["ranks"] = _("Choose at least one level to grade.")
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        # A finished round is a record: only its move to "in effect" may still be saved.
        stored = getattr(self, "_stored_status", None)
        changed = set(kwargs.get("update_fields") or ()) - {"status", "updated_at"}
        if stored in FINISHED and (kwargs.get("update_fields") is None or changed):
            raise ValidationError(_("A closed round cannot be changed."))
        super().save(*args, **kwargs)
        self._stored_status = self.status


class Eligibility(TenantModel):
    """A mediator's figures at the round's cut-off, each criterion's pass or fail per
    level graded, and the highest level graded they meet in full. Stored under the
    mediator's region, so a county sees its own mediators' rows of a city round."""

    round = models.ForeignKey(
        GradingRound,
        on_delete=models.CASCADE,
        related_name="eligibility",
        verbose_name=_("grading round"),
    )
    mediator = models.ForeignKey(
        "registry.Mediator", on_delete=models.PROTECT, related_name="+", verbose_name=_("mediator")
    )
    committee = models.ForeignKey(
        "registry.Committee",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("committee"),
    )
    current_rank = models.PositiveSmallIntegerField(_("level at the cut-off"), null=True)
    serving = models.BooleanField(_("serving"))
    record_complete = models.BooleanField(_("complete record"))
    years = models.DecimalField(_("years of service"), max_digits=4, decimal_places=1)
    cases = models.PositiveIntegerField(_("cases mediated"))
    successes = models.PositiveIntegerField(_("successful cases"))
    success_rate = models.FloatField(_("success rate"), null=True)
    oral_share = models.FloatField(_("share of oral agreements"), null=True)
    difficult = models.PositiveIntegerField(_("difficult and complex cases"))
    training_sessions = models.PositiveIntegerField(_("training sessions"))
    training_hours = models.DecimalField(_("training hours"), max_digits=7, decimal_places=1)
    satisfaction = models.FloatField(_("average satisfaction"), null=True)
    complaints = models.PositiveIntegerField(_("founded complaints and sanctions"))
    criminal = models.PositiveIntegerField(_("disputes turned criminal"))
    # {"basic": {criterion: passed}, "<rank>": {criterion: passed}}: computed with
    # the values above from round.rules; a page shows it, nobody types it.
    checks = models.JSONField(_("checks"), default=dict)
    qualified_rank = models.PositiveSmallIntegerField(_("highest level met"), null=True)

    class Meta:
        ordering = ["round", "qualified_rank", "mediator_id"]
        verbose_name = _("eligibility")
        verbose_name_plural = _("eligibility")
        constraints = [
            models.UniqueConstraint(fields=["round", "mediator"], name="grading_eligible_once")
        ]

    def __str__(self):
        return f"{self.mediator} / {self.round}"

    def region_for_write(self):
        return self.mediator.region

    def passes(self, rank: int) -> bool:
        """Every basic condition and every criterion of *rank*."""
        level = self.checks.get(str(rank))
        return level is not None and all(self.checks["basic"].values()) and all(level.values())

    def failed(self, rank: int) -> list[str]:
        """The criteria (Criterion values) failed for *rank*, basic ones first."""
        level = self.checks.get(str(rank), {})
        both = [*self.checks.get("basic", {}).items(), *level.items()]
        return [name for name, passed in both if not passed]
