from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkdaySchedule(models.Model):
    """The State Council's holiday schedule for one year (放假安排), entered by a bureau
    admin for a year the installed ``chinese-calendar`` does not know yet.

    National data, not a tenant's: every bureau works to the same schedule. Days not
    listed follow the week (Monday to Friday work, weekends off)."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    holidays = models.JSONField(
        _("holidays"), default=list, help_text=_("Weekdays off, as YYYY-MM-DD dates.")
    )
    workdays = models.JSONField(
        _("make-up workdays"),
        default=list,
        help_text=_("Weekend days that are working days (调休上班), as YYYY-MM-DD dates."),
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("holiday schedule")
        verbose_name_plural = _("holiday schedules")

    def __str__(self):
        return str(self.year)

    def clean(self):
        import datetime

        for field in ("holidays", "workdays"):
            days = getattr(self, field)
            if not isinstance(days, list):
                raise ValidationError({field: _("Enter a list of dates.")})
            for day in days:
                try:
                    parsed = datetime.date.fromisoformat(str(day))
                except ValueError as exc:
                    raise ValidationError(
                        {field: _("%(value)s is not a date (YYYY-MM-DD).") % {"value": day}}
                    ) from exc
                if parsed.year != self.year:
                    raise ValidationError(
                        {
                            field: _("%(value)s is not in %(year)s.")
                            % {"value": day, "year": self.year}
                        }
                    )
        overlap = set(map(str, self.holidays)) & set(map(str, self.workdays))
        if overlap:
            raise ValidationError(
                _("A day cannot be both a holiday and a workday: %(days)s.")
                % {"days": ", ".join(sorted(overlap))}
            )
