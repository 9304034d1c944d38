"""After a case: callbacks (回访), the monthly zero report (零报告) of committees with no
cases, and anomaly flags for staff review."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.tenancy import TenantModel
from mediation.models.choices import FlagKind


class CallbackDraw(TenantModel):
    """One month's random sample of a bureau's closed cases, drawn at the bureau's
    callback_rate with a seed derived from (bureau, month) so anyone can redo it."""

    bureau = models.ForeignKey(
        "core.Bureau", on_delete=models.PROTECT, related_name="+", verbose_name=_("bureau")
    )
    month = models.DateField(_("month"))
    rate = models.DecimalField(_("rate"), max_digits=4, decimal_places=3)
    seed = models.BigIntegerField(_("seed"))
    population = models.PositiveIntegerField(_("closed cases"))
    drawn = models.PositiveIntegerField(_("cases drawn"))
    created_at = models.DateTimeField(_("drawn at"), auto_now_add=True)

    class Meta:
        ordering = ["-month", "bureau_id"]
        verbose_name = _("callback draw")
        verbose_name_plural = _("callback draws")
        constraints = [
            models.UniqueConstraint(fields=["bureau", "month"], name="one_draw_per_month")
        ]

    def __str__(self):
        return f"{self.bureau} {self.month:%Y-%m}"

    def region_for_write(self):
        return self.bureau.region


class Callback(TenantModel):
    """A follow-up call with the parties. Drawn cases wait in the queue with no
    ``called_on`` until someone records the call."""

    case = models.ForeignKey(
        "mediation.Case", on_delete=models.PROTECT, related_name="callbacks", verbose_name=_("case")
    )
    draw = models.ForeignKey(
        CallbackDraw,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="callbacks",
        verbose_name=_("draw"),
    )
    called_on = models.DateField(_("called on"), null=True, blank=True)
    satisfaction = models.PositiveSmallIntegerField(
        _("satisfaction (1–5)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    fulfilled = models.BooleanField(_("agreement fulfilled"), null=True, blank=True)
    notes = models.CharField(_("notes"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        ordering = ["called_on", "pk"]
        verbose_name = _("callback")
        verbose_name_plural = _("callbacks")
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=models.Q(draw__isnull=False), name="drawn_once"
            ),
            models.CheckConstraint(
                condition=models.Q(satisfaction__isnull=True)
                | models.Q(satisfaction__gte=1, satisfaction__lte=5),
                name="satisfaction_1_to_5",
            ),
        ]

    def __str__(self):
        return _("Callback on %(case)s") % {"case": self.case}

    def get_absolute_url(self):
        return reverse("mediation:case_detail", args=[self.case_id])

    def region_for_write(self):
        return self.case.region

    def clean(self):
        errors = {}
        if self.called_on:
            if self.satisfaction is None:
                errors["satisfaction"] = _("Record the satisfaction (1 to 5).")
            if self.case_id and self.case.received_on and self.called_on < self.case.received_on:
                errors["called_on"] = _("A callback cannot come before the case.")
        if errors:
            raise ValidationError(errors)


class ZeroReport(TenantModel):
    """A committee's statement that it had no case in a month, so silence is visible."""

    committee = models.ForeignKey(
        "registry.Committee",
        on_delete=models.PROTECT,
        related_name="zero_reports",
        verbose_name=_("committee"),
    )
    month = models.DateField(_("month"))
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("filed at"), auto_now_add=True)

    class Meta:
        ordering = ["-month", "committee_id"]
        verbose_name = _("zero report")
        verbose_name_plural = _("zero reports")
        indexes = [
            # The list's order with its tiebreak (core.generic_views.ordering).
            models.Index(fields=["month", "id"], name="zero_report_by_month"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["committee", "month"], name="one_zero_report")
        ]

    def __str__(self):
        return f"{self.committee} {self.month:%Y-%m}"

    def region_for_write(self):
        return self.committee.region


class CaseFlag(TenantModel):
    """An anomaly for staff to review; never a penalty by itself. ``reason`` says in
    words why it fired."""

    case = models.ForeignKey(
        "mediation.Case", on_delete=models.CASCADE, related_name="flags", verbose_name=_("case")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=FlagKind.choices)
    reason = models.CharField(_("why"), max_length=300)
    created_at = models.DateTimeField(_("raised"), auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    review_note = models.CharField(_("review note"), max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("case flag")
        verbose_name_plural = _("case flags")
        indexes = [
            # The list's order with its tiebreak (core.generic_views.ordering).
            models.Index(fields=["created_at", "id"], name="flag_by_date"),
        ]
        constraints = [models.UniqueConstraint(fields=["case", "kind"], name="one_flag_per_kind")]

    def __str__(self):
        return f"{self.case}: {self.get_kind_display()}"

    def get_absolute_url(self):
        return reverse("mediation:case_detail", args=[self.case_id])

    def region_for_write(self):
        return self.case.region
