"""Monthly settlements: per bureau and month, one line per mediator and payer, each
tracing to the rule version and to the cases it pays."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.tenancy import TenantModel
from registry.models.choices import PaidBy
from subsidies.models.choices import (
    LOCKED,
    BlockReason,
    CaseRate,
    MediatorRole,
    SettlementStatus,
)


def _user(verbose_name):
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=verbose_name,
    )


def _money(verbose_name):
    return models.DecimalField(verbose_name, max_digits=12, decimal_places=2, default=0)


class Settlement(TenantModel):
    """A bureau's settlement of one month (``month`` is its first day), computed by a
    job from the rule version in force that month, then reviewed, approved, exported
    and paid, each step by a recorded user (the reviewer and the approver are not the
    preparer). From approval on it is locked. A bureau settles a month once."""

    bureau = models.ForeignKey(
        "core.Bureau", on_delete=models.PROTECT, related_name="+", verbose_name=_("bureau")
    )
    month = models.DateField(_("month"))
    rule_version = models.ForeignKey(
        "subsidies.SubsidyRuleVersion",
        on_delete=models.PROTECT,
        related_name="settlements",
        verbose_name=_("rule version"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=SettlementStatus.choices, default=SettlementStatus.DRAFT
    )
    # The conditional-update claim: the job that is computing the lines (its token),
    # so two workers never compute the same settlement at once.
    computing = models.CharField(max_length=36, blank=True, editable=False)
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True)
    # A digest of the computed lines: a re-run from the same inputs gives the same.
    digest = models.CharField(_("digest of the lines"), max_length=64, blank=True)
    budget_warning = models.CharField(_("budget warning"), max_length=500, blank=True)
    budget_reason = models.CharField(
        _("reason for exceeding the budget"), max_length=500, blank=True
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    prepared_by = _user(_("prepared by"))
    reviewed_by = _user(_("reviewed by"))
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    approved_by = _user(_("approved by"))
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    exported_by = _user(_("exported by"))
    exported_at = models.DateTimeField(_("exported at"), null=True, blank=True)
    paid_recorded_by = _user(_("payment recorded by"))
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    fixed_fields = ("region", "bureau", "month")
    # The claim token is bookkeeping of the job computing the lines, not a change.
    audit_options = {"exclude_fields": ["computing"]}

    class Meta:
        ordering = ["-month", "bureau_id", "-pk"]
        verbose_name = _("settlement")
        verbose_name_plural = _("settlements")
        indexes = [models.Index(fields=["status", "month"])]
        constraints = [
            models.UniqueConstraint(fields=["bureau", "month"], name="settle_month_once"),
            models.CheckConstraint(
                condition=Q(reviewed_by__isnull=True) | ~Q(reviewed_by=models.F("prepared_by")),
                name="settlement_reviewer_not_preparer",
            ),
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True) | ~Q(approved_by=models.F("prepared_by")),
                name="settlement_approver_not_preparer",
            ),
        ]

    def __str__(self):
        return _("%(bureau)s, %(year)d-%(month)02d") % {
            "bureau": self.bureau,
            "year": self.month.year,
            "month": self.month.month,
        }

    def get_absolute_url(self):
        return reverse("subsidies:settlement_detail", args=[self.pk])

    def region_for_write(self):
        return self.bureau.region

    @property
    def locked(self) -> bool:
        return self.status in LOCKED

    @property
    def month_end(self) -> datetime.date:
        following = (self.month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
        return following - datetime.timedelta(days=1)


class SettlementLine(TenantModel):
    """What a settlement pays one mediator through one payer: the base for the post
    (its payer's), the cases, the quarterly bonus, special awards (the case fund's
    payer), less what the monthly cap holds back, plus adjustments from earlier
    months. A mediator without a bank account is listed ``blocked``, not dropped.
    ``month`` repeats the settlement's so a mediator-month-payer is paid once across
    every bureau. Stored under the mediator's region."""

    settlement = models.ForeignKey(
        Settlement, on_delete=models.CASCADE, related_name="lines", verbose_name=_("settlement")
    )
    rule_version = models.ForeignKey(
        "subsidies.SubsidyRuleVersion",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("rule version"),
    )
    # The unique constraint's index (mediator, month, payer) serves lookups by mediator;
    # a second one would only slow the settlement's writes.
    mediator = models.ForeignKey(
        "registry.Mediator",
        on_delete=models.PROTECT,
        related_name="subsidy_lines",
        verbose_name=_("mediator"),
        db_index=False,
    )
    month = models.DateField(_("month"))
    payer = models.CharField(_("payer"), max_length=10, choices=PaidBy.choices)
    level = models.PositiveSmallIntegerField(_("level"), null=True, blank=True)
    full_time = models.BooleanField(_("full-time"), default=False)
    cases = models.PositiveIntegerField(_("cases counted"), default=0)
    base = _money(_("base subsidy"))
    case_amount = _money(_("case subsidy"))
    bonus = _money(_("performance bonus"))
    award = _money(_("special awards"))
    capped = _money(_("held back by the cap"))
    adjustment = _money(_("adjustments"))
    total = _money(_("total"))
    blocked = models.CharField(_("blocked"), max_length=20, choices=BlockReason.choices, blank=True)

    fixed_fields = ("region", "settlement", "mediator", "month", "payer")
    money_fields = ("base", "case_amount", "bonus", "award", "capped", "adjustment", "total")

    class Meta:
        ordering = ["settlement_id", "payer", "mediator_id"]
        verbose_name = _("settlement line")
        verbose_name_plural = _("settlement lines")
        constraints = [
            models.UniqueConstraint(
                fields=["mediator", "month", "payer"], name="pay_mediator_month_once"
            ),
        ]

    def __str__(self):
        return f"{self.mediator} / {self.get_payer_display()}"

    def get_absolute_url(self):
        return reverse("subsidies:line_detail", args=[self.pk])

    def region_for_write(self):
        return self.mediator.region


class SettledCase(TenantModel):
    """One case paid on a line: the mediator's role, the rate applied and why, the
    share and the amount. A case pays each of its mediators once, ever: the
    constraint holds across months and bureaus. Stored under the case's region."""

    line = models.ForeignKey(
        SettlementLine,
        on_delete=models.CASCADE,
        related_name="settled_cases",
        verbose_name=_("line"),
    )
    # Served by the unique constraint's index (case, mediator).
    case = models.ForeignKey(
        "mediation.Case",
        on_delete=models.PROTECT,
        related_name="subsidy_payments",
        verbose_name=_("mediation case"),
        db_index=False,
    )
    mediator = models.ForeignKey(
        "registry.Mediator", on_delete=models.PROTECT, related_name="+", verbose_name=_("mediator")
    )
    role = models.CharField(_("role"), max_length=10, choices=MediatorRole.choices)
    rate_kind = models.CharField(_("rate"), max_length=15, choices=CaseRate.choices)
    rate = _money(_("rate for the case"))
    share = models.DecimalField(_("share"), max_digits=5, decimal_places=4)
    factors = _money(_("factors (persons, amount)"))
    award = _money(_("special award"))
    amount = _money(_("amount"))

    fixed_fields = ("region", "line", "case", "mediator")
    money_fields = ("rate", "factors", "award", "amount")

    class Meta:
        ordering = ["line_id", "case_id"]
        verbose_name = _("settled case")
        verbose_name_plural = _("settled cases")
        constraints = [
            models.UniqueConstraint(fields=["case", "mediator"], name="pay_case_once"),
        ]

    def __str__(self):
        return f"{self.case} / {self.mediator}"

    def get_absolute_url(self):
        return reverse("subsidies:line_detail", args=[self.line_id])

    def region_for_write(self):
        return self.case.region


class Adjustment(TenantModel):
    """A correction to a locked month, paid (or recovered, negative) in a later
    month's settlement: never an edit of the locked lines. ``corrects`` names the
    line it corrects. Stored under the mediator's region."""

    settlement = models.ForeignKey(
        Settlement,
        on_delete=models.PROTECT,
        related_name="adjustments",
        verbose_name=_("settled in"),
    )
    corrects = models.ForeignKey(
        SettlementLine,
        on_delete=models.PROTECT,
        related_name="corrections",
        verbose_name=_("corrects"),
    )
    mediator = models.ForeignKey(
        "registry.Mediator", on_delete=models.PROTECT, related_name="+", verbose_name=_("mediator")
    )
    payer = models.CharField(_("payer"), max_length=10, choices=PaidBy.choices)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    reason = models.CharField(_("reason"), max_length=500)
    created_by = _user(_("created by"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    fixed_fields = ("region", "settlement", "corrects", "mediator", "payer")
    money_fields = ("amount",)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("adjustment")
        verbose_name_plural = _("adjustments")
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="adjustment_not_zero"),
        ]

    def __str__(self):
        return _("Adjustment for %(mediator)s") % {"mediator": self.mediator}

    def get_absolute_url(self):
        return reverse("subsidies:settlement_detail", args=[self.settlement_id])

    def region_for_write(self):
        return self.mediator.region
