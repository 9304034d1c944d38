"""Staff pages of the library: the searchable list, an entry with its history,
promoting a closed case, editing the account, publishing and withdrawing. Every
write is a caselibrary.services call."""

from django.contrib import messages
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView

from caselibrary import services
from caselibrary.filtersets import EntryFilterSet
from caselibrary.forms import CaseNumberForm, ConfirmForm, EntryForm
from caselibrary.models import LibraryEntry
from core.generic_views import (
    ObjectFormView,
    RoleRequiredMixin,
    TenantDetailView,
    TenantListView,
    see_other,
)
from core.models.roles import BUREAU_WRITERS
from mediation.models import Case
from mediation.models.choices import CaseStatus
from registry.services import governing_bureau


class EntryListView(TenantListView):
    model = LibraryEntry
    template_name = "caselibrary/entry_list.html"
    filterset_class = EntryFilterSet
    sort_fields = {"year": "year", "title": "title"}
    default_sort = "-year"

    def get_queryset(self):
        return super().get_queryset().select_related("dispute_type", "region")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["may_promote"] = self.request.active_role.can_write
        return context


class EntryDetailView(TenantDetailView):
    model = LibraryEntry
    template_name = "caselibrary/entry_detail.html"

    def get_queryset(self):
        return LibraryEntry.objects.select_related("case", "dispute_type", "region")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        role = self.request.active_role
        context["may_edit"] = role.can_write
        context["may_publish"] = role.may_write(BUREAU_WRITERS)
        bureau = governing_bureau(self.object.region_id)
        context["public_url"] = (
            reverse("public_cases:detail", args=[bureau.region_id, self.object.pk])
            if bureau is not None and self.object.published
            else ""
        )
        return context


class PromoteStartView(RoleRequiredMixin, FormView):
    """Name the case to promote by its number."""

    requires_write = True
    form_class = CaseNumberForm
    template_name = "core/form.html"
    extra_context = {"title": gettext_lazy("Promote a case to the library")}

    def form_valid(self, form):
        return see_other(reverse("caselibrary:promote", args=[form.cleaned_data["number"].pk]))


class PromoteView(ObjectFormView):
    """Promote one closed case (the page's ``pk`` names the case): the form starts
    from an anonymised draft of its summary."""

    model = Case
    form_class = EntryForm
    template_name = "caselibrary/entry_form.html"

    def get_title(self):
        return _("Promote %(case)s to the library") % {"case": self.object.number}

    def get_initial(self):
        case = self.object
        return {
            "title": f"{case.dispute_type}纠纷调解案例",
            "dispute_type": case.dispute_type_id,
            "account": services.draft_account(case),
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.object.status != CaseStatus.CLOSED:
            context["refused"] = _("Only a closed case enters the library.")
        elif LibraryEntry.objects.filter(case=self.object).exists():
            context["refused"] = _("This case is already in the library.")
        context["case"] = self.object
        return context

    def perform(self, data):
        return services.promote(self.object, user=self.request.user, **data)

    def url_after(self, shown):
        messages.success(self.request, _("The case is in the library."))
        return shown.get_absolute_url()


class EntryActionView(ObjectFormView):
    model = LibraryEntry
    template_name = "caselibrary/entry_form.html"
    form_class = ConfirmForm

    def get_queryset(self):
        return LibraryEntry.objects.select_related("case", "dispute_type")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["entry"] = self.object
        return context


class EntryUpdateView(EntryActionView):
    form_class = EntryForm
    success_message = gettext_lazy("Saved.")

    def get_title(self):
        return _("Edit %(entry)s") % {"entry": self.object.title}

    def get_initial(self):
        return {field: getattr(self.object, field) for field in services.EDITABLE}

    def perform(self, data):
        return services.update_entry(self.object, **data)


class EntryPublishView(EntryActionView):
    write_roles = BUREAU_WRITERS
    success_message = gettext_lazy("The case is on the public site.")

    def get_title(self):
        return _("Publish %(entry)s on the public site") % {"entry": self.object.title}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.object.published:
            context["refused"] = _("This case is already on the public site.")
        return context

    def perform(self, data):
        return services.publish(self.object)


class EntryWithdrawView(EntryActionView):
    write_roles = BUREAU_WRITERS
    success_message = gettext_lazy("The case is no longer on the public site.")

    def get_title(self):
        return _("Withdraw %(entry)s from the public site") % {"entry": self.object.title}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if not self.object.published:
            context["refused"] = _("This case is not on the public site.")
        return context

    def perform(self, data):
        return services.withdraw(self.object)
