import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.tenancy import TenantModel
from registry.models.choices import LeaveKind, TrainingKind


class TrainingSession(TenantModel):
    """A training session; its region is the organising unit's, so a city's session
    is the city's and a county sees its own mediators' attendance of it."""

    title = models.CharField(_("title"), max_length=100)
    kind = models.CharField(_("type"), max_length=10, choices=TrainingKind.choices)
    held_on = models.DateField(_("date"))
    hours = models.DecimalField(
        _("hours"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(0.5), MaxValueValidator(80)],
    )
    base = models.CharField(_("training base"), max_length=100, blank=True)
    trainer = models.CharField(_("trainer"), max_length=50, blank=True)
    attendees = models.ManyToManyField(
        "registry.Mediator",
        through="registry.TrainingAttendance",
        related_name="training_sessions",
        verbose_name=_("attendees"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        indexes = [
            # The list's order with its tiebreak (core.generic_views.ordering).
            models.Index(fields=["held_on", "id"], name="training_by_date"),
        ]

    def __str__(self):
        return f"{self.held_on} {self.title}"

    def get_absolute_url(self):
        return reverse("registry:training_detail", args=[self.pk])


class TrainingAttendance(TenantModel):
    session = models.ForeignKey(
        TrainingSession,
        on_delete=models.PROTECT,
        related_name="attendance",
        verbose_name=_("training session"),
    )
    mediator = models.ForeignKey(
        "registry.Mediator",
        on_delete=models.PROTECT,
        related_name="training_attendance",
        verbose_name=_("mediator"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["session_id", "mediator_id"]
        verbose_name = _("training attendance")
        verbose_name_plural = _("training attendance")
        constraints = [
            models.UniqueConstraint(fields=["session", "mediator"], name="attend_once"),
        ]

    def __str__(self):
        return f"{self.mediator} @ {self.session}"

    def get_absolute_url(self):
        return self.session.get_absolute_url()

    def region_for_write(self):
        return self.mediator.region


class Mentorship(TenantModel):
    """A mentor–apprentice pair (师徒结对, seed 000)."""

    mentor = models.ForeignKey(
        "registry.Mediator",
        on_delete=models.PROTECT,
        related_name="apprenticeships",
        verbose_name=_("mentor"),
    )
    apprentice = models.ForeignKey(
        "registry.Mediator",
        on_delete=models.PROTECT,
        related_name="mentorships",
        verbose_name=_("apprentice"),
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    notes = models.CharField(_("notes"), max_length=200, blank=True)

    class Meta:
        ordering = ["-starts_on", "-pk"]
        verbose_name = _("mentorship")
        verbose_name_plural = _("mentorships")
        indexes = [
            # The list's order with its tiebreak (core.generic_views.ordering).
            models.Index(fields=["starts_on", "id"], name="mentorship_by_start"),
        ]

    def __str__(self):
        return _("%(mentor)s mentors %(apprentice)s") % {
            "mentor": self.mentor,
            "apprentice": self.apprentice,
        }

    def get_absolute_url(self):
        return reverse("registry:mediator_detail", args=[self.apprentice_id])

    def region_for_write(self):
        return self.apprentice.region

    def clean(self):
        errors = {}
        if self.mentor_id and self.mentor_id == self.apprentice_id:
            errors["apprentice"] = _("A mediator cannot mentor themselves.")
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("A mentorship cannot end before it starts.")
        if errors:
            raise ValidationError(errors)


class MonthlyAttendance(TenantModel):
    """A full-time mediator's attendance for one month (seed 004: reported monthly)."""

    mediator = models.ForeignKey(
        "registry.Mediator",
        on_delete=models.PROTECT,
        related_name="monthly_attendance",
        verbose_name=_("mediator"),
    )
    month = models.DateField(_("month"), help_text=_("Any day of the month; stored as the 1st."))
    days_present = models.PositiveSmallIntegerField(
        _("days present"), validators=[MaxValueValidator(31)]
    )
    days_leave = models.PositiveSmallIntegerField(
        _("days on leave"), default=0, validators=[MaxValueValidator(31)]
    )
    notes = models.CharField(_("notes"), max_length=200, blank=True)

    class Meta:
        ordering = ["-month", "mediator_id"]
        verbose_name = _("monthly attendance")
        verbose_name_plural = _("monthly attendance")
        indexes = [
            # The list's order with its tiebreak (core.generic_views.ordering).
            models.Index(fields=["month", "id"], name="attendance_by_month"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["mediator", "month"], name="one_attendance_per_month"),
        ]

    def __str__(self):
        return f"{self.mediator} {self.month:%Y-%m}"

    def get_absolute_url(self):
        return reverse("registry:mediator_detail", args=[self.mediator_id])

    def region_for_write(self):
        return self.mediator.region

    def clean(self):
        if self.month:
            self.month = self.month.replace(day=1)
        errors = {}
        if self.month and self.month > datetime.date.today():
            errors["month"] = _("Attendance cannot be reported for a future month.")
        if (self.days_present or 0) + (self.days_leave or 0) > 31:
            errors["days_leave"] = _("Days present and on leave exceed the days of a month.")
        if self.mediator_id and self.month and not self.mediator_was_full_time():
            errors["mediator"] = _("Attendance is reported for full-time mediators only.")
        if errors:
            raise ValidationError(errors)

    def mediator_was_full_time(self):
        from registry.models.appointments import Appointment

        month_end = (self.month + datetime.timedelta(days=31)).replace(day=1)
        return (
            Appointment._base_manager.filter(
                mediator_id=self.mediator_id, full_time=True, starts_on__lt=month_end
            )
            .filter(models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=self.month))
            .exists()
        )


class LeaveRecord(TenantModel):
    """A leave request of a full-time mediator and whether it was approved."""

    mediator = models.ForeignKey(
        "registry.Mediator",
        on_delete=models.PROTECT,
        related_name="leave_records",
        verbose_name=_("mediator"),
    )
    kind = models.CharField(_("type"), max_length=10, choices=LeaveKind.choices)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    approved = models.BooleanField(_("approved"), default=False)

    class Meta:
        ordering = ["-starts_on", "-pk"]
        verbose_name = _("leave record")
        verbose_name_plural = _("leave records")
        indexes = [
            # The list's order with its tiebreak (core.generic_views.ordering).
            models.Index(fields=["starts_on", "id"], name="leave_by_start"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="leave_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.mediator} {self.get_kind_display()} {self.starts_on}–{self.ends_on}"

    def get_absolute_url(self):
        return reverse("registry:mediator_detail", args=[self.mediator_id])

    def region_for_write(self):
        return self.mediator.region

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("Leave cannot end before it starts.")})
