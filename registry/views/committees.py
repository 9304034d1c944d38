"""Committee pages: list, record, create and edit, terms, deregistration. Thin views
over registry.services; nothing is ever deleted."""

import datetime

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.generic_views import (
    ObjectFormView,
    TenantCreateView,
    TenantDetailView,
    TenantListView,
    TenantUpdateView,
)
from registry import reports, services
from registry.filtersets import CommitteeFilterSet
from registry.forms.committees import CommitteeForm, DeregisterForm, TermForm
from registry.models import Committee


def with_member_counts(queryset):
    """Annotate each committee with the mediators holding a post today, and those
    of them full-time: one query for the whole page, however many rows, that counts
    for the 50 committees shown only (a join and GROUP BY would count the posts of
    every committee in the jurisdiction first)."""
    return queryset.annotate(
        member_count=reports.members_now(), full_time_count=reports.members_now(full_time=True)
    )


class CommitteeListView(TenantListView):
    model = Committee
    template_name = "registry/committee_list.html"
    filterset_class = CommitteeFilterSet
    sort_fields = {"code": "code", "name": "name", "region": "region_id", "type": "kind"}
    default_sort = "code"

    def get_queryset(self):
        return with_member_counts(super().get_queryset().select_related("region", "office"))


class CommitteeDetailView(TenantDetailView):
    model = Committee
    template_name = "registry/committee_detail.html"

    def get_queryset(self):
        return Committee.objects.select_related(
            "region", "office", "industry_field", "filed_with_office", "filed_with_bureau"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = datetime.date.today()
        posts = self.object.appointments.select_related("mediator").order_by("-starts_on", "-pk")
        context["current_posts"] = posts.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        context["past_posts"] = posts.filter(ends_on__lt=today)
        context["terms"] = self.object.terms.select_related("warning").order_by("-number")
        context["may_write"] = self.request.active_role.may_write()
        context["term_form"] = TermForm()
        return context


class CommitteeCreateView(TenantCreateView):
    model = Committee
    form_class = CommitteeForm
    success_message = gettext_lazy("Committee saved.")
    extra_context = {"title": gettext_lazy("New mediation committee")}


class CommitteeUpdateView(TenantUpdateView):
    model = Committee
    form_class = CommitteeForm
    success_message = gettext_lazy("Committee saved.")
    extra_context = {"title": gettext_lazy("Edit mediation committee")}


class CommitteeDeregisterView(ObjectFormView):
    model = Committee
    form_class = DeregisterForm
    success_message = gettext_lazy("The committee is deregistered; its record stays.")

    def get_title(self):
        return _("Deregister %(committee)s") % {"committee": self.object}

    def perform(self, data):
        return services.deregister_committee(
            self.object, on=data["deregistered_on"], reason=data["deregistration_reason"]
        )


class CommitteeTermCreateView(ObjectFormView):
    model = Committee
    form_class = TermForm
    success_message = gettext_lazy("Term registered.")

    def get_title(self):
        return _("New term of %(committee)s") % {"committee": self.object}

    def perform(self, data):
        services.add_term(self.object, starts_on=data["starts_on"], ends_on=data["ends_on"])
        return self.object
