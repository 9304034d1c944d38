"""Staff pages of applications and objections: the lists (what waits for each role),
an application with its eligibility and each step taken on it, the committee's check,
the judicial office's first review, the panel's decision (places left per level; an
exception needs its reason), and the bureau's answer to an objection."""

from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.generic_views import ObjectFormView, TenantDetailView, TenantListView
from core.models.roles import BUREAU_WRITERS, WRITE_KINDS
from grading import services
from grading.filtersets import ApplicationFilterSet, LevelChangeFilterSet, ObjectionFilterSet
from grading.forms import AnswerForm, CheckForm, DecisionForm
from grading.models import (
    Application,
    ApplicationStatus,
    Criterion,
    Eligibility,
    LevelChange,
    Objection,
    ObjectionStatus,
    RoundStatus,
)
from grading.views.rounds import round_names
from registry import levels

# The step each application status asks for: (url name, button label, who).
STEPS = {
    ApplicationStatus.SUBMITTED: (
        "grading:application_check",
        gettext_lazy("Committee check"),
        WRITE_KINDS,
    ),
    ApplicationStatus.COMMITTEE_CHECKED: (
        "grading:application_review",
        gettext_lazy("First review"),
        WRITE_KINDS,
    ),
    ApplicationStatus.OFFICE_REVIEWED: (
        "grading:application_decide",
        gettext_lazy("Panel decision"),
        BUREAU_WRITERS,
    ),
}


def _applications():
    return Application.objects.select_related("mediator", "round__bureau", "round__region")


class ApplicationListView(TenantListView):
    model = Application
    template_name = "grading/application_list.html"
    filterset_class = ApplicationFilterSet
    sort_fields = {"name": "mediator__name", "rank": "rank", "status": "status"}
    default_sort = "-created_at"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("mediator", "round")
            .annotate(open_objections=Count("objections", filter=Q(objections__status="open")))
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The level names per round, read once per round listed, not per row.
        names = {}
        for a in context["object_list"]:
            if a.round_id not in names:
                names[a.round_id] = round_names(a.round)
        context["rows"] = [
            {"application": a, "level": levels.name(a.rank, names[a.round_id])}
            for a in context["object_list"]
        ]
        return context


class ApplicationDetailView(TenantDetailView):
    model = Application
    template_name = "grading/application_detail.html"

    def get_queryset(self):
        return _applications().select_related(
            "submitted_by", "committee_checked_by", "office_reviewed_by", "decided_by"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        application = self.object
        round_ = application.round
        names = round_names(round_)
        context["level"] = levels.name(application.rank, names)
        row = Eligibility.objects.filter(round=round_, mediator=application.mediator_id).first()
        context["eligibility"] = row
        if row is not None:
            labels = dict(Criterion.choices)
            context["failed"] = [labels.get(c, c) for c in row.failed(application.rank)]
            context["passes"] = row.passes(application.rank)
        context["objections"] = list(application.objections.all())
        step = STEPS.get(application.status)
        role = self.request.active_role
        if step and role.may_write(step[2]):
            context["step"] = {"url_name": step[0], "label": step[1]}
        context["round_visible"] = round_.region.code.startswith(role.jurisdiction_prefix)
        return context


class ApplicationStepView(ObjectFormView):
    model = Application
    template_name = "grading/application_action.html"
    status = None

    def get_queryset(self):
        return _applications()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        application = self.object
        context["application"] = application
        context["level"] = levels.name(application.rank, round_names(application.round))
        if application.status != self.status:
            context["refused"] = _(
                "This application is “%(status)s”: this step does not apply to it now."
            ) % {"status": application.get_status_display()}
        return context


class ApplicationCheckView(ApplicationStepView):
    form_class = CheckForm
    status = ApplicationStatus.SUBMITTED
    success_message = gettext_lazy("The committee's check is recorded.")

    def get_title(self):
        return _("Committee check: %(name)s") % {"name": self.object.mediator.name}

    def perform(self, data):
        try:
            return services.committee_check(
                self.object, user=self.request.user, passed=data["passed"], note=data["note"]
            )
        except ValidationError as exc:
            raise _renamed(exc, {"committee_note": "note"}) from exc


class ApplicationReviewView(ApplicationStepView):
    form_class = CheckForm
    status = ApplicationStatus.COMMITTEE_CHECKED
    success_message = gettext_lazy("The first review is recorded.")

    def get_title(self):
        return _("First review: %(name)s") % {"name": self.object.mediator.name}

    def perform(self, data):
        try:
            return services.office_review(
                self.object, user=self.request.user, passed=data["passed"], note=data["note"]
            )
        except ValidationError as exc:
            raise _renamed(exc, {"office_note": "note"}) from exc


class ApplicationDecideView(ApplicationStepView):
    """The panel's decision, with the places left per level and what the mediator
    does not meet; approving despite a failed criterion needs the reason."""

    form_class = DecisionForm
    write_roles = BUREAU_WRITERS
    status = ApplicationStatus.OFFICE_REVIEWED
    template_name = "grading/application_decide.html"
    success_message = gettext_lazy("The panel's decision is recorded.")

    def get_title(self):
        return _("Panel decision: %(name)s") % {"name": self.object.mediator.name}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        application = self.object
        context["places"] = list(services.places_left(application.round).values())
        row = Eligibility.objects.filter(
            round=application.round_id, mediator=application.mediator_id
        ).first()
        labels = dict(Criterion.choices)
        context["listed"] = row is not None
        context["failed"] = [labels.get(c, c) for c in row.failed(application.rank)] if row else []
        if application.round.status != RoundStatus.PANEL and "refused" not in context:
            context["refused"] = _("The round is not before the panel.")
        return context

    def perform(self, data):
        try:
            return services.decide(
                self.object,
                approve=data["approved"],
                user=self.request.user,
                note=data["note"],
                exception_reason=data["exception_reason"],
            )
        except ValidationError as exc:
            raise _renamed(exc, {"decision_note": "note"}) from exc


def _renamed(exc, names):
    """The service's error keyed by the form's field names."""
    if not hasattr(exc, "error_dict"):
        return exc
    return ValidationError(
        {names.get(field, field): errors for field, errors in exc.error_dict.items()}
    )


# --- Objections -----------------------------------------------------------------------


def _objections():
    return Objection.objects.select_related("application__mediator", "round", "answered_by")


class ObjectionListView(TenantListView):
    model = Objection
    template_name = "grading/objection_list.html"
    filterset_class = ObjectionFilterSet
    sort_fields = {"received": "created_at", "status": "status"}
    default_sort = "-created_at"

    def get_queryset(self):
        return super().get_queryset().select_related("application__mediator", "round")


class ObjectionDetailView(TenantDetailView):
    model = Objection
    template_name = "grading/objection_detail.html"

    def get_queryset(self):
        return _objections()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        objection = self.object
        context["level"] = levels.name(objection.application.rank, round_names(objection.round))
        context["may_answer"] = (
            self.request.active_role.may_write(BUREAU_WRITERS)
            and objection.status == ObjectionStatus.OPEN
        )
        return context


class ObjectionAnswerView(ObjectFormView):
    model = Objection
    form_class = AnswerForm
    write_roles = BUREAU_WRITERS
    template_name = "grading/objection_answer.html"
    success_message = gettext_lazy("The answer is recorded.")

    def get_queryset(self):
        return _objections()

    def get_title(self):
        return _("Answer the objection about %(name)s") % {
            "name": self.object.application.mediator.name
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["objection"] = self.object
        if self.object.status != ObjectionStatus.OPEN:
            context["refused"] = _("This objection is already answered.")
        return context

    def perform(self, data):
        return services.answer_objection(
            self.object, text=data["answer"], user=self.request.user, upheld=data["upheld"]
        )


# --- Level history --------------------------------------------------------------------


class LevelChangeListView(TenantListView):
    model = LevelChange
    template_name = "grading/level_change_list.html"
    filterset_class = LevelChangeFilterSet
    sort_fields = {"effective": "effective_on", "name": "mediator__name"}
    default_sort = "-effective_on"

    def get_queryset(self):
        return super().get_queryset().select_related("mediator", "round", "recorded_by")
