"""Staff pages of grading rounds: the list, a round with its places per level and
the steps its status allows, create and edit (refused once closed), each step of the
workflow, the eligibility list with the records behind each figure, the panel's
decision sheet and the notice list. Every write is a grading.services call."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView

from core.exports import ListExportView
from core.generic_views import (
    ObjectFormView,
    RoleRequiredMixin,
    TenantDetailView,
    TenantListView,
    see_other,
)
from core.jurisdiction import require_role
from core.models.roles import BUREAU_WRITERS, WRITE_KINDS
from core.pickers import SEPARATOR
from grading import excel, services, tasks
from grading.eligibility import Window, rules_for
from grading.filtersets import (
    ApplicationFilterSet,
    EligibilityFilterSet,
    NoticeFilterSet,
    RoundFilterSet,
)
from grading.forms import ApplicationForm, ConfirmForm, NoticeForm, RoundForm
from grading.models import (
    BASIC_CRITERIA,
    LEVEL_CRITERIA,
    Application,
    ApplicationStatus,
    Criterion,
    Eligibility,
    GradingRound,
    ObjectionStatus,
    RoundStatus,
)
from registry import levels

# The step each status offers on the round's page: (url name, button label).
STEPS = {
    RoundStatus.DRAFT: ("grading:round_open", gettext_lazy("Open applications")),
    RoundStatus.APPLICATIONS: ("grading:round_review", gettext_lazy("Close applications")),
    RoundStatus.REVIEW: ("grading:round_panel", gettext_lazy("Send to the panel")),
    RoundStatus.PANEL: ("grading:round_notice", gettext_lazy("Publish the notice")),
    RoundStatus.NOTICE: ("grading:round_close", gettext_lazy("Close the round")),
    RoundStatus.CLOSED: ("grading:round_effective", gettext_lazy("Put the levels into effect")),
}
COMPUTABLE = (RoundStatus.DRAFT, RoundStatus.APPLICATIONS, RoundStatus.REVIEW)


def round_names(round_) -> list[str]:
    """The level names the round speaks of: as stored with its rules, else the
    bureau's now."""
    return (round_.rules or {}).get("levels") or levels.names(round_.bureau)


def _rounds():
    return GradingRound.objects.select_related("bureau", "region")


class RoundListView(TenantListView):
    model = GradingRound
    template_name = "grading/round_list.html"
    filterset_class = RoundFilterSet
    sort_fields = {"cutoff": "cutoff_on", "status": "status", "name": "name"}
    default_sort = "-cutoff_on"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("bureau")
            .annotate(application_count=Count("applications"))
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["may_create"] = self.request.active_role.may_write(BUREAU_WRITERS)
        return context


class RoundDetailView(TenantDetailView):
    model = GradingRound
    template_name = "grading/round_detail.html"

    def get_queryset(self):
        return _rounds().select_related("created_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        round_ = self.object
        role = self.request.active_role
        names = round_names(round_)
        context["level_names"] = [levels.name(rank, names) for rank in round_.ranks]
        context["places"] = list(services.places_left(round_).values())
        counts = dict(
            round_.applications.order_by()
            .values("status")
            .annotate(n=Count("pk"))
            .values_list("status", "n")
        )
        context["counts"] = [
            {"status": value, "label": label, "count": counts.get(value, 0)}
            for value, label in ApplicationStatus.choices
        ]
        context["eligible_count"] = round_.eligibility.count()
        context["open_objections"] = round_.objections.filter(status=ObjectionStatus.OPEN).count()
        bureau_writer = role.may_write(BUREAU_WRITERS)
        context["may_manage"] = bureau_writer and not round_.is_finished
        context["may_compute"] = bureau_writer and round_.status in COMPUTABLE
        context["may_apply"] = role.may_write() and round_.status == RoundStatus.APPLICATIONS
        step = STEPS.get(round_.status)
        if step and bureau_writer:
            context["step"] = {"url_name": step[0], "label": step[1]}
        context["public_url"] = (
            reverse("public_grading:notice", args=[round_.bureau.region_id, round_.pk])
            if round_.status == RoundStatus.NOTICE
            else ""
        )
        return context


class RoundCreateView(RoleRequiredMixin, FormView):
    """A draft round of the user's own bureau."""

    write_roles = BUREAU_WRITERS
    requires_write = True
    form_class = RoundForm
    template_name = "core/form.html"
    extra_context = {"title": gettext_lazy("New grading round")}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "bureau": require_role(self.request).home_bureau}

    def get_initial(self):
        today = datetime.date.today()
        return {
            "cutoff_on": today,
            "applications_open_on": today,
            "applications_close_on": today + datetime.timedelta(days=30),
            "effective_on": today + datetime.timedelta(days=90),
        }

    def form_valid(self, form):
        role = require_role(self.request)
        try:
            round_ = services.create_round(
                role.home_bureau, user=self.request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_service_error(exc)
            return self.form_invalid(form)
        messages.success(
            self.request, _("The round is created. Compute its eligibility list next.")
        )
        return see_other(round_.get_absolute_url())


class RoundActionView(ObjectFormView):
    """One step on one round, by bureau staff; services refuse what the round's
    status does not allow."""

    model = GradingRound
    write_roles = BUREAU_WRITERS
    template_name = "grading/round_action.html"

    def get_queryset(self):
        return _rounds()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["round"] = self.object
        return context


class RoundUpdateView(RoundActionView):
    form_class = RoundForm
    success_message = gettext_lazy("Saved.")

    def get_title(self):
        return _("Edit %(round)s") % {"round": self.object.name}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "bureau": self.object.bureau}

    def get_initial(self):
        return {field: getattr(self.object, field) for field in services.EDITABLE}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["refused"] = (
            _("A closed round cannot be changed.") if self.object.is_finished else ""
        )
        return context

    def perform(self, data):
        return services.update_round(self.object, **data)


class RoundStepView(RoundActionView):
    form_class = ConfirmForm
    service = None
    status = None  # the status this step starts from
    title = ""

    def get_title(self):
        return f"{self.title}：{self.object.name}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.object.status != self.status:
            context["refused"] = _(
                "This round is “%(status)s”: this step does not apply to it now."
            ) % {"status": self.object.get_status_display()}
        return context

    def perform(self, data):
        return type(self).service(self.object)


class RoundOpenView(RoundStepView):
    status = RoundStatus.DRAFT
    title = gettext_lazy("Open applications")
    service = services.open_applications
    success_message = gettext_lazy("Applications are open.")


class RoundReviewView(RoundStepView):
    status = RoundStatus.APPLICATIONS
    title = gettext_lazy("Close applications")
    service = services.start_review
    success_message = gettext_lazy("Applications are closed; the review has begun.")


class RoundPanelView(RoundStepView):
    status = RoundStatus.REVIEW
    title = gettext_lazy("Send to the panel")
    service = services.to_panel
    success_message = gettext_lazy("The applications are before the panel.")


class RoundNoticeView(RoundStepView):
    status = RoundStatus.PANEL
    title = gettext_lazy("Publish the notice")
    form_class = NoticeForm
    success_message = gettext_lazy("The notice is published on the public site.")

    def perform(self, data):
        return services.publish_notice(self.object, starts_on=data["notice_starts_on"])


class RoundCloseView(RoundStepView):
    status = RoundStatus.NOTICE
    title = gettext_lazy("Close the round")
    success_message = gettext_lazy("The round is closed; its levels take effect on their date.")

    def perform(self, data):
        return services.close(self.object, user=self.request.user)


class RoundEffectiveView(RoundStepView):
    status = RoundStatus.CLOSED
    title = gettext_lazy("Put the levels into effect")
    service = services.take_effect
    success_message = gettext_lazy("The levels are in effect.")


class EligibilityComputeView(RoundActionView):
    """Start the eligibility job; its page shows the progress and links the list."""

    form_class = ConfirmForm

    def get_title(self):
        return _("Compute the eligibility list: %(round)s") % {"round": self.object.name}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["intro"] = _(
            "The list is read from the records as they stand on the cut-off date "
            "(%(cutoff)s), with the rules stored with the round. Computing it again "
            "gives the same list."
        ) % {"cutoff": self.object.cutoff_on.isoformat()}
        if self.object.status not in COMPUTABLE:
            context["refused"] = _("This round is “%(status)s”: its eligibility list is final.") % {
                "status": self.object.get_status_display()
            }
        return context

    def form_valid(self, form):
        try:
            job = services.start_eligibility_job(require_role(self.request), self.object)
        except ValidationError as exc:
            form.add_service_error(exc)
            return self.form_invalid(form)
        return see_other(job.get_absolute_url())


# --- The eligibility list -------------------------------------------------------------


def _percent(value):
    return None if value is None else round(value * 100, 1)


class RoundChildListView(TenantListView):
    """A list of one round's rows: the round is looked up first (404 outside the
    jurisdiction), then its rows are filtered."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            require_role(request)
            self.round = _rounds().filter(pk=kwargs["pk"]).first()
            if self.round is None:
                raise Http404
        return super().dispatch(request, *args, **kwargs)

    # The page's ``pk`` names the round (the isolation walk reads ``model``); the
    # rows listed are ``child_model``'s.
    model = GradingRound
    child_model = None

    def get_queryset(self):
        self.queryset = self.child_model.objects.all()
        return super().get_queryset().filter(round=self.round)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["round"] = self.round
        context["names"] = round_names(self.round)
        return context


class EligibilityListView(RoundChildListView):
    """Each mediator's figures at the cut-off, each criterion's threshold and pass or
    fail per level graded, and links to the records behind the figures."""

    child_model = Eligibility
    template_name = "grading/eligibility_list.html"
    filterset_class = EligibilityFilterSet
    sort_fields = {"cases": "cases", "years": "years", "qualified": "qualified_rank"}
    default_sort = "mediator__name"

    def get_queryset(self):
        return super().get_queryset().select_related("mediator", "committee")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        round_ = self.round
        rules = round_.rules or rules_for(round_.bureau)
        names = context["names"]
        window = Window.of(round_.cutoff_on, rules)
        criteria = rules["criteria"]
        context["ranks"] = [
            {
                "rank": rank,
                "name": levels.name(rank, names),
                "criteria": criteria.get(str(rank), {}),
            }
            for rank in round_.ranks
        ]
        context["window"] = window
        context["rows"] = [
            eligibility_row(row, round_, names, window) for row in context["object_list"]
        ]
        return context


def eligibility_row(row, round_, names, window) -> dict:
    """One list row: the figures with links to the records behind them, and per level
    graded whether it passes and what it fails."""
    failed = {rank: row.failed(rank) for rank in round_.ranks}
    labels = dict(Criterion.choices)
    label = (
        f"{row.mediator.name}{SEPARATOR}{row.committee.name}"
        if row.committee
        else row.mediator.name
    )
    cases_url = (
        reverse("mediation:case_list")
        + "?"
        + urlencode(
            {
                "lead_mediator": label,
                "closed_from": (window.lookback_from + datetime.timedelta(days=1)).isoformat(),
                "closed_to": window.cutoff.isoformat(),
            }
        )
    )
    mediator_url = reverse("registry:mediator_detail", args=[row.mediator_id])
    return {
        "row": row,
        "current": levels.name(row.current_rank, names),
        "qualified": levels.name(row.qualified_rank, names),
        "success_rate": _percent(row.success_rate),
        "oral_share": _percent(row.oral_share),
        "cases_url": cases_url,
        "training_url": mediator_url + "#tab-training",
        "integrity_url": mediator_url + "#integrity",
        "basic_failed": [
            labels[c] for c in BASIC_CRITERIA if not row.checks.get("basic", {}).get(c, True)
        ],
        "levels": [
            {
                "rank": rank,
                "passes": row.passes(rank),
                "failed": [labels.get(c, c) for c in failed[rank] if c in LEVEL_CRITERIA],
            }
            for rank in round_.ranks
        ],
    }


# --- The panel's decision sheet and the notice list ------------------------------------


class DecisionSheetView(RoundChildListView):
    """The applications before the panel with the eligibility behind each, and the
    places left per level (the quotas)."""

    child_model = Application
    template_name = "grading/decision_sheet.html"
    filterset_class = ApplicationFilterSet
    default_sort = "rank"
    paginate_by = 100

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("mediator", "round")
            .order_by("rank", "mediator__name", "pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        names = context["names"]
        rows = list(context["object_list"])
        found = Eligibility.objects.filter(
            round=self.round, mediator_id__in=[a.mediator_id for a in rows]
        )
        by_mediator = {e.mediator_id: e for e in found}
        labels = dict(Criterion.choices)
        context["rows"] = [
            {
                "application": a,
                "level": levels.name(a.rank, names),
                "passes": (e := by_mediator.get(a.mediator_id)) is not None and e.passes(a.rank),
                "failed": [labels.get(c, c) for c in e.failed(a.rank)] if e else [],
                "listed": e is not None,
            }
            for a in rows
        ]
        context["places"] = list(services.places_left(self.round).values())
        context["may_decide"] = (
            self.request.active_role.may_write(BUREAU_WRITERS)
            and self.round.status == RoundStatus.PANEL
        )
        return context


class NoticeListView(RoundChildListView):
    """What the public notice shows: the approved mediators with committee and level."""

    child_model = Application
    template_name = "grading/notice_list.html"
    filterset_class = NoticeFilterSet
    default_sort = "rank"
    paginate_by = 100

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .filter(status=ApplicationStatus.APPROVED)
            .select_related("mediator")
            .order_by("rank", "mediator__name", "pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        names = context["names"]
        rows = list(context["object_list"])
        committees = excel.committees_of(self.round, rows)
        context["rows"] = [
            {
                "application": a,
                "level": levels.name(a.rank, names),
                "committee": committees.get(a.mediator_id),
            }
            for a in rows
        ]
        return context


class RoundExportView(ListExportView):
    """A round's list as a workbook, as its page's filters select it: streamed when it
    is small, else a job with progress and a download at the end. The round is looked
    up first (404 outside the jurisdiction)."""

    model = GradingRound  # the ``pk`` names the round (read by the isolation walk)
    task = tasks.export_round_list

    def options(self, request, role):
        round_ = _rounds().filter(pk=self.kwargs["pk"]).first()
        if round_ is None:
            raise Http404
        return {"round_": round_}

    def list_page(self):
        return reverse(self.list_url, args=[self.kwargs["pk"]])


eligibility_export_view = RoundExportView.as_view(
    export_class=excel.EligibilityExport, list_url="grading:eligibility_list"
)
decision_export_view = RoundExportView.as_view(
    export_class=excel.DecisionExport, list_url="grading:decision_sheet"
)
notice_export_view = RoundExportView.as_view(
    export_class=excel.NoticeExport, list_url="grading:notice_list"
)


# --- Applications and nominations ---------------------------------------------------


class ApplicationCreateView(RoundActionView):
    """An application, or the committee's nomination, in a round taking them: the
    mediator is picked by name inside the jurisdiction."""

    form_class = ApplicationForm
    write_roles = WRITE_KINDS
    template_name = "grading/round_action.html"

    def get_title(self):
        return _("Apply or nominate: %(round)s") % {"round": self.object.name}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "round": self.object}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.object.status != RoundStatus.APPLICATIONS:
            context["refused"] = _("This round is not taking applications.")
        return context

    def perform(self, data):
        return services.apply(
            self.object,
            data["mediator"],
            data["rank"],
            user=self.request.user,
            statement=data["statement"],
            source=data["source"],
        )

    def url_after(self, shown):
        messages.success(
            self.request, _("The application is recorded; the committee checks it next.")
        )
        return shown.get_absolute_url()
