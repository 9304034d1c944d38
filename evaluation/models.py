"""The annual evaluation (年度考评) of a bureau's full-time mediators and the renewal
list it feeds.

An ``Evaluation`` is one run for a bureau and year: a draft with one ``EvaluationEntry``
per mediator, whose figures are copied from the records when it runs (a snapshot: a
case edited later changes nothing here). Staff review it (grades may be changed, each
change with its reason), then publish it; publishing writes the renewal list
(``RenewalCandidate``), on which the bureau decides each mediator."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.tenancy import TenantModel


class EvaluationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    REVIEWED = "reviewed", _("Reviewed")
    PUBLISHED = "published", _("Published")


class Grade(models.TextChoices):
    """Ordered best first; ``Grade.order`` compares them."""

    EXCELLENT = "excellent", _("Excellent")
    COMPETENT = "competent", _("Competent")
    BASIC = "basic", _("Basically competent")
    INCOMPETENT = "incompetent", _("Incompetent")


class RenewalReason(models.TextChoices):
    INCOMPETENT = "incompetent", _("Graded Incompetent")
    UNDER_TARGET = "under_target", _("Under target in too many quarters")
    LOWEST_SCORE = "lowest_score", _("Among the lowest scores (turnover target)")


class RenewalDecision(models.TextChoices):
    PENDING = "pending", _("To decide")
    RENEW = "renew", _("Renew the contract")
    END = "end", _("End the contract")


class Evaluation(TenantModel):
    bureau = models.ForeignKey(
        "core.Bureau", on_delete=models.PROTECT, related_name="+", verbose_name=_("bureau")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    version = models.PositiveSmallIntegerField(_("version"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=EvaluationStatus.choices,
        default=EvaluationStatus.DRAFT,
    )
    cutoff_at = models.DateTimeField(_("inputs as of"))
    rules = models.JSONField(_("rules applied"))
    created_at = models.DateTimeField(_("computed at"), auto_now_add=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    history_displays = {"rules": lambda rules, _entry: _("(the rules applied)")}

    class Meta:
        ordering = ["-year", "-version"]
        verbose_name = _("annual evaluation")
        verbose_name_plural = _("annual evaluations")
        indexes = [models.Index(fields=["created_at", "id"], name="evaluation_by_created")]
        constraints = [
            models.UniqueConstraint(
                fields=["bureau", "year", "version"], name="one_evaluation_per_version"
            ),
            # A year has one evaluation being prepared, and once one is published the
            # year is closed (a rerun is refused).
            models.UniqueConstraint(
                fields=["bureau", "year"],
                condition=models.Q(status__in=["draft", "reviewed"]),
                name="one_open_evaluation_per_year",
            ),
            models.UniqueConstraint(
                fields=["bureau", "year"],
                condition=models.Q(status="published"),
                name="one_published_evaluation_per_year",
            ),
        ]

    def __str__(self):
        return _("%(bureau)s %(year)s annual evaluation v%(version)s") % {
            "bureau": self.bureau,
            "year": self.year,
            "version": self.version,
        }

    def get_absolute_url(self):
        return reverse("evaluation:evaluation_detail", args=[self.pk])

    def region_for_write(self):
        return self.bureau.region


class EvaluationEntry(TenantModel):
    """One mediator's figures, score and grade in an evaluation, as computed when it
    ran; only the grade changes afterwards, by a reviewer with a reason."""

    evaluation = models.ForeignKey(
        Evaluation,
        on_delete=models.CASCADE,
        related_name="entries",
        verbose_name=_("annual evaluation"),
    )
    mediator = models.ForeignKey(
        "registry.Mediator", on_delete=models.PROTECT, related_name="+", verbose_name=_("mediator")
    )
    committee = models.ForeignKey(
        "registry.Committee",
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("committee"),
    )
    rank = models.PositiveIntegerField(_("rank"))
    cases = models.PositiveIntegerField(_("cases"))
    successes = models.PositiveIntegerField(_("successes"))
    success_rate = models.DecimalField(_("success rate"), max_digits=5, decimal_places=4)
    fulfilment_checked = models.PositiveIntegerField(_("agreements checked at callback"))
    fulfilled = models.PositiveIntegerField(_("agreements fulfilled"))
    fulfilment_rate = models.DecimalField(
        _("agreement fulfilment rate"), max_digits=5, decimal_places=4, null=True
    )
    callbacks = models.PositiveIntegerField(_("callbacks with satisfaction"))
    satisfaction = models.DecimalField(
        _("average satisfaction"), max_digits=3, decimal_places=2, null=True
    )
    training_hours = models.DecimalField(_("training hours"), max_digits=6, decimal_places=1)
    attendance_months = models.PositiveSmallIntegerField(_("months of attendance reported"))
    days_present = models.PositiveIntegerField(_("days present"))
    days_leave = models.PositiveIntegerField(_("days on leave"), default=0)
    attendance_rate = models.DecimalField(
        _("attendance rate"), max_digits=5, decimal_places=4, null=True
    )
    complaints = models.PositiveIntegerField(_("founded complaints"))
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2)
    computed_grade = models.CharField(_("computed grade"), max_length=12, choices=Grade.choices)
    grade = models.CharField(_("grade"), max_length=12, choices=Grade.choices)
    adjustment_reason = models.CharField(
        _("reason for the grade change"), max_length=300, blank=True
    )
    adjusted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("grade changed by"),
    )
    adjusted_at = models.DateTimeField(_("grade changed at"), null=True, blank=True)

    # Entries are written in bulk with their evaluation, whose own audit entry records
    # the run; a grade change is audited on the entry.
    audit_options = {"exclude_fields": ["evaluation"]}

    class Meta:
        ordering = ["evaluation_id", "rank", "mediator_id"]
        verbose_name = _("evaluation entry")
        verbose_name_plural = _("evaluation entries")
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "mediator"], name="one_evaluation_entry_per_mediator"
            )
        ]

    def __str__(self):
        return f"{self.evaluation.year} {self.mediator}"

    @property
    def adjusted(self) -> bool:
        return self.grade != self.computed_grade

    def get_absolute_url(self):
        return reverse("evaluation:entry_detail", args=[self.pk])

    def region_for_write(self):
        return self.evaluation.region

    def clean(self):
        if self.grade != self.computed_grade and not self.adjustment_reason.strip():
            raise ValidationError(
                {"adjustment_reason": _("Give the reason for changing the grade.")}
            )


class RenewalCandidate(TenantModel):
    """A mediator the published evaluation puts on the renewal list, and the bureau's
    decision. Ending the contract ends the mediator's full-time post through the
    roster's exit service, with the evaluation as the reason."""

    evaluation = models.ForeignKey(
        Evaluation,
        on_delete=models.PROTECT,
        related_name="candidates",
        verbose_name=_("annual evaluation"),
    )
    entry = models.OneToOneField(
        EvaluationEntry,
        on_delete=models.PROTECT,
        related_name="candidate",
        verbose_name=_("evaluation entry"),
    )
    mediator = models.ForeignKey(
        "registry.Mediator", on_delete=models.PROTECT, related_name="+", verbose_name=_("mediator")
    )
    reason = models.CharField(_("why listed"), max_length=15, choices=RenewalReason.choices)
    quarters_under = models.PositiveSmallIntegerField(_("quarters under target"))
    decision = models.CharField(
        _("decision"),
        max_length=10,
        choices=RenewalDecision.choices,
        default=RenewalDecision.PENDING,
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    ends_on = models.DateField(_("contract ends on"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        ordering = ["evaluation_id", "entry__rank", "pk"]
        verbose_name = _("renewal candidate")
        verbose_name_plural = _("renewal candidates")
        indexes = [models.Index(fields=["decision", "id"], name="renewal_by_decision")]

    def __str__(self):
        return f"{self.evaluation.year} {self.mediator}"

    def get_absolute_url(self):
        return reverse("evaluation:candidate_decide", args=[self.pk])

    def region_for_write(self):
        return self.evaluation.region
