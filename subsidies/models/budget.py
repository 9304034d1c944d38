"""Annual budgets: how much a bureau may spend on subsidies in a year, per fund (seed
001: 180,000 for six full-time mediators' base subsidies and a 100,000 case fund,
280,000 in all), optionally for one payer only (a post's funding source). What has
been spent is read from the settlements (subsidies.budgets), never stored here, so
the figures cannot drift from what was paid."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.tenancy import TenantModel
from registry.models.choices import PaidBy

# More than any county spends on mediators' subsidies in a year: a typo guard.
MAX_BUDGET = Decimal("100000000.00")


class Fund(models.TextChoices):
    # Base subsidies (基础补贴) of posts, e.g. 2,500 a month per full-time mediator.
    BASE = "base", _("Base subsidies")
    # The per-case fund (以案定补专项经费): case subsidies.
    CASE = "case", _("Case fund")
    # Performance bonuses and special awards (绩效奖金、专项奖励).
    BONUS = "bonus", _("Bonuses and awards")


class Budget(TenantModel):
    """One fund's money for one year of a bureau; ``payer`` narrows it to the
    posts one funding source pays (blank: every payer)."""

    bureau = models.ForeignKey(
        "core.Bureau", on_delete=models.PROTECT, related_name="+", verbose_name=_("bureau")
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    fund = models.CharField(_("fund"), max_length=10, choices=Fund.choices)
    payer = models.CharField(
        _("paid by"),
        max_length=10,
        choices=PaidBy.choices,
        blank=True,
        help_text=_("Leave blank when the budget covers the posts of every payer."),
    )
    amount = models.DecimalField(
        _("amount (yuan)"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(MAX_BUDGET)],
    )
    note = models.CharField(
        _("Note"),
        max_length=200,
        blank=True,
        help_text=_("Where the money comes from, e.g. the budget document's number."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    fixed_fields = ("region", "bureau", "year", "fund", "payer")

    class Meta:
        ordering = ["-year", "fund", "payer", "pk"]
        verbose_name = _("budget")
        verbose_name_plural = _("budgets")
        constraints = [
            models.UniqueConstraint(
                fields=["bureau", "year", "fund", "payer"],
                name="one_budget_per_bureau_year_fund_payer",
                violation_error_message=_(
                    "This bureau already has a budget for this fund, year and payer."
                ),
            ),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="budget_positive"),
        ]

    def __str__(self):
        payer = f" · {self.get_payer_display()}" if self.payer else ""
        return _("%(year)s %(fund)s budget%(payer)s") % {
            "year": self.year,
            "fund": self.get_fund_display(),
            "payer": payer,
        }

    def get_absolute_url(self):
        return reverse("subsidies_finance:budget_detail", args=[self.pk])

    def region_for_write(self):
        return self.bureau.region if self.bureau_id else None
