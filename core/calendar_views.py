"""The holiday schedules deadlines are counted with (放假安排).

Years the installed ``chinese-calendar`` knows are built in; for a later year a
bureau admin enters the State Council's published schedule, and the deadlines that
were counted Monday to Friday meanwhile are recomputed. National data, not a
tenant's: any bureau admin may enter it, and every change is audited."""

import datetime
import re

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView

from core import history
from core.forms import ServiceErrorsMixin
from core.generic_views import RoleRequiredMixin
from core.inputs import Form
from core.models import RoleKind, WorkdaySchedule
from core.workdays import library_knows, save_schedule

FIRST_BUILT_IN = 2004
YEARS = range(2000, 2101)
_SEPARATORS = re.compile(r"[\s,，、;；]+")


def parse_days(text: str) -> list[str]:
    """Dates one per line or separated by commas, as sorted ISO strings. A token
    that is not a date is kept as typed, for WorkdaySchedule.clean to name it."""
    days = set()
    for token in _SEPARATORS.split(text or ""):
        if not token:
            continue
        try:
            days.add(datetime.date.fromisoformat(token).isoformat())
        except ValueError:
            days.add(token)
    return sorted(days)


class WorkdayScheduleForm(ServiceErrorsMixin, Form):
    holidays = forms.CharField(
        label=gettext_lazy("Holidays"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10, "placeholder": "2027-01-01"}),
        help_text=gettext_lazy(
            "Weekdays off, one date (YYYY-MM-DD) per line or separated by commas."
        ),
    )
    workdays = forms.CharField(
        label=gettext_lazy("Make-up workdays"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy(
            "Weekend days that are working days (调休上班), one date per line or "
            "separated by commas."
        ),
    )

    def __init__(self, *args, instance, **kwargs):
        self.instance = instance
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        self.instance.holidays = parse_days(data.get("holidays", ""))
        self.instance.workdays = parse_days(data.get("workdays", ""))
        try:
            self.instance.clean()
        except ValidationError as exc:
            self.add_service_error(exc)
        return data


def _year_rows(today: datetime.date):
    entered = {s.year: s for s in WorkdaySchedule.objects.select_related("entered_by")}
    last = max([today.year + 2, *entered])
    rows = []
    for year in range(last, FIRST_BUILT_IN - 1, -1):
        rows.append(
            {
                "year": year,
                "built_in": library_knows(year),
                "schedule": entered.get(year),
            }
        )
    return rows


class WorkdayListView(RoleRequiredMixin, TemplateView):
    template_name = "core/workday_list.html"

    def get(self, request, *args, **kwargs):
        year = request.GET.get("year", "")
        if year.isascii() and year.isdigit() and int(year) in YEARS:
            return redirect("core:workday_edit", int(year))
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rows"] = _year_rows(datetime.date.today())
        context["may_edit"] = self.request.active_role.kind == RoleKind.BUREAU_ADMIN
        return context


class WorkdayEditView(RoleRequiredMixin, FormView):
    """Bureau admins only, to read as well: the form is the page."""

    template_name = "core/workday_edit.html"
    form_class = WorkdayScheduleForm
    write_roles = {RoleKind.BUREAU_ADMIN}
    requires_write = True

    def dispatch(self, request, *args, year, **kwargs):
        if year not in YEARS:
            raise Http404(_("No such year."))
        self.year = year
        self.built_in = library_knows(year)
        self.schedule = WorkdaySchedule.objects.filter(year=year).first() or WorkdaySchedule(
            year=year
        )
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {
            "holidays": "\n".join(self.schedule.holidays),
            "workdays": "\n".join(self.schedule.workdays),
        }

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.schedule}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["year"] = self.year
        context["built_in"] = self.built_in
        context["schedule"] = self.schedule
        context.update(history.context(self.request, self.schedule))
        return context

    def form_valid(self, form):
        if self.built_in:
            form.add_error(
                None,
                _("The calendar library already knows %(year)s; it cannot be entered here.")
                % {"year": self.year},
            )
            return self.form_invalid(form)
        changed = save_schedule(form.instance, user=self.request.user)
        messages.success(
            self.request,
            _("The %(year)s schedule is saved; %(count)d provisional deadlines changed.")
            % {"year": self.year, "count": changed},
        )
        return redirect("core:workday_edit", self.year)
