"""The finance pages: budgets (list with spending and forecast, a budget's monthly
chart, create and edit), a settlement's finance workbook, and a mediator's monthly
statement (printable). Thin views over subsidies.budgets, subsidies.excel and
subsidies.statements."""

import datetime
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Sum, Value
from django.db.models.functions import Coalesce
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe
from django.views.generic import FormView

from core.generic_views import (
    RoleRequiredMixin,
    TenantDetailView,
    TenantListView,
    TenantUpdateView,
    for_model,
)
from core.jurisdiction import require_role
from core.models import RoleKind
from core.models.roles import BUREAU_WRITERS
from registry.models import Mediator
from subsidies import budgets, finance_tasks, statements
from subsidies.excel import FinanceExport
from subsidies.finance_filtersets import BudgetFilterSet, PaymentFilterSet
from subsidies.finance_forms import BudgetForm, StatementMonthForm, WorkbookForm
from subsidies.models import Settlement, SettlementStatus
from subsidies.models.budget import Budget

# What waits for finance: approved settlements to export, exported ones to pay.
WAITING_FOR_FINANCE = (SettlementStatus.APPROVED, SettlementStatus.EXPORTED)
# Who keeps budgets: the bureau's staff, and its finance office.
BUDGET_WRITERS = frozenset(BUREAU_WRITERS | {RoleKind.FINANCE})


class BudgetListView(TenantListView):
    model = Budget
    template_name = "subsidies/finance/budget_list.html"
    filterset_class = BudgetFilterSet
    sort_fields = {"year": "year", "fund": "fund", "amount": "amount"}
    default_sort = "-year"

    def get_queryset(self):
        return super().get_queryset().select_related("bureau")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rows"] = budgets.statuses(context["object_list"])
        context["may_create"] = self.request.active_role.may_write(BUDGET_WRITERS)
        return context


class BudgetDetailView(TenantDetailView):
    model = Budget
    template_name = "subsidies/finance/budget_detail.html"

    def get_queryset(self):
        return Budget.objects.select_related("bureau")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        status = budgets.status(self.object)
        context["status"] = status
        context["chart"] = status.chart()
        context["months"] = [
            {"number": number, "amount": amount}
            for number, amount in zip(budgets.MONTHS, status.months, strict=True)
        ]
        context["may_edit"] = self.request.active_role.may_write(BUDGET_WRITERS)
        return context


class BudgetCreateView(RoleRequiredMixin, FormView):
    """A budget of the user's own bureau."""

    write_roles = BUDGET_WRITERS
    requires_write = True
    form_class = BudgetForm
    template_name = "core/form.html"
    extra_context = {"title": gettext_lazy("New budget")}

    def get_initial(self):
        return {"year": datetime.date.today().year}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "bureau": require_role(self.request).home_bureau}

    def form_valid(self, form):
        budget = form.save()
        messages.success(self.request, _("The budget is saved."))
        return redirect(budget.get_absolute_url())


class BudgetUpdateView(TenantUpdateView):
    """Its amount and note; the bureau, year, fund and payer are what it is."""

    model = Budget
    form_class = BudgetForm
    write_roles = BUDGET_WRITERS
    success_message = gettext_lazy("The budget is saved.")
    extra_context = {"title": gettext_lazy("Edit the budget")}

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        for name in ("year", "fund", "payer"):
            form.fields[name].disabled = True
        return form


@for_model(Settlement)
@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def workbook_view(request, pk):
    """The settlement's finance workbook: a form (payer, numbers in full), then the
    file, or the job that writes a big one (finance taking an approved settlement's
    file exports it: subsidies.excel.FinanceExport)."""
    role = require_role(request)
    settlement = get_object_or_404(
        Settlement.objects.select_related("bureau", "rule_version"), pk=pk
    )
    form = WorkbookForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["reveal"] and role.kind != RoleKind.FINANCE:
            form.add_error("reveal", _("Only the finance role may see the numbers in full."))
        else:
            export = FinanceExport(
                role, settlement, form.cleaned_data["payer"], form.cleaned_data["reveal"]
            )
            answer = export.answer(finance_tasks.export_finance_workbook)
            if isinstance(answer, FileResponse):
                return answer
            return redirect(answer)
    context = {
        "settlement": settlement,
        "form": form,
        "title": _("Finance workbook: %(settlement)s") % {"settlement": settlement},
    }
    return render(request, "subsidies/finance/workbook.html", context)


@for_model(Mediator)
@require_safe
@login_required
def statement_view(request, pk):
    """A mediator's monthly statement (``?month=2026-03``), printable; without a
    month, the months they have statements for."""
    require_role(request)
    mediator = get_object_or_404(Mediator, pk=pk)
    # Not "form": the page posts nothing (the isolation walk posts a page's form).
    month_form = StatementMonthForm(request.GET or None)
    context = {
        "mediator": mediator,
        "month_form": month_form,
        "months": statements.months_of(mediator),
    }
    if month_form.is_bound and month_form.is_valid():
        context["statement"] = statements.statement(mediator, month_form.cleaned_data["month"])
    return render(request, "subsidies/finance/statement.html", context)


class PaymentListView(TenantListView):
    """Finance's settlements: by default those waiting for finance (approved: to
    export; exported: to pay), each with its total and workbook."""

    model = Settlement
    template_name = "subsidies/finance/payment_list.html"
    filterset_class = PaymentFilterSet
    sort_fields = {"month": "month", "status": "status"}
    default_sort = "-month"

    def filter_data(self):
        data = self.request.GET.copy()
        if "status" not in data:
            data.setlist("status", list(WAITING_FOR_FINANCE))
        return data

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("bureau", "rule_version")
            .annotate(
                line_count=Count("lines"),
                total=Coalesce(Sum("lines__total"), Value(Decimal("0.00"))),
            )
        )
