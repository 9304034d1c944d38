"""Staff pages of complaints: the list, a complaint with its history and the actions
its status allows, the attachments (to staff of the jurisdiction only), and the
window complaint a clerk records. Every action is a service call."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe
from django.views.generic import FormView

from complaints import services
from complaints.filtersets import ComplaintFilterSet
from complaints.forms.workflow import (
    AnswerForm,
    AssignForm,
    ConcludeForm,
    VerifyForm,
    WindowComplaintForm,
)
from complaints.models import Channel, Complaint, ComplaintAttachment, ComplaintStatus
from core.generic_views import (
    ObjectFormView,
    RoleRequiredMixin,
    TenantDetailView,
    TenantListView,
    for_model,
    see_other,
)
from core.jurisdiction import require_role
from core.tenancy import in_jurisdiction

# The window complaint just recorded, in the clerk's session (see complaint_filed_view).
FILED_KEY = "window_complaint_filed"

# The action each status allows: (url name, button label).
ACTIONS = {
    ComplaintStatus.RECEIVED: ("complaints:complaint_assign", gettext_lazy("Assign")),
    ComplaintStatus.ASSIGNED: ("complaints:complaint_verify", gettext_lazy("Start verification")),
    ComplaintStatus.VERIFYING: ("complaints:complaint_conclude", gettext_lazy("Conclude")),
    ComplaintStatus.CONCLUDED: ("complaints:complaint_answer", gettext_lazy("Answer")),
}


def _complaints():
    return Complaint.objects.select_related("mediator", "committee", "assigned_office", "bureau")


class ComplaintListView(TenantListView):
    model = Complaint
    template_name = "complaints/complaint_list.html"
    filterset_class = ComplaintFilterSet
    sort_fields = {"received": "received_on", "due": "due_on", "status": "status"}
    default_sort = "-received_on"

    def get_queryset(self):
        return super().get_queryset().select_related("mediator", "committee", "assigned_office")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["may_write"] = self.request.active_role.may_write()
        return context


class ComplaintDetailView(TenantDetailView):
    model = Complaint
    template_name = "complaints/complaint_detail.html"

    def get_queryset(self):
        return _complaints().select_related("recorded_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        complaint = self.object
        context["attachments"] = list(complaint.attachments.all())
        context["integrity_records"] = list(complaint.integrity_records.all())
        action = ACTIONS.get(complaint.status)
        if action and self.request.active_role.may_write():
            context["action"] = {"url_name": action[0], "label": action[1]}
        return context


@for_model(ComplaintAttachment)
@require_safe
@login_required
def attachment_view(request, pk):
    """The file, as a download, to staff of the complaint's jurisdiction only: the
    files live outside the web root and are never served inline (a PDF or image the
    public sent must not run in the staff's browser)."""
    require_role(request)
    attachment = get_object_or_404(ComplaintAttachment, pk=pk)
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404(_("The file is missing.")) from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


class ComplaintActionView(ObjectFormView):
    """One step of the workflow on one complaint, in the jurisdiction, by a writer."""

    model = Complaint
    template_name = "complaints/action_form.html"
    status = None  # the status this step starts from
    success_message = gettext_lazy("Saved.")

    def get_queryset(self):
        return _complaints()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["complaint"] = self.object
        context["out_of_step"] = self.object.status != self.status
        return context

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except PermissionDenied as exc:
            form.add_error(self.refused_field, str(exc))
            return self.form_invalid(form)

    refused_field = None


class ComplaintAssignView(ComplaintActionView):
    form_class = AssignForm
    status = ComplaintStatus.RECEIVED
    success_message = gettext_lazy("The complaint is assigned.")

    def get_title(self):
        return _("Assign complaint %(number)s") % {"number": self.object.tracking_number}

    def perform(self, data):
        return services.assign(self.object, office=data["office"])


class ComplaintVerifyView(ComplaintActionView):
    form_class = VerifyForm
    status = ComplaintStatus.ASSIGNED
    success_message = gettext_lazy("Verification has begun.")

    def get_title(self):
        return _("Verify complaint %(number)s") % {"number": self.object.tracking_number}

    def perform(self, data):
        return services.start_verification(self.object, note=data["note"])


class ComplaintConcludeView(ComplaintActionView):
    form_class = ConcludeForm
    status = ComplaintStatus.VERIFYING
    refused_field = "sanction"
    success_message = gettext_lazy("The complaint is concluded.")

    def get_title(self):
        return _("Conclude complaint %(number)s") % {"number": self.object.tracking_number}

    def perform(self, data):
        return services.conclude(
            self.object,
            role=self.request.active_role,
            finding=data["finding"],
            sanction=data["sanction"],
            note=data["note"],
            on=data["concluded_on"],
        )


class ComplaintAnswerView(ComplaintActionView):
    form_class = AnswerForm
    status = ComplaintStatus.CONCLUDED
    success_message = gettext_lazy("The answer is recorded; the complainant sees it.")

    def get_title(self):
        return _("Answer complaint %(number)s") % {"number": self.object.tracking_number}

    def perform(self, data):
        return services.answer(self.object, text=data["answer"])


class WindowComplaintView(RoleRequiredMixin, FormView):
    """A complaint received in person. The tracking number and the secret code are
    shown once, on the response to the form, for the clerk to hand over."""

    requires_write = True
    form_class = WindowComplaintForm
    template_name = "complaints/complaint_create.html"
    extra_context = {"title": gettext_lazy("Record a window complaint")}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            with transaction.atomic():
                complaint, code = services.file_complaint(
                    mediator=data["mediator"],
                    committee=data["committee"],
                    name=data["name"],
                    phone=data["phone"],
                    description=data["description"],
                    channel=Channel.WINDOW,
                    received_on=data["received_on"],
                    recorded_by=self.request.user,
                    attachments=data["attachments"],
                )
                # The complaint belongs to the unit that appointed the mediator; one
                # outside this jurisdiction is recorded by that unit's staff.
                if not in_jurisdiction(complaint.region_id):
                    transaction.set_rollback(True)
                    raise ValidationError(
                        {
                            "mediator": _(
                                "This mediator's committee (%(committee)s) is handled "
                                "outside your jurisdiction; the complaint belongs there."
                            )
                            % {"committee": complaint.committee.name}
                        }
                    )
        except ValidationError as exc:
            form.add_service_error(exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Complaint recorded."))
        self.request.session[FILED_KEY] = {"complaint": complaint.pk, "code": code}
        return see_other(reverse("complaints:complaint_filed"))


@require_safe
@login_required
def complaint_filed_view(request):
    """The window complaint the clerk just recorded, with its secret code the first
    time (to hand over) and without it on a refresh: the code is shown once."""
    require_role(request)
    kept = request.session.get(FILED_KEY)
    if not kept:
        raise Http404
    code = kept.pop("code", None)
    request.session[FILED_KEY] = kept
    complaint = get_object_or_404(Complaint, pk=kept["complaint"])  # scoped
    response = render(
        request, "complaints/complaint_filed.html", {"complaint": complaint, "code": code}
    )
    response["Cache-Control"] = "no-store"
    return response
