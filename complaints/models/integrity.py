"""The mediator's integrity file (诚信档案): commendations, founded complaints and
sanctions in time order. Grading and subsidies read it."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from complaints.models.choices import IntegrityKind, Sanction
from core.tenancy import TenantModel


class IntegrityRecord(TenantModel):
    mediator = models.ForeignKey(
        "registry.Mediator",
        on_delete=models.PROTECT,
        related_name="integrity_records",
        verbose_name=_("mediator"),
    )
    kind = models.CharField(_("kind"), max_length=15, choices=IntegrityKind.choices)
    occurred_on = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=200)
    detail = models.TextField(_("details"), blank=True, max_length=2000)
    awarded_by = models.CharField(_("awarded or imposed by"), max_length=100, blank=True)
    sanction = models.CharField(
        _("sanction"), max_length=12, choices=Sanction.choices, blank=True, default=""
    )
    complaint = models.ForeignKey(
        "complaints.Complaint",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="integrity_records",
        verbose_name=_("complaint"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-occurred_on", "-pk"]
        verbose_name = _("integrity record")
        verbose_name_plural = _("integrity records")
        indexes = [models.Index(fields=["mediator", "occurred_on"])]
        constraints = [
            models.UniqueConstraint(
                fields=["complaint", "kind"],
                condition=models.Q(complaint__isnull=False),
                name="one_integrity_record_per_complaint_and_kind",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.title}"

    def get_absolute_url(self):
        return reverse("registry:mediator_detail", args=[self.mediator_id]) + "#integrity"

    def region_for_write(self):
        return self.mediator.region
