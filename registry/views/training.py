"""Training sessions and their attendance, the training report, mentorships, monthly
attendance and leave."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import generic

from core import snapshots
from core.db_router import ReplicaReadsMixin
from core.generic_views import (
    RoleRequiredMixin,
    TenantCreateView,
    TenantDetailView,
    TenantListView,
    TenantUpdateView,
    for_model,
)
from core.jurisdiction import require_role
from core.models.roles import BUREAU_WRITERS
from core.tenancy import in_jurisdiction
from registry import reports, training
from registry import snapshots as registry_snapshots
from registry.filtersets import (
    LeaveRecordFilterSet,
    MentorshipFilterSet,
    MonthlyAttendanceFilterSet,
    TrainingSessionFilterSet,
)
from registry.forms.reports import TrainingReportForm
from registry.forms.training import (
    AttendanceAddForm,
    LeaveRecordForm,
    MentorshipForm,
    MonthlyAttendanceForm,
    TrainingSessionForm,
)
from registry.models import (
    LeaveRecord,
    Mentorship,
    MonthlyAttendance,
    TrainingAttendance,
    TrainingSession,
)

# --- Training sessions -------------------------------------------------------------------


class TrainingListView(TenantListView):
    model = TrainingSession
    template_name = "registry/training_list.html"
    filterset_class = TrainingSessionFilterSet
    sort_fields = {"held_on": "held_on", "title": "title", "hours": "hours"}
    default_sort = "-held_on"

    def get_queryset(self):
        # Only attendees the user may see are counted, as the session page lists them.
        return (
            super()
            .get_queryset()
            .select_related("region")
            .annotate(attendee_count=training.attendee_count())
        )


class TrainingDetailView(TenantDetailView):
    """The session with its attendees; POST adds attendees."""

    model = TrainingSession
    template_name = "registry/training_detail.html"

    def get_queryset(self):
        return TrainingSession.objects.select_related("region")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["attendance"] = self.object.attendance.select_related("mediator__region").order_by(
            "mediator__region_id", "mediator__name"
        )
        context.setdefault("form", AttendanceAddForm())
        context["may_remove"] = self.request.active_role.may_write(BUREAU_WRITERS)
        return context

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        form = AttendanceAddForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        added = training.add_attendance(self.object, form.cleaned_data["mediators"])
        messages.success(request, _("%(count)d attendee(s) added.") % {"count": len(added)})
        return redirect(self.object)


class TrainingFormMixin:
    model = TrainingSession
    form_class = TrainingSessionForm
    success_message = gettext_lazy("Training session saved.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "unit_region": self.request.active_role.region}


class TrainingCreateView(TrainingFormMixin, TenantCreateView):
    extra_context = {"title": gettext_lazy("New training session")}


class TrainingUpdateView(TrainingFormMixin, TenantUpdateView):
    extra_context = {"title": gettext_lazy("Edit training session")}


@for_model(TrainingAttendance)
@login_required
def attendance_remove_view(request, pk):
    """Remove a wrongly recorded attendee (bureau staff): GET asks, POST removes."""
    role = require_role(request)
    attendance = get_object_or_404(
        TrainingAttendance.objects.select_related("session", "mediator"), pk=pk
    )
    if not role.may_write(BUREAU_WRITERS):
        raise PermissionDenied(_("Only bureau staff remove attendance."))
    session = attendance.session
    if request.method == "POST":
        attendance.delete()
        messages.success(request, _("Attendance removed."))
        # A session organised above the user's jurisdiction is not theirs to open.
        if in_jurisdiction(session.region_id):
            return redirect(session)
        return redirect("registry:training_report")
    return render(request, "registry/training_attendance_remove.html", {"attendance": attendance})


class TrainingReportView(ReplicaReadsMixin, RoleRequiredMixin, generic.ListView):
    """Each serving mediator's sessions and hours in a year, flagged below the
    bureau's minimum. The counts (listed, below) read through core.snapshots: over a
    province's mediators they take seconds."""

    template_name = "registry/training_report.html"
    paginate_by = 50

    def get_queryset(self):
        self.form = TrainingReportForm(self.request.GET)
        self.filters = self.form.filters()
        self.counts = snapshots.read(
            registry_snapshots.TRAINING,
            self.request.GET,
            compute=lambda: reports.training_counts(**self.filters),
        )
        return reports.training_report(**self.filters)

    def get_paginator(self, queryset, per_page, **kwargs):
        paginator = super().get_paginator(queryset, per_page, **kwargs)
        paginator.count = self.counts.data.listed  # instead of counting the rows again
        return paginator

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            {
                # The shared filter panel renders ``filterset.form``.
                "filterset": {"form": self.form},
                "querystring": query.urlencode(),
                "year": self.filters["year"],
                "below_count": self.counts.data.below,
                "figures": self.counts,
            }
        )
        return context


# --- Mentorships, monthly attendance, leave ------------------------------------------------


class MentorshipListView(TenantListView):
    model = Mentorship
    template_name = "registry/mentorship_list.html"
    filterset_class = MentorshipFilterSet
    sort_fields = {"starts_on": "starts_on"}
    default_sort = "-starts_on"

    def get_queryset(self):
        return super().get_queryset().select_related("mentor", "apprentice")


class MentorshipCreateView(TenantCreateView):
    model = Mentorship
    form_class = MentorshipForm
    success_url = reverse_lazy("registry:mentorship_list")
    success_message = gettext_lazy("Mentorship saved.")
    extra_context = {"title": gettext_lazy("New mentorship")}


class AttendanceListView(TenantListView):
    model = MonthlyAttendance
    template_name = "registry/attendance_list.html"
    filterset_class = MonthlyAttendanceFilterSet
    sort_fields = {"month": "month"}
    default_sort = "-month"

    def get_queryset(self):
        return super().get_queryset().select_related("mediator")


class AttendanceCreateView(TenantCreateView):
    model = MonthlyAttendance
    form_class = MonthlyAttendanceForm
    success_url = reverse_lazy("registry:attendance_list")
    success_message = gettext_lazy("Attendance saved.")
    extra_context = {"title": gettext_lazy("Report monthly attendance")}


class LeaveListView(TenantListView):
    model = LeaveRecord
    template_name = "registry/leave_list.html"
    filterset_class = LeaveRecordFilterSet
    sort_fields = {"starts_on": "starts_on"}
    default_sort = "-starts_on"

    def get_queryset(self):
        return super().get_queryset().select_related("mediator")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["may_approve"] = self.request.active_role.may_write(BUREAU_WRITERS)
        return context


class LeaveCreateView(TenantCreateView):
    model = LeaveRecord
    form_class = LeaveRecordForm
    success_url = reverse_lazy("registry:leave_list")
    success_message = gettext_lazy("Leave recorded.")
    extra_context = {"title": gettext_lazy("Record leave")}


@for_model(LeaveRecord)
@login_required
def leave_approve_view(request, pk):
    """Approve a leave request (bureau staff): GET asks, POST approves."""
    role = require_role(request)
    leave = get_object_or_404(LeaveRecord.objects.select_related("mediator"), pk=pk)
    if not role.may_write(BUREAU_WRITERS):
        raise PermissionDenied(_("Only bureau staff approve leave."))
    if request.method == "POST":
        training.approve_leave(leave)
        messages.success(request, _("Leave approved."))
        return redirect("registry:leave_list")
    return render(request, "registry/leave_approve.html", {"leave": leave})
