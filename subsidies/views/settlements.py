"""Pages of monthly settlements: the list, a new settlement (a job computes it), a
settlement with its totals per payer, its steps and its history, its lines (filtered,
paginated), a line with the cases it pays and the rule version it used, and an
adjustment to a locked line."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Sum
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView

from core.generic_views import (
    ObjectFormView,
    RoleRequiredMixin,
    TenantDetailView,
    TenantListView,
    ordering,
    see_other,
)
from core.jurisdiction import require_role
from registry.models.choices import PaidBy
from subsidies import adjustments, settle, workflow
from subsidies.filtersets import SettlementFilterSet, SettlementLineFilterSet
from subsidies.forms import AdjustmentForm, ApproveForm, ConfirmForm, SettlementCreateForm
from subsidies.models import Settlement, SettlementLine, SettlementStatus
from subsidies.roles import PAYERS, PREPARERS, STEP_ROLES, may
from subsidies.totals import settlement_totals, totals_by_payer

S = SettlementStatus
# The steps each status offers: (step, button label).
STEPS = {
    S.DRAFT: [("compute", gettext_lazy("Compute")), ("review", gettext_lazy("Mark reviewed"))],
    S.REVIEWED: [
        ("approve", gettext_lazy("Approve")),
        ("reopen", gettext_lazy("Send back to draft")),
    ],
    S.APPROVED: [("export", gettext_lazy("Record as exported to finance"))],
    S.EXPORTED: [("pay", gettext_lazy("Record as paid"))],
}


class SettlementListView(TenantListView):
    model = Settlement
    template_name = "subsidies/settlement_list.html"
    filterset_class = SettlementFilterSet
    sort_fields = {"month": "month", "status": "status"}
    default_sort = "-month"

    def get_queryset(self):
        # The totals come from the lines: one grouped join for the page, not a query
        # per row.
        return (
            super()
            .get_queryset()
            .select_related("bureau", "rule_version")
            .annotate(line_count=Count("lines"), line_total=Sum("lines__total"))
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["may_create"] = may(self.request.active_role, PREPARERS)
        return context


class SettlementDetailView(TenantDetailView):
    model = Settlement
    template_name = "subsidies/settlement_detail.html"

    def get_queryset(self):
        return Settlement.objects.select_related(
            "bureau",
            "rule_version",
            "prepared_by",
            "reviewed_by",
            "approved_by",
            "exported_by",
            "paid_recorded_by",
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        settlement, role = self.object, self.request.active_role
        lines = SettlementLine.objects.filter(settlement=settlement)
        context["totals"] = settlement_totals(lines)
        context["by_payer"] = totals_by_payer(settlement)
        context["steps"] = [
            {"name": name, "label": label}
            for name, label in STEPS.get(settlement.status, [])
            if may(role, STEP_ROLES[name])
        ]
        context["payer_choices"] = PaidBy.choices
        context["adjustments"] = settlement.adjustments.select_related(
            "mediator", "corrects__settlement"
        )
        return context


class SettlementCreateView(RoleRequiredMixin, FormView):
    """A new settlement of the user's own bureau; its computation starts as a job."""

    write_roles = PREPARERS
    requires_write = True
    form_class = SettlementCreateForm
    template_name = "core/form.html"
    extra_context = {"title": gettext_lazy("New monthly settlement")}

    def form_valid(self, form):
        role = require_role(self.request)
        try:
            settlement = settle.create_settlement(
                role.home_bureau, form.cleaned_data["month"], self.request.user
            )
            job = settle.start_settlement(role, settlement)
        except ValidationError as exc:
            form.add_service_error(exc)
            return self.form_invalid(form)
        messages.success(self.request, _("The settlement is being computed."))
        return see_other(job.get_absolute_url())


class SettlementStepView(ObjectFormView):
    """One step of a settlement's workflow (subsidies.workflow), or its computation."""

    model = Settlement
    step = ""
    form_class = ConfirmForm
    template_name = "subsidies/settlement_step.html"

    def dispatch(self, request, *args, **kwargs):
        self.write_roles = STEP_ROLES[self.step]
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return Settlement.objects.select_related("bureau", "rule_version")

    def get_title(self):
        label = dict((name, label) for steps in STEPS.values() for name, label in steps)[self.step]
        return f"{label}：{self.object}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["settlement"] = self.object
        context["totals"] = settlement_totals(SettlementLine.objects.filter(settlement=self.object))
        return context

    def form_valid(self, form):
        if self.step == "compute":
            try:
                job = settle.start_settlement(require_role(self.request), self.object)
            except ValidationError as exc:
                form.add_service_error(exc)
                return self.form_invalid(form)
            return redirect(job.get_absolute_url())
        return super().form_valid(form)

    def perform(self, data):
        return workflow.ACTIONS[self.step](self.object, self.request.user, **data)


class SettlementApproveView(SettlementStepView):
    step = "approve"
    form_class = ApproveForm


def step_view(name):
    return type(f"Settlement{name.title()}View", (SettlementStepView,), {"step": name}).as_view()


class SettlementLineListView(TenantListView):
    """A settlement's lines (those of mediators inside the jurisdiction); the ``pk``
    is the settlement's."""

    model = Settlement
    template_name = "subsidies/line_list.html"
    filterset_class = SettlementLineFilterSet
    sort_fields = {"total": "total", "cases": "cases"}
    default_sort = "payer"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            require_role(request)
            self.settlement = get_object_or_404(
                Settlement.objects.select_related("bureau"), pk=kwargs["pk"]
            )
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        lines = SettlementLine.objects.filter(settlement=self.settlement).select_related(
            "mediator", "rule_version"
        )
        self.filterset = self.filterset_class(self.filter_data(), queryset=lines)
        sort = self.request.GET.get("sort", "")
        order = self.sort_fields.get(sort.lstrip("-"))
        key = ("-" if sort.startswith("-") else "") + order if order else self.default_sort
        return self.filterset.qs.order_by(*ordering(key))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["settlement"] = self.settlement
        return context


class LineDetailView(TenantDetailView):
    model = SettlementLine
    template_name = "subsidies/line_detail.html"

    def get_queryset(self):
        return SettlementLine.objects.select_related(
            "settlement__bureau", "rule_version", "mediator"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        line = self.object
        context["cases"] = line.settled_cases.select_related("case__committee").order_by("case_id")
        context["corrections"] = line.corrections.select_related("settlement")
        context["may_adjust"] = line.settlement.locked and may(
            self.request.active_role, PAYERS | PREPARERS
        )
        return context


class AdjustmentCreateView(ObjectFormView):
    model = SettlementLine
    write_roles = PAYERS | PREPARERS
    form_class = AdjustmentForm
    success_message = gettext_lazy("The adjustment is recorded in the later settlement.")

    def get_queryset(self):
        return SettlementLine.objects.select_related("settlement", "mediator")

    def get_title(self):
        return _("Adjust %(line)s") % {"line": self.object}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "later": adjustments.later_drafts(self.object)}

    def perform(self, data):
        adjustment = adjustments.add_adjustment(
            self.object, data["settlement"], data["amount"], data["reason"], self.request.user
        )
        return adjustment.settlement
