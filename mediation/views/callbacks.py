"""The callback queue (pending first), recording a call, and the on-demand draw."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import F
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import generic

from core.generic_views import RoleRequiredMixin, TenantListView
from core.jobs import start_job
from core.models.roles import BUREAU_WRITERS
from mediation import callbacks
from mediation.forms.callbacks import CallbackFilterSet, CallbackForm, DrawForm
from mediation.jobs.callbacks import draw_month_job
from mediation.models import Callback, CallbackDraw

CALLBACK_RELATED = (
    "case__committee",
    "case__lead_mediator",
    "case__dispute_type",
    "case__bureau",
    "draw",
    "recorded_by",
)


class CallbackListView(TenantListView):
    """The queue: pending calls first, the longest-closed case at the top."""

    model = Callback
    template_name = "mediation/callback_list.html"
    filterset_class = CallbackFilterSet
    sort_fields = {"closed_on": "case__closed_on", "called_on": "called_on"}

    def get_queryset(self):
        queryset = super().get_queryset().select_related(*CALLBACK_RELATED)
        if self.request.GET.get("sort", "").lstrip("-") not in self.sort_fields:
            queryset = queryset.order_by(
                F("called_on").asc(nulls_first=True), F("case__closed_on").asc(), "pk"
            )
        return queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["may_record"] = self.request.active_role.may_write(BUREAU_WRITERS)
        return context


class CallbackRecordView(RoleRequiredMixin, generic.UpdateView):
    """Record the call; the model's rules give field errors and nothing is saved."""

    model = Callback
    form_class = CallbackForm
    template_name = "mediation/callback_form.html"
    write_roles = BUREAU_WRITERS
    requires_write = True
    extra_context = {"title": gettext_lazy("Record a callback")}

    def dispatch(self, request, *args, **kwargs):
        # A foreign callback is a 404 for every role, before the role check.
        if request.user.is_authenticated:
            self.get_object()
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return Callback.objects.select_related(*CALLBACK_RELATED)

    def form_valid(self, form):
        try:
            callbacks.record_callback(
                self.object,
                user=self.request.user,
                **{f: form.cleaned_data[f] for f in form.fields},
            )
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Callback recorded."))
        return redirect("mediation:callback_list")


class DrawView(RoleRequiredMixin, generic.FormView):
    """Draw a month on demand (bureau staff), for each county bureau in the
    jurisdiction; months already drawn stay as they were."""

    form_class = DrawForm
    template_name = "mediation/callback_draw.html"
    write_roles = BUREAU_WRITERS
    requires_write = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["draws"] = CallbackDraw.objects.select_related("bureau")[:24]
        return context

    def form_valid(self, form):
        month = form.cleaned_data["month"]
        job = start_job(
            self.request.active_role, "callback_draw", draw_month_job, month=month.isoformat()
        )
        return redirect(job)
