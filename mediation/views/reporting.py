"""Monthly reporting pages: zero reports (list and filing), the committees that
reported neither cases nor a zero report by their deadline, and the anomaly flags
staff review."""

import datetime

import django_filters
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import generic

from core.filtersets import MonthFilter, TenantFilterSet
from core.generic_views import RoleRequiredMixin, TenantListView, for_model
from core.jurisdiction import require_role
from core.models.roles import BUREAU_WRITERS
from mediation import reporting
from mediation.forms.reporting import FlagReviewForm, MonthForm, ZeroReportForm
from mediation.models import CaseFlag, FlagKind, ZeroReport


class ZeroReportFilterSet(TenantFilterSet):
    q = django_filters.CharFilter(
        field_name="committee__name", lookup_expr="contains", label=gettext_lazy("Committee")
    )
    month = MonthFilter(field_name="month", label=gettext_lazy("Month"))

    class Meta:
        model = ZeroReport
        fields = ["q", "month"]


class ZeroReportListView(TenantListView):
    model = ZeroReport
    template_name = "mediation/zero_report_list.html"
    filterset_class = ZeroReportFilterSet
    sort_fields = {"month": "month"}
    default_sort = "-month"

    def get_queryset(self):
        return super().get_queryset().select_related("committee", "region", "filed_by")


class ZeroReportCreateView(RoleRequiredMixin, generic.FormView):
    """A clerk states that a committee had no case in an ended month."""

    requires_write = True
    form_class = ZeroReportForm
    template_name = "core/form.html"
    success_url = reverse_lazy("mediation:zero_report_list")

    def get_initial(self):
        return {"month": reporting.previous_month(datetime.date.today())}

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=_("File a zero report"), **kwargs)

    def form_valid(self, form):
        try:
            reporting.file_zero_report(**form.cleaned_data, filed_by=self.request.user)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field, errors)
            return self.form_invalid(form)
        messages.success(self.request, _("Zero report filed."))
        return redirect(self.success_url)


class UnreportedView(RoleRequiredMixin, generic.TemplateView):
    """Committees with neither a case nor a zero report for the month once their
    bureau's deadline has passed (default: last month)."""

    template_name = "mediation/unreported.html"
    paginate_by = 50

    def get_queryset(self):
        """The committees shown (the dashboard counts the same queryset)."""
        self.form = MonthForm(self.request.GET)
        chosen = self.form.cleaned_data if self.form.is_valid() else {}
        self.month = chosen.get("month") or reporting.previous_month(datetime.date.today())
        return (
            reporting.unreported_committees(self.month, upcoming=chosen.get("upcoming", False))
            .select_related("region", "office")
            .order_by("region_id", "code")
        )

    def get_context_data(self, **kwargs):
        committees = self.get_queryset()
        page = Paginator(committees, self.paginate_by).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(
            filterset={"form": self.form},
            month=self.month,
            page_obj=page,
            paginator=page.paginator,
            is_paginated=page.has_other_pages(),
            object_list=page.object_list,
            querystring=query.urlencode(),
            **kwargs,
        )


class FlagFilterSet(TenantFilterSet):
    kind = django_filters.ChoiceFilter(choices=FlagKind.choices, label=gettext_lazy("Kind"))
    open = django_filters.BooleanFilter(
        field_name="reviewed_at", lookup_expr="isnull", label=gettext_lazy("Not reviewed yet")
    )
    q = django_filters.CharFilter(
        field_name="case__committee__name", lookup_expr="contains", label=gettext_lazy("Committee")
    )

    class Meta:
        model = CaseFlag
        fields = ["kind", "open", "q"]


class FlagListView(TenantListView):
    """Anomaly flags for staff review: each says why it fired; reviewing one records
    a note and never changes the case."""

    model = CaseFlag
    template_name = "mediation/flag_list.html"
    filterset_class = FlagFilterSet
    sort_fields = {"created_at": "created_at", "kind": "kind"}
    default_sort = "-created_at"

    def get_queryset(self):
        return super().get_queryset().select_related("case__committee", "region", "reviewed_by")

    def get_context_data(self, **kwargs):
        role = self.request.active_role
        return super().get_context_data(may_review=role.may_write(BUREAU_WRITERS), **kwargs)


@for_model(CaseFlag)
@login_required
def flag_review_view(request, pk):
    """One flag with why it fired; bureau staff post their review note here."""
    role = require_role(request)
    flag = get_object_or_404(
        CaseFlag.objects.select_related("case__committee", "reviewed_by"), pk=pk
    )  # scoped: a foreign flag is 404
    may_review = role.may_write(BUREAU_WRITERS)
    form = FlagReviewForm(request.POST or None, initial={"note": flag.review_note})
    if request.method == "POST":
        if not may_review:
            raise PermissionDenied(_("Only bureau staff review flags."))
        if form.is_valid():
            reporting.review_flag(flag, note=form.cleaned_data["note"], user=request.user)
            messages.success(request, _("Flag marked reviewed."))
            return redirect("mediation:flag_list")
    return render(
        request,
        "mediation/flag_review.html",
        {"flag": flag, "form": form, "may_review": may_review},
    )
