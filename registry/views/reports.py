"""Report pages of the roster: staffing-standard compliance (with its workbook), data
completeness and open term warnings. The figures come from registry.reports."""

import datetime

import django_filters
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import generic

from core import snapshots
from core.db_router import ReplicaReadsMixin
from core.excel import XLSX_CONTENT_TYPE, Column, build_workbook
from core.filtersets import TenantFilterSet
from core.generic_views import RoleRequiredMixin, TenantListView
from registry import reports
from registry import snapshots as registry_snapshots
from registry.forms.reports import AreaFilterForm, ComplianceFilterForm
from registry.models import TermWarning


class ComplianceView(ReplicaReadsMixin, RoleRequiredMixin, generic.TemplateView):
    """Required and actual full-time mediators of every active committee, the rate
    per county or township, and the same table as a workbook (``?export=xlsx``,
    with the filters the page shows)."""

    template_name = "registry/compliance.html"
    paginate_by = 50

    def get(self, request, *args, **kwargs):
        areas = reports.area_names()
        form = ComplianceFilterForm(request.GET)
        # The rates do not depend on narrowing the table to the committees short.
        rates_query = request.GET.copy()
        rates_query.pop("only_short", None)
        filters = form.filters()
        figures = snapshots.read(
            registry_snapshots.COMPLIANCE,
            rates_query,
            compute=lambda: reports.compliance_rates(
                region=filters["region"], kind=filters.get("kind", ""), names=areas
            ),
        )
        report = reports.compliance(**filters, names=areas, rates=figures.data)
        if request.GET.get("export") == "xlsx":
            return compliance_workbook(report, areas)
        page = Paginator(report.committees, self.paginate_by).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        context = self.get_context_data(
            filterset={"form": form},  # the shared filter panel renders filterset.form
            report=report,
            figures=figures,
            rows=[(c, *reports.county_and_township(c.region_id, areas)) for c in page],
            page_obj=page,
            paginator=page.paginator,
            is_paginated=page.has_other_pages(),
            querystring=query.urlencode(),
            export_query=urlencode({**query.dict(), "export": "xlsx"}),
        )
        return self.render_to_response(context)


def compliance_workbook(report, areas) -> HttpResponse:
    def meets(c):
        return (_("Yes") if c.shortfall == 0 else _("No")) if c.required else "—"

    columns = [
        Column(_("Committee code"), lambda c: c.code, 16),
        Column(_("Committee"), lambda c: c.name, 32),
        Column(_("Type"), lambda c: c.get_kind_display(), 18),
        Column(_("County"), lambda c: reports.county_and_township(c.region_id, areas)[0], 14),
        Column(_("Township"), lambda c: reports.county_and_township(c.region_id, areas)[1], 14),
        Column(_("Required full-time mediators"), lambda c: c.required, 12, "0"),
        Column(_("Full-time mediators now"), lambda c: c.actual, 12, "0"),
        Column(_("Shortfall (people)"), lambda c: c.shortfall, 12, "0"),
        Column(_("Meets the standard"), meets, 10),
    ]
    content = build_workbook(
        _("Staffing standard"), columns, report.committees.iterator(chunk_size=2000)
    )
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    name = f"staffing-{datetime.date.today():%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


class CompletenessView(ReplicaReadsMixin, RoleRequiredMixin, generic.TemplateView):
    """The share of active committees and serving mediators with every required field
    (seed 000: 100 %), per county, or per township once narrowed to one county."""

    template_name = "registry/completeness.html"

    def get_context_data(self, **kwargs):
        form = AreaFilterForm(self.request.GET)
        filters = form.filters()
        figures = snapshots.read(
            registry_snapshots.COMPLETENESS,
            self.request.GET,
            compute=lambda: reports.completeness(**filters),
        )
        report = figures.data
        sections = [
            (_("Mediation committees"), report.committees, reverse("registry:committee_list")),
            (_("Mediators"), report.mediators, reverse("registry:mediator_list")),
        ]
        return super().get_context_data(
            filterset={"form": form}, report=report, sections=sections, figures=figures, **kwargs
        )


class TermWarningFilterSet(TenantFilterSet):
    q = django_filters.CharFilter(
        field_name="term__committee__name", lookup_expr="contains", label=gettext_lazy("Committee")
    )

    class Meta:
        model = TermWarning
        fields = ["q"]


class TermWarningListView(TenantListView):
    """Committees whose members' term ends soon and have no next term registered (the
    daily beat job raises the warnings; registering the next term settles them)."""

    model = TermWarning
    template_name = "registry/term_warning_list.html"
    filterset_class = TermWarningFilterSet
    sort_fields = {"due_on": "due_on"}
    default_sort = "due_on"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .filter(resolved_at__isnull=True)
            .select_related("term__committee__region")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = datetime.date.today()
        for warning in context["object_list"]:
            warning.days_left = (warning.due_on - today).days
        return context
