"""Honours (seed 004: 金牌调解员, 十大优秀调解案例): a bureau's call for nominations,
the judicial offices' nominations, the panel and each member's scores, and the
result that enters the integrity file. Rows move only through honours.services."""

import ast
import json

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.tenancy import TenantModel


class CallStatus(models.TextChoices):
    """A call's workflow, in order (services move it one step at a time)."""

    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Taking nominations")
    JUDGING = "judging", _("Before the panel")
    ANNOUNCED = "announced", _("Announced")


class Subject(models.TextChoices):
    """What a call honours: a mediator (金牌调解员) or a case (十佳案例)."""

    MEDIATOR = "mediator", _("A mediator")
    CASE = "case", _("A case")


class ResultMethod(models.TextChoices):
    """How a nominee's result is made from the panel's scores (the bureau's rule)."""

    AVERAGE = "average", _("The average of the panel's scores")
    TRIMMED = "trimmed", _("The average without the highest and the lowest score")


def criteria_display(value, _entry=None) -> str:
    """Criteria as the history shows them: 调解成效（60分）、群众评价（40分）."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            try:
                value = ast.literal_eval(value)
            except (ValueError, SyntaxError):
                return value
    if not isinstance(value, list):
        return str(value)
    return "、".join(
        _("%(name)s (%(points)s points)") % {"name": c.get("name"), "points": c.get("points")}
        for c in value
        if isinstance(c, dict)
    )


# The titles seed 004 names, offered first; a bureau may name its own.
GOLD_MEDIATOR = "金牌调解员"
TEN_BEST_CASES = "十佳案例"


def _user(verbose_name):
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=verbose_name,
    )


class HonourCall(TenantModel):
    """A bureau's call for nominations for one title. ``criteria`` are the published
    criteria, ``[{"name": …, "points": …}]``: each panel member scores each nominee
    on each of them. ``places`` nominees with the best results receive the title."""

    bureau = models.ForeignKey(
        "core.Bureau", on_delete=models.PROTECT, related_name="+", verbose_name=_("bureau")
    )
    name = models.CharField(_("name"), max_length=100)
    title = models.CharField(
        _("title awarded"),
        max_length=50,
        help_text=_("The honour the winners receive, e.g. 金牌调解员 or 十佳案例."),
    )
    subject = models.CharField(_("nominees are"), max_length=10, choices=Subject.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    places = models.PositiveSmallIntegerField(_("places"))
    deadline = models.DateField(_("nominations close on"))
    description = models.TextField(_("notice"), max_length=4000, blank=True)
    criteria = models.JSONField(_("criteria"), default=list)
    # The bureau's rule as it stood when judging began: the result is made by it.
    method = models.CharField(_("result"), max_length=10, choices=ResultMethod.choices, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=CallStatus.choices, default=CallStatus.DRAFT
    )
    announced_on = models.DateField(_("announced on"), null=True, blank=True)
    created_by = _user(_("created by"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    fixed_fields = ("region", "bureau")
    history_displays = {"criteria": criteria_display}

    class Meta:
        ordering = ["-year", "-pk"]
        verbose_name = _("call for nominations")
        verbose_name_plural = _("calls for nominations")
        indexes = [models.Index(fields=["bureau", "status"])]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("honours:call_detail", args=[self.pk])

    def region_for_write(self):
        return self.bureau.region

    @property
    def max_points(self) -> int:
        return sum(int(c["points"]) for c in self.criteria)


class PanelMember(TenantModel):
    """A member of a call's panel (评审委员会). ``office`` is the judicial office the
    member works in, if any: they may not score that office's nominees."""

    call = models.ForeignKey(
        HonourCall, on_delete=models.CASCADE, related_name="panel", verbose_name=_("call")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("panel member"),
    )
    office = models.ForeignKey(
        "core.JudicialOffice",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("works in"),
    )
    added_at = models.DateTimeField(_("added"), auto_now_add=True)

    fixed_fields = ("region", "call", "user")

    class Meta:
        ordering = ["call", "pk"]
        verbose_name = _("panel member")
        verbose_name_plural = _("panel members")
        constraints = [
            models.UniqueConstraint(fields=["call", "user"], name="honours_panel_member_once")
        ]

    def __str__(self):
        return f"{self.display_name} / {self.call}"

    def get_absolute_url(self):
        return self.call.get_absolute_url()

    def region_for_write(self):
        return self.call.region

    @property
    def display_name(self) -> str:
        return self.user.get_full_name() or self.user.username


class Nomination(TenantModel):
    """A judicial office's nomination of a mediator, or of a case, with its statement.
    Stored under the office's township, so the office sees its own. The result
    (``score``, ``rank``, ``awarded``) is written when the call is announced."""

    call = models.ForeignKey(
        HonourCall, on_delete=models.PROTECT, related_name="nominations", verbose_name=_("call")
    )
    office = models.ForeignKey(
        "core.JudicialOffice",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("nominated by"),
    )
    mediator = models.ForeignKey(
        "registry.Mediator",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("mediator"),
    )
    case = models.ForeignKey(
        "mediation.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("case"),
    )
    statement = models.TextField(_("statement"), max_length=4000)
    score = models.DecimalField(_("result"), max_digits=7, decimal_places=2, null=True, blank=True)
    rank = models.PositiveSmallIntegerField(_("rank"), null=True, blank=True)
    awarded = models.BooleanField(_("awarded"), default=False)
    integrity_record = models.ForeignKey(
        "complaints.IntegrityRecord",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("integrity record"),
    )
    nominated_by = _user(_("submitted by"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    fixed_fields = ("region", "call", "office", "mediator", "case")

    class Meta:
        ordering = ["call", "rank", "pk"]
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        indexes = [models.Index(fields=["call", "office"])]
        constraints = [
            models.UniqueConstraint(
                fields=["call", "mediator"],
                condition=models.Q(case__isnull=True),
                name="honours_mediator_nominated_once",
            ),
            models.UniqueConstraint(
                fields=["call", "case"],
                condition=models.Q(case__isnull=False),
                name="honours_case_nominated_once",
            ),
        ]

    def __str__(self):
        subject = self.case.number if self.case_id else self.mediator.name
        return f"{subject} / {self.call}"

    def get_absolute_url(self):
        return reverse("honours:nomination_detail", args=[self.pk])

    def region_for_write(self):
        return self.office.region


class Score(TenantModel):
    """One panel member's score of one nominee: points per criterion (by position in
    the call's criteria) and their total. Recorded once; never edited."""

    nomination = models.ForeignKey(
        Nomination, on_delete=models.CASCADE, related_name="scores", verbose_name=_("nomination")
    )
    member = models.ForeignKey(
        PanelMember, on_delete=models.PROTECT, related_name="scores", verbose_name=_("panel member")
    )
    points = models.JSONField(_("points"), default=list)
    total = models.DecimalField(_("total"), max_digits=7, decimal_places=2)
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("scored at"), auto_now_add=True)

    fixed_fields = ("region", "nomination", "member")

    class Meta:
        ordering = ["nomination", "member"]
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["nomination", "member"], name="honours_score_once")
        ]

    def __str__(self):
        return f"{self.member.display_name} → {self.nomination}"

    def get_absolute_url(self):
        return self.nomination.get_absolute_url()

    def region_for_write(self):
        return self.nomination.region
