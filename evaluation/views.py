"""Staff pages of the annual evaluation: the evaluations, a run with progress, an
evaluation's sheet (filtered, paginated, with its workbook), one mediator's figures
with the records behind each, the workflow steps (change a grade with its reason,
review, publish), and the renewal list with the turnover target, the terms ending
this year and each decision. Every write is an evaluation.services call."""

from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import generic

from core import history
from core.exports import ListExportView
from core.generic_views import ObjectFormView, RoleRequiredMixin, TenantDetailView, TenantListView
from core.jobs import start_job
from core.jurisdiction import require_role
from core.models.roles import BUREAU_WRITERS
from evaluation import excel, figures, records, services, tasks
from evaluation.forms import (
    AdjustForm,
    CandidateFilterSet,
    ConfirmForm,
    DecideForm,
    EntryFilterSet,
    EvaluationFilterSet,
    RunForm,
)
from evaluation.models import (
    Evaluation,
    EvaluationEntry,
    EvaluationStatus,
    Grade,
    RenewalCandidate,
    RenewalDecision,
)
from evaluation.policies import COMPONENTS

ENTRIES_PER_PAGE = 100


def _may_write(request) -> bool:
    return require_role(request).may_write(BUREAU_WRITERS)


class EvaluationListView(TenantListView):
    model = Evaluation
    filterset_class = EvaluationFilterSet
    template_name = "evaluation/evaluation_list.html"
    sort_fields = {"year": "year", "created_at": "created_at"}
    default_sort = "-created_at"

    def get_queryset(self):
        return super().get_queryset().select_related("bureau")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["may_run"] = _may_write(self.request)
        return context


class EvaluationRunView(RoleRequiredMixin, generic.FormView):
    """Bureau staff evaluate a year of their own bureau; the job page shows the progress."""

    write_roles = BUREAU_WRITERS
    requires_write = True
    form_class = RunForm
    template_name = "core/form.html"
    extra_context = {"title": gettext_lazy("Run the annual evaluation")}

    def get_initial(self):
        return {"year": timezone.localdate().year - 1}

    def form_valid(self, form):
        role = require_role(self.request)
        job = start_job(
            role,
            "evaluate_year",
            tasks.evaluate_year,
            bureau=role.home_bureau.pk,
            year=form.cleaned_data["year"],
        )
        return redirect(job)


def _evaluations():
    return Evaluation.objects.select_related("bureau__region", "reviewed_by")


class EvaluationDetailView(TenantDetailView):
    model = Evaluation
    template_name = "evaluation/evaluation_detail.html"

    def get_queryset(self):
        return _evaluations()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        evaluation = self.object
        entries = EvaluationEntry.objects.filter(evaluation=evaluation)
        filterset = EntryFilterSet(self.request.GET, queryset=entries)
        rows = filterset.qs.select_related("mediator", "committee").order_by("rank", "mediator_id")
        page = Paginator(rows, ENTRIES_PER_PAGE).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        grades = dict(
            entries.order_by().values("grade").annotate(n=Count("pk")).values_list("grade", "n")
        )
        evaluated = sum(grades.values())
        may_write = _may_write(self.request)
        context.update(
            filterset=filterset,
            entries=page.object_list,
            page_obj=page,
            paginator=page.paginator,
            is_paginated=page.has_other_pages(),
            querystring=query.urlencode(),
            evaluated=evaluated,
            grade_counts=[(label, grades.get(value, 0)) for value, label in Grade.choices],
            excellent_cap=figures.excellent_cap(evaluation.rules["grades"], evaluated),
            may_adjust=may_write and evaluation.status in services.OPEN,
            may_review=may_write and evaluation.status == EvaluationStatus.DRAFT,
            may_publish=may_write and evaluation.status == EvaluationStatus.REVIEWED,
            weights=[
                (label, evaluation.rules["weights"]["weights"][key]) for key, label in COMPONENTS
            ],
        )
        return context


class EntryDetailView(TenantDetailView):
    """One mediator's figures as the evaluation stored them, each component's score,
    and the records each figure was computed from (as they are now: a record changed
    since does not change the stored figure)."""

    model = EvaluationEntry
    template_name = "evaluation/entry_detail.html"

    def get_queryset(self):
        return EvaluationEntry.objects.select_related(
            "evaluation__bureau__region", "mediator", "committee", "adjusted_by"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        entry = self.object
        rules = entry.evaluation.rules
        parts = figures.components(records.as_figures(entry), rules["weights"])
        context["components"] = [
            (key, label, rules["weights"]["weights"][key], parts[key]) for key, label in COMPONENTS
        ]
        context["records"] = records.for_entry(entry)
        context["may_adjust"] = (
            _may_write(self.request) and entry.evaluation.status in services.OPEN
        )
        return context


class WithHistory:
    """A form page about one record shows that record's history too."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(history.context(self.request, self.object))
        return context


class EvaluationStepView(WithHistory, ObjectFormView):
    model = Evaluation
    write_roles = BUREAU_WRITERS
    form_class = ConfirmForm
    template_name = "evaluation/step.html"
    title = ""
    status = None

    def get_queryset(self):
        return _evaluations()

    def get_title(self):
        return f"{self.title}：{self.object}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.object.status != self.status:
            context["refused"] = _(
                "This evaluation is “%(status)s”: this step does not apply to it now."
            ) % {"status": self.object.get_status_display()}
        return context


class EvaluationReviewView(EvaluationStepView):
    title = gettext_lazy("Mark as reviewed")
    status = EvaluationStatus.DRAFT
    success_message = gettext_lazy("The evaluation is reviewed; it may now be published.")

    def perform(self, data):
        return services.review(self.object, user=self.request.user)


class EvaluationPublishView(EvaluationStepView):
    title = gettext_lazy("Publish")
    status = EvaluationStatus.REVIEWED
    success_message = gettext_lazy("The evaluation is published; its renewal list is ready.")

    def perform(self, data):
        return services.publish(self.object)


class EntryAdjustView(WithHistory, ObjectFormView):
    model = EvaluationEntry
    write_roles = BUREAU_WRITERS
    form_class = AdjustForm
    template_name = "evaluation/step.html"
    success_message = gettext_lazy("The grade is changed.")

    def get_queryset(self):
        return EvaluationEntry.objects.select_related("evaluation", "mediator")

    def get_title(self):
        return _("Change the grade of %(name)s") % {"name": self.object.mediator.name}

    def get_initial(self):
        return {"grade": self.object.grade}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.object.evaluation.status not in services.OPEN:
            context["refused"] = _("This evaluation is published; its grades no longer change.")
        return context

    def perform(self, data):
        return services.adjust_grade(
            self.object, grade=data["grade"], reason=data["reason"], user=self.request.user
        )


class RenewalView(TenantDetailView):
    """An evaluation's renewal list against the bureau's turnover target, with the
    committee terms that end this year beside it."""

    model = Evaluation
    template_name = "evaluation/renewal.html"

    def get_queryset(self):
        return _evaluations()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        evaluation = self.object
        candidates = list(
            RenewalCandidate.objects.filter(evaluation=evaluation)
            .select_related("mediator", "entry__committee", "decided_by")
            .order_by("entry__rank", "pk")
        )
        evaluated = evaluation.entries.count()
        ended = sum(1 for c in candidates if c.decision == RenewalDecision.END)
        year = timezone.localdate().year
        terms = records.terms_ending(evaluation, year)
        for candidate in candidates:
            candidate.term_ends_on = terms.get(candidate.entry.committee_id)
        context.update(
            candidates=candidates,
            evaluated=evaluated,
            target=services.turnover_target(evaluation, evaluated),
            ended=ended,
            pending=sum(1 for c in candidates if c.decision == RenewalDecision.PENDING),
            this_year=year,
            term_posts=records.posts_in_ending_terms(evaluation, year),
            may_decide=_may_write(self.request),
        )
        return context


class CandidateListView(TenantListView):
    """Every renewal candidate of the jurisdiction (the dashboard's pending decisions)."""

    model = RenewalCandidate
    filterset_class = CandidateFilterSet
    template_name = "evaluation/candidate_list.html"
    sort_fields = {"decision": "decision"}
    default_sort = "-pk"

    def get_queryset(self):
        return super().get_queryset().select_related("mediator", "entry", "evaluation__bureau")


class CandidateDecideView(WithHistory, ObjectFormView):
    model = RenewalCandidate
    write_roles = BUREAU_WRITERS
    form_class = DecideForm
    template_name = "evaluation/decide.html"
    success_message = gettext_lazy("The decision is recorded.")

    def get_queryset(self):
        return RenewalCandidate.objects.select_related(
            "evaluation__bureau__region", "entry__committee", "mediator", "decided_by"
        )

    def get_title(self):
        return _("Renewal of %(name)s") % {"name": self.object.mediator.name}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["candidate"] = self.object
        context["posts"] = list(services.contract_posts(self.object).select_related("committee"))
        if self.object.decision != RenewalDecision.PENDING:
            context["refused"] = _("This mediator's renewal is already decided.")
        return context

    def perform(self, data):
        return services.decide(
            self.object,
            decision=data["decision"],
            note=data["note"],
            ends_on=data["ends_on"],
            user=self.request.user,
        )

    def url_after(self, shown):
        return reverse("evaluation:renewal", args=[shown.evaluation_id])


class EvaluationExportView(ListExportView):
    """An evaluation's sheet or renewal list as a workbook, as its page's filters
    select it: streamed when small, else a job. The evaluation is looked up first
    (404 outside the jurisdiction)."""

    model = Evaluation  # the ``pk`` names the evaluation (read by the isolation walk)
    task = tasks.export_sheet

    def options(self, request, role):
        evaluation = _evaluations().filter(pk=self.kwargs["pk"]).first()
        if evaluation is None:
            raise Http404
        return {"evaluation": evaluation}

    def list_page(self):
        return reverse(self.list_url, args=[self.kwargs["pk"]])


sheet_export_view = EvaluationExportView.as_view(
    export_class=excel.EvaluationSheetExport, list_url="evaluation:evaluation_detail"
)
renewal_export_view = EvaluationExportView.as_view(
    export_class=excel.RenewalListExport, list_url="evaluation:renewal"
)
