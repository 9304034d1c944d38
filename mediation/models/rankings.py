"""The quarterly ranking of full-time mediators (季通报): immutable snapshots."""

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.tenancy import TenantModel
from mediation.models.choices import RankingCriterion, SnapshotStatus, quarter_name


class QuarterlyTarget(TenantModel):
    """A mediator's case target for a quarter, set by the bureau; without one the
    ranking derives it from the committee's case trend and the bureau's policy."""

    mediator = models.ForeignKey(
        "registry.Mediator", on_delete=models.PROTECT, related_name="+", verbose_name=_("mediator")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"), choices=[(q, q) for q in (1, 2, 3, 4)])
    target = models.PositiveIntegerField(_("target (cases)"))

    class Meta:
        ordering = ["-year", "-quarter", "mediator_id"]
        verbose_name = _("quarterly target")
        verbose_name_plural = _("quarterly targets")
        indexes = [
            # The list's order with its tiebreak (core.generic_views.ordering).
            models.Index(fields=["year", "id"], name="target_by_year"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["mediator", "year", "quarter"], name="one_target_per_quarter"
            )
        ]

    def __str__(self):
        return f"{self.mediator} {self.year}Q{self.quarter}: {self.target}"

    @property
    def period(self) -> str:
        return quarter_name(self.year, self.quarter)

    def region_for_write(self):
        return self.mediator.region


def criterion_labels(names) -> list[str]:
    labels = dict(RankingCriterion.choices)
    return [str(labels.get(name, name)) for name in names or ()]


class RankingSnapshot(TenantModel):
    """One run of the ranking for a bureau and quarter. A run writes a draft and its
    entries in one transaction (a killed worker leaves nothing visible); re-running
    replaces the draft; publishing freezes it and bumps nothing else."""

    bureau = models.ForeignKey(
        "core.Bureau", on_delete=models.PROTECT, related_name="+", verbose_name=_("bureau")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    version = models.PositiveSmallIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=10, choices=SnapshotStatus.choices, default=SnapshotStatus.DRAFT
    )
    cutoff_at = models.DateTimeField(_("inputs as of"))
    criteria = models.JSONField(_("criteria"))
    created_at = models.DateTimeField(_("computed at"), auto_now_add=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    history_displays = {"criteria": lambda names, _entry: " › ".join(criterion_labels(names))}

    class Meta:
        ordering = ["-year", "-quarter", "-version"]
        verbose_name = _("ranking")
        verbose_name_plural = _("rankings")
        constraints = [
            models.UniqueConstraint(
                fields=["bureau", "year", "quarter", "version"], name="one_snapshot_per_version"
            ),
            models.UniqueConstraint(
                fields=["bureau", "year", "quarter"],
                condition=models.Q(status="draft"),
                name="one_draft_per_quarter",
            ),
        ]

    def __str__(self):
        return _("%(bureau)s %(year)s Q%(quarter)s v%(version)s") % {
            "bureau": self.bureau,
            "year": self.year,
            "quarter": self.quarter,
            "version": self.version,
        }

    @property
    def period(self) -> str:
        return quarter_name(self.year, self.quarter)

    @property
    def criteria_labels(self) -> list[str]:
        return criterion_labels(self.criteria)

    def get_absolute_url(self):
        return reverse("mediation:ranking_detail", args=[self.pk])

    def region_for_write(self):
        return self.bureau.region


class RankingEntry(TenantModel):
    snapshot = models.ForeignKey(RankingSnapshot, on_delete=models.CASCADE, related_name="entries")
    mediator = models.ForeignKey(
        "registry.Mediator", on_delete=models.PROTECT, related_name="+", verbose_name=_("mediator")
    )
    rank = models.PositiveIntegerField(_("rank"))
    cases = models.PositiveIntegerField(_("cases"))
    successes = models.PositiveIntegerField(_("successes"))
    success_rate = models.DecimalField(_("success rate"), max_digits=5, decimal_places=4)
    satisfaction = models.DecimalField(
        _("average satisfaction"), max_digits=3, decimal_places=2, null=True
    )
    target = models.PositiveIntegerField(_("target"))
    under_target = models.BooleanField(_("under target"))

    # Entries are written in bulk with their snapshot; the snapshot's own audit
    # entry records the run.
    audit_options = {"exclude_fields": ["snapshot"]}

    class Meta:
        ordering = ["snapshot_id", "rank", "mediator_id"]
        verbose_name = _("ranking entry")
        verbose_name_plural = _("ranking entries")
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "mediator"], name="one_entry_per_mediator")
        ]

    def __str__(self):
        return f"{self.rank}. {self.mediator}"

    def get_absolute_url(self):
        return reverse("mediation:ranking_detail", args=[self.snapshot_id])

    def region_for_write(self):
        return self.snapshot.region

    def clean(self):
        if self.success_rate is not None and not 0 <= self.success_rate <= 1:
            raise ValidationError({"success_rate": _("A rate lies between 0 and 1.")})
