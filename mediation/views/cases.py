"""Case pages: the list and its ledger export, the record with its parties and
history, filing, and the workflow (start mediation, close, reopen). Thin views over
mediation.services."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView

from core.exports import ListExportView
from core.generic_views import ObjectFormView, RoleRequiredMixin, TenantDetailView, TenantListView
from core.models.roles import BUREAU_WRITERS
from mediation import selectors, services
from mediation.forms.cases import (
    CaseFilterSet,
    CaseForm,
    CloseForm,
    PartyFormSet,
    ReopenForm,
    StartForm,
    filled_forms,
    party_rows,
)
from mediation.jobs.ledger import export_case_ledger
from mediation.ledger import CaseLedger
from mediation.models import Case, CaseStatus

LIST_RELATED = ("committee", "dispute_type", "lead_mediator", "region")
# The name of the filing page's "add a party" submit button.
ADD_PARTY = "add_party"


class CaseListView(TenantListView):
    model = Case
    template_name = "mediation/case_list.html"
    filterset_class = CaseFilterSet
    sort_fields = {
        "number": "number",
        "received_on": "received_on",
        "committee": "committee__code",
        "status": "status",
        "amount": "amount",
    }
    default_sort = "-received_on"

    def get_queryset(self):
        # Open cases past their bureau's time to close show in red.
        return selectors.with_overdue(super().get_queryset().select_related(*LIST_RELATED))


class CaseLedgerView(ListExportView):
    """The list's export button: the ledger of the cases its filters select."""

    export_class = CaseLedger
    task = export_case_ledger
    list_url = "mediation:case_list"


class CaseDetailView(TenantDetailView):
    model = Case
    template_name = "mediation/case_detail.html"

    def get_queryset(self):
        return Case.objects.select_related(
            *LIST_RELATED, "bureau", "filed_by", "lead_mediator"
        ).prefetch_related("assistants", "parties", "flags", "callbacks")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        role = self.request.active_role
        case = self.object
        context["may_write"] = role.may_write()
        context["may_start"] = role.may_write() and case.status == CaseStatus.RECEIVED
        context["may_close"] = role.may_write() and case.status != CaseStatus.CLOSED
        context["may_reopen"] = role.may_write(BUREAU_WRITERS) and case.status == CaseStatus.CLOSED
        return context


class CaseCreateView(RoleRequiredMixin, FormView):
    """Filing: the case, its mediators and its parties, all through
    services.file_case; any error redisplays the page and writes nothing. The
    "add a party" button (what a browser without JavaScript has; static/js/parties.js
    adds rows in place) shows the page again with everything typed and one more party
    row, neither checked nor filed."""

    requires_write = True
    form_class = CaseForm
    template_name = "mediation/case_form.html"

    def get_context_data(self, **kwargs):
        kwargs.setdefault("parties", PartyFormSet(prefix="parties"))
        kwargs.setdefault("title", _("File a case"))
        kwargs.setdefault("add_party", ADD_PARTY)
        return super().get_context_data(**kwargs)

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        parties = PartyFormSet(request.POST, prefix="parties")
        if ADD_PARTY in request.POST:
            typed = {name: form[name].data for name in form.fields}
            return self.render_to_response(
                self.get_context_data(
                    form=self.get_form_class()(initial=typed),
                    parties=parties.with_another_row(),
                )
            )
        # Both, so every error shows at once.
        if not all([form.is_valid(), parties.is_valid()]):
            return self.render_to_response(self.get_context_data(form=form, parties=parties))
        data = dict(form.cleaned_data)
        try:
            case = services.file_case(
                committee=data.pop("committee"),
                assistants=list(data.pop("assistants")),
                parties=party_rows(parties),
                filed_by=request.user,
                **data,
            )
        except ValidationError as exc:
            self._add_errors(form, parties, exc)
            return self.render_to_response(self.get_context_data(form=form, parties=parties))
        messages.success(request, _("Case %(number)s filed.") % {"number": case.number})
        return redirect(case.get_absolute_url())

    def _add_errors(self, form, parties, exc):
        if not hasattr(exc, "error_dict"):
            form.add_service_error(exc)
            return
        # The service names a party row "parties[i]", counting filled rows only.
        filled = filled_forms(parties)
        rest = {}
        for field, errors in exc.error_dict.items():
            index = field.removeprefix("parties[").removesuffix("]")
            if field.startswith("parties[") and index.isdigit():
                filled[int(index)].add_error(None, errors)
            else:
                rest[field] = errors
        if rest:
            form.add_service_error(ValidationError(rest))


class CaseActionView(ObjectFormView):
    model = Case
    template_name = "mediation/case_action.html"

    def get_context_data(self, **kwargs):
        kwargs.setdefault("case", self.object)
        return super().get_context_data(**kwargs)


class CaseStartView(CaseActionView):
    form_class = StartForm
    success_message = gettext_lazy("Mediation has started.")

    def get_title(self):
        return _("Start mediation: %(case)s") % {"case": self.object}

    def perform(self, data):
        if self.object.status != CaseStatus.RECEIVED:
            raise ValidationError(_("Only a received case can start mediation."))
        return services.start_mediation(self.object)


class CaseCloseView(CaseActionView):
    form_class = CloseForm
    success_message = gettext_lazy("Case closed.")

    def get_title(self):
        return _("Close the case: %(case)s") % {"case": self.object}

    def perform(self, data):
        return services.close_case(self.object, **data)


class CaseReopenView(CaseActionView):
    form_class = ReopenForm
    write_roles = BUREAU_WRITERS
    success_message = gettext_lazy("Case reopened.")

    def get_title(self):
        return _("Reopen the case: %(case)s") % {"case": self.object}

    def perform(self, data):
        return services.reopen_case(
            self.object, reason=data["reopen_reason"], role=self.request.active_role
        )
