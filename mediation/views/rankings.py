"""Pages of the quarterly ranking: the snapshots (published ones are the 季通报), a
run with progress, a snapshot's table, chart and workbook, publishing, and the
bureau's per-mediator targets."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import generic

from core.excel import XLSX_CONTENT_TYPE, Column, build_workbook
from core.generic_views import RoleRequiredMixin, TenantDetailView, TenantListView, for_model
from core.jobs import start_job
from core.jurisdiction import require_role
from core.models.roles import BUREAU_WRITERS
from mediation import ranking
from mediation.forms.rankings import (
    ALL,
    QuarterlyTargetFilterSet,
    QuarterlyTargetForm,
    RankingRunForm,
    RankingSnapshotFilterSet,
)
from mediation.jobs.rankings import rank_quarter
from mediation.models import QuarterlyTarget, RankingSnapshot
from registry.models import Appointment


class RankingListView(TenantListView):
    model = RankingSnapshot
    filterset_class = RankingSnapshotFilterSet
    template_name = "mediation/ranking_list.html"
    sort_fields = {"year": "year", "version": "version", "created_at": "created_at"}
    default_sort = "-created_at"

    def get_queryset(self):
        return super().get_queryset().select_related("bureau")

    def filter_data(self):
        # Bureau staff run and publish the rankings: unless they choose a status, they
        # see their drafts beside the published ones (others see what was published).
        data = self.request.GET
        if "status" not in data and require_role(self.request).may_write(BUREAU_WRITERS):
            data = data.copy()
            data["status"] = ALL
        return data

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["may_run"] = require_role(self.request).may_write(BUREAU_WRITERS)
        return context


class RankingRunView(RoleRequiredMixin, generic.FormView):
    """Bureau staff rank their own bureau's quarter; the job page shows the progress."""

    write_roles = BUREAU_WRITERS
    requires_write = True
    form_class = RankingRunForm
    template_name = "core/form.html"
    extra_context = {"title": gettext_lazy("Run the quarterly ranking")}

    def form_valid(self, form):
        role = require_role(self.request)
        job = start_job(
            role,
            "rank_quarter",
            rank_quarter,
            bureau=role.home_bureau.pk,
            year=form.cleaned_data["year"],
            quarter=form.cleaned_data["quarter"],
        )
        return redirect(job)


def committees_by_mediator(snapshot, mediator_ids) -> dict:
    """Each mediator's committee in the snapshot's quarter (their latest full-time post
    there), in one query: entries keep the mediator, the post says where."""
    start, end = ranking.quarter_bounds(snapshot.year, snapshot.quarter)
    posts = (
        Appointment.objects.filter(
            mediator_id__in=mediator_ids,
            full_time=True,
            starts_on__lte=end,
            region__code__startswith=snapshot.bureau.region.prefix,
        )
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=start))
        .select_related("committee")
        .order_by("starts_on", "pk")
    )
    return {post.mediator_id: post.committee for post in posts}


class RankingDetailView(TenantDetailView):
    model = RankingSnapshot
    template_name = "mediation/ranking_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("bureau__region")

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        self.entries = list(self.object.entries.select_related("mediator"))
        committees = committees_by_mediator(self.object, [e.mediator_id for e in self.entries])
        for entry in self.entries:
            entry.committee = committees.get(entry.mediator_id)
        if request.GET.get("export") == "xlsx":
            return self.workbook()
        return self.render_to_response(self.get_context_data(object=self.object))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        role = require_role(self.request)
        context["entries"] = self.entries
        context["may_publish"] = role.may_write(BUREAU_WRITERS) and self.object.status == "draft"
        context["chart"] = {
            "names": [e.mediator.name for e in self.entries],
            "cases": [e.cases for e in self.entries],
            "successes": [e.successes for e in self.entries],
            "targets": [e.target for e in self.entries],
        }
        return context

    def workbook(self):
        snapshot = self.object
        columns = [
            Column(_("Rank"), lambda e: e.rank, width=8),
            Column(_("Mediator"), lambda e: e.mediator.name),
            Column(_("Committee"), lambda e: e.committee and e.committee.name, width=30),
            Column(_("Cases"), lambda e: e.cases, width=10),
            Column(_("Successes"), lambda e: e.successes, width=10),
            Column(_("Success rate"), lambda e: e.success_rate, width=12, number_format="0.0%"),
            Column(_("Average satisfaction"), lambda e: e.satisfaction, width=12),
            Column(_("Target"), lambda e: e.target, width=10),
            Column(_("Under target"), lambda e: _("Yes") if e.under_target else "", width=10),
        ]
        content = build_workbook(str(snapshot)[:31], columns, self.entries)
        response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
        name = f"ranking-{snapshot.year}Q{snapshot.quarter}-v{snapshot.version}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


@for_model(RankingSnapshot)
@login_required
def ranking_publish_view(request, pk):
    role = require_role(request)
    # Looked up first, so a foreign snapshot is a 404 whatever the method.
    snapshot = get_object_or_404(RankingSnapshot, pk=pk)
    if request.method != "POST":
        # Without JavaScript the publish button lands here: confirm, then POST.
        return render(request, "mediation/ranking_publish.html", {"snapshot": snapshot})
    if not role.may_write(BUREAU_WRITERS):
        raise PermissionDenied(_("Your active role may not do this."))
    try:
        ranking.publish(snapshot)
        messages.success(request, _("The ranking is published."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(snapshot)


class TargetListView(TenantListView):
    model = QuarterlyTarget
    filterset_class = QuarterlyTargetFilterSet
    template_name = "mediation/target_list.html"
    sort_fields = {"year": "year", "target": "target"}
    default_sort = "-year"

    def get_queryset(self):
        return super().get_queryset().select_related("mediator")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["may_set"] = require_role(self.request).may_write(BUREAU_WRITERS)
        return context


class TargetSetView(RoleRequiredMixin, generic.FormView):
    """Set a mediator's quarterly target; setting one again changes it."""

    write_roles = BUREAU_WRITERS
    requires_write = True
    form_class = QuarterlyTargetForm
    template_name = "core/form.html"
    extra_context = {"title": gettext_lazy("Set a quarterly target")}
    success_url = reverse_lazy("mediation:target_list")

    def form_valid(self, form):
        data = form.cleaned_data
        QuarterlyTarget.objects.update_or_create(
            mediator=data["mediator"],
            year=data["year"],
            quarter=data["quarter"],
            defaults={"target": data["target"], "region": data["mediator"].region},
        )
        messages.success(self.request, _("The target is set."))
        return super().form_valid(form)
