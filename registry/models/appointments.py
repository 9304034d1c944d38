import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.tenancy import TenantModel
from registry.models.choices import ExitReason, PaidBy, Post

# What a full-time post may not be paid by: nobody named, or nobody at all.
NO_PAYER = ("", PaidBy.UNPAID)
POST_LABELS = dict(Post.choices)


def unfunded_full_time(prefix: str = "") -> Q:
    """The filter of full-time posts that name no payer (``prefix`` as in held_on)."""
    return Q(**{f"{prefix}full_time": True, f"{prefix}paid_by__in": NO_PAYER})


def held_on(on: datetime.date | None = None, prefix: str = "") -> Q:
    """The filter of posts held on *on* (today by default); *prefix* is the path to
    the appointment from the queried model, e.g. "appointments__"."""
    on = on or datetime.date.today()
    return Q(**{f"{prefix}starts_on__lte": on}) & (
        Q(**{f"{prefix}ends_on__isnull": True}) | Q(**{f"{prefix}ends_on__gte": on})
    )


class Appointment(TenantModel):
    """A post a mediator holds in a committee. Ending it (exit, transfer) sets
    ``ends_on`` and the reason; rows are never deleted, so the career stays whole."""

    # No index of their own: (mediator, ends_on) and (committee, ends_on) serve every
    # lookup by either, and each extra index slowed every post an import writes.
    mediator = models.ForeignKey(
        "registry.Mediator",
        on_delete=models.PROTECT,
        related_name="appointments",
        verbose_name=_("mediator"),
        db_index=False,
    )
    committee = models.ForeignKey(
        "registry.Committee",
        on_delete=models.PROTECT,
        related_name="appointments",
        verbose_name=_("committee"),
        db_index=False,
    )
    post = models.CharField(_("post"), max_length=10, choices=Post.choices, default=Post.MEDIATOR)
    full_time = models.BooleanField(_("full-time"), default=False)
    # No default: who pays a full-time post is stated, never assumed (the subsidies
    # trust it). Rows stored before this rule keep what they have; the completeness
    # report lists full-time posts still without a payer.
    paid_by = models.CharField(_("paid by"), max_length=10, choices=PaidBy.choices, blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    exit_reason = models.CharField(
        _("exit reason"), max_length=25, choices=ExitReason.choices, blank=True
    )
    exit_note = models.CharField(_("exit note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "-pk"]
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        indexes = [
            models.Index(fields=["committee", "ends_on"]),
            models.Index(fields=["mediator", "ends_on"]),
            # The API's keyset order (newest first, then id).
            models.Index(fields=["starts_on", "id"], name="appointment_by_start"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="appointment_ends_after_start",
            ),
            # The database backstop of "one full-time post at a time" for open posts;
            # clean() checks overlapping dated ones.
            models.UniqueConstraint(
                fields=["mediator"],
                condition=Q(full_time=True, ends_on__isnull=True),
                name="one_open_fulltime_post",
            ),
        ]

    def __str__(self):
        return _("%(mediator)s, %(post)s of %(committee)s") % {
            "mediator": self.mediator,
            # The label from the choices' own mapping: get_post_display() rebuilds a
            # dict of every choice per call, which the audit of a big import felt.
            "post": POST_LABELS.get(self.post, self.post),
            "committee": self.committee,
        }

    def get_absolute_url(self):
        return reverse("registry:mediator_detail", args=[self.mediator_id])

    def region_for_write(self):
        return self.committee.region

    @property
    def is_current(self):
        today = datetime.date.today()
        return self.starts_on <= today and (self.ends_on is None or self.ends_on >= today)

    def clean(self):
        errors = {}
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("An appointment cannot end before it starts.")
        if self.ends_on and not self.exit_reason:
            errors["exit_reason"] = _("Give the reason the appointment ended.")
        if self.committee_id and not self.committee.is_active and not self.pk:
            errors["committee"] = _("This committee is deregistered.")
        if self.full_time and self.paid_by in NO_PAYER and self._payment_changed():
            errors["paid_by"] = _(
                "A full-time post must name who pays for it: choose the funding source "
                "(not “Unpaid”)."
            )
        if not errors and self.full_time and self.mediator_id and self.overlapping_full_time():
            errors["full_time"] = _(
                "This mediator already holds a full-time post in that period; "
                "end it first or record a transfer."
            )
        if errors:
            raise ValidationError(errors)

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        if {"full_time", "paid_by"} <= set(field_names):
            instance._stored_payment = (instance.full_time, instance.paid_by)
        return instance

    def _payment_changed(self) -> bool:
        """A new post, or one whose full-time flag or payer is being changed: a row
        stored without a payer before the rule may still be ended or edited otherwise."""
        if self._state.adding:
            return True
        stored = getattr(self, "_stored_payment", None)
        if stored is None:  # saved by this instance, or loaded without these fields
            stored = (
                Appointment._base_manager.filter(pk=self.pk)
                .values_list("full_time", "paid_by")
                .first()
            )
        return stored != (self.full_time, self.paid_by)

    def overlapping_full_time(self):
        # Every committee, not just this jurisdiction's: the base manager is unscoped.
        others = Appointment._base_manager.filter(
            mediator_id=self.mediator_id, full_time=True
        ).exclude(pk=self.pk)
        others = others.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=self.starts_on))
        if self.ends_on:
            others = others.filter(starts_on__lte=self.ends_on)
        return others.select_related("committee").first()
