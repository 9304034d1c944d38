"""Subsidy rule versions: a bureau's subsidy rules in force from a date."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.tenancy import TenantModel, all_regions


class SubsidyRuleVersion(TenantModel):
    """One version of a bureau's subsidy rules (subsidies.rules.RULES declares the
    typed fields stored in ``rules``), in force from ``effective_from`` (a month's
    first day) to ``effective_to`` (a month's last day; empty: until further notice).
    A bureau's versions never overlap; a county without one uses its city's. A
    settlement records the version it used."""

    bureau = models.ForeignKey(
        "core.Bureau", on_delete=models.PROTECT, related_name="+", verbose_name=_("bureau")
    )
    name = models.CharField(_("name"), max_length=100)
    effective_from = models.DateField(_("in force from"))
    effective_to = models.DateField(_("in force until"), null=True, blank=True)
    rules = models.JSONField(_("rules"), default=dict)
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
    # The rules are a typed record shown whole on the version's page; the trail
    # says they changed rather than quoting their JSON.
    history_displays = {"rules": lambda value, entry: _("the subsidy rules (see the version)")}

    class Meta:
        ordering = ["bureau_id", "-effective_from", "-pk"]
        verbose_name = _("subsidy rule version")
        verbose_name_plural = _("subsidy rule versions")
        constraints = [
            models.UniqueConstraint(
                fields=["bureau", "effective_from"], name="subsidy_rules_one_start"
            ),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True)
                | Q(effective_to__gte=models.F("effective_from")),
                name="subsidy_rules_ordered_dates",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("subsidies:rule_detail", args=[self.pk])

    def region_for_write(self):
        return self.bureau.region

    def overlapping(self):
        """The bureau's other versions whose dates meet this one's."""
        others = SubsidyRuleVersion._base_manager.filter(bureau_id=self.bureau_id).exclude(
            pk=self.pk
        )
        if self.effective_to is not None:
            others = others.filter(effective_from__lte=self.effective_to)
        return others.filter(
            Q(effective_to__isnull=True) | Q(effective_to__gte=self.effective_from)
        )

    def clean(self):
        errors = {}
        if self.effective_from and self.effective_from.day != 1:
            errors["effective_from"] = _("A version takes effect on the first day of a month.")
        if self.effective_to and self.effective_from and self.effective_to < self.effective_from:
            errors["effective_to"] = _("The end date is before the start date.")
        if not errors and self.bureau_id and self.effective_from:
            with all_regions():
                clash = self.overlapping().first()
            if clash is not None:
                errors["effective_from"] = _(
                    "These dates overlap the version “%(name)s” (%(start)s – %(end)s)."
                ) % {
                    "name": clash.name,
                    "start": clash.effective_from,
                    "end": clash.effective_to or _("open"),
                }
        if errors:
            raise ValidationError(errors)
