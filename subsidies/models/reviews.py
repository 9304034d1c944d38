"""Case review (以奖代补): a reviewer scores a closed case before it may count."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.tenancy import TenantModel
from subsidies.models.choices import ReviewDecision

# The three scores and their maximum points; the total is out of 100.
SCORE_MAX = {"file_score": 40, "process_score": 30, "result_score": 30}


def _score(label, maximum, help_text):
    return models.PositiveSmallIntegerField(
        label,
        validators=[MinValueValidator(0), MaxValueValidator(maximum)],
        help_text=help_text,
    )


class CaseReview(TenantModel):
    """The review of one closed case: the scores for its file, its process and its
    result, whether an oral agreement's parties are shown to have taken part and an
    unsuccessful case was handled properly, and the reviewer's decision (which also
    settles the case's open anomaly flags). Stored under the case's region. A case
    has one review; ``settlement`` is set when a settlement counts it, and a case
    counted once is never counted again (SettledCase's constraint)."""

    case = models.OneToOneField(
        "mediation.Case",
        on_delete=models.PROTECT,
        related_name="subsidy_review",
        verbose_name=_("mediation case"),
    )
    file_score = _score(_("file completeness"), 40, _("0 to 40 points."))
    process_score = _score(_("process"), 30, _("0 to 30 points."))
    result_score = _score(_("result"), 30, _("0 to 30 points."))
    score = models.PositiveSmallIntegerField(_("total score"), editable=False, default=0)
    participation_evidenced = models.BooleanField(
        _("parties' participation evidenced"),
        default=False,
        help_text=_("For an oral agreement: the file shows that the parties took part."),
    )
    handled_properly = models.BooleanField(
        _("handled properly"),
        default=False,
        help_text=_("For an unsuccessful case: it was handled properly and may be paid in part."),
    )
    decision = models.CharField(_("decision"), max_length=10, choices=ReviewDecision.choices)
    flags_decision = models.CharField(
        _("decision on anomaly flags"),
        max_length=300,
        blank=True,
        help_text=_("Required when the case has open anomaly flags."),
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), auto_now=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    fixed_fields = ("region", "case")

    class Meta:
        ordering = ["-reviewed_at", "-pk"]
        verbose_name = _("case review")
        verbose_name_plural = _("case reviews")
        indexes = [models.Index(fields=["decision", "score"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(file_score__lte=40)
                & models.Q(process_score__lte=30)
                & models.Q(result_score__lte=30),
                name="case_review_scores_in_range",
            )
        ]

    def __str__(self):
        return _("Review of %(case)s") % {"case": self.case}

    def get_absolute_url(self):
        return reverse("subsidies:review_detail", args=[self.pk])

    def region_for_write(self):
        return self.case.region

    def save(self, *args, **kwargs):
        self.score = (self.file_score or 0) + (self.process_score or 0) + (self.result_score or 0)
        super().save(*args, **kwargs)
