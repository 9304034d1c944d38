"""Staff pages of honours: the calls (list, detail with its panel, nominations and
the step its status allows), create and edit, each step, the panel, nominating,
scoring, the nominations list and the result workbook. Every write is an
honours.services call."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView

from core import history as core_history
from core.excel import XLSX_CONTENT_TYPE
from core.exports import file_name
from core.generic_views import (
    ObjectFormView,
    RoleRequiredMixin,
    TenantDetailView,
    TenantListView,
    for_model,
    see_other,
)
from core.jurisdiction import require_role
from core.models import RoleKind
from core.models.roles import BUREAU_WRITERS, WRITE_KINDS
from core.tenancy import all_regions
from honours import excel, history, services
from honours.filtersets import CallFilterSet, NominationFilterSet
from honours.forms import CallForm, ConfirmForm, MemberForm, NominationForm, ScoreForm
from honours.models import CallStatus, HonourCall, Nomination, PanelMember, Score, Subject

STEPS = {
    CallStatus.DRAFT: ("honours:call_open", gettext_lazy("Open for nominations")),
    CallStatus.OPEN: ("honours:call_judging", gettext_lazy("Close nominations; panel judges")),
    CallStatus.JUDGING: ("honours:call_announce", gettext_lazy("Announce the result")),
}


def may_manage(role, call) -> bool:
    """Bureau staff of the call's own bureau run it."""
    return role.may_write(BUREAU_WRITERS) and role.home_bureau.pk == call.bureau_id


def nominations_of(call, role, user):
    """The call's nominations *role* sees: all of them for its panel's members and its
    bureau, else those inside the jurisdiction (an office: its own)."""
    if may_manage(role, call) or services.member_of(call, user) is not None:
        with all_regions():
            return Nomination.objects.filter(call=call).across_regions()
    return Nomination.objects.filter(call=call)


class CallListView(TenantListView):
    model = HonourCall
    template_name = "honours/call_list.html"
    filterset_class = CallFilterSet
    sort_fields = {"year": "year", "deadline": "deadline", "status": "status", "name": "name"}
    default_sort = "-year"

    def get_queryset(self):
        self.queryset = services.visible_calls(require_role(self.request)).annotate(
            nomination_count=Count("nominations")
        )
        return super().get_queryset()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["may_create"] = self.request.active_role.may_write(BUREAU_WRITERS)
        return context


class CallDetailView(TenantDetailView):
    model = HonourCall
    template_name = "honours/call_detail.html"

    def get_queryset(self):
        return services.visible_calls(require_role(self.request))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        call, role, user = self.object, self.request.active_role, self.request.user
        manage = may_manage(role, call)
        member = services.member_of(call, user)
        context["manage"] = manage
        context["member"] = member
        context["nominations"] = list(
            nominations_of(call, role, user)
            .select_related("mediator", "case", "office")
            .annotate(score_count=Count("scores"))
            .order_by("rank", "pk")
        )
        if member is not None and call.status == CallStatus.JUDGING:
            scored = set(
                Score._base_manager.filter(member=member).values_list("nomination_id", flat=True)
            )
            for n in context["nominations"]:
                n.mine = n.pk in scored
                n.own_office = member.office_id is not None and member.office_id == n.office_id
        context["panel"] = list(services.panel_of(call))
        context["missing"] = (
            services.missing_scores(call) if manage and call.status == CallStatus.JUDGING else None
        )
        context["may_nominate"] = (
            call.status == CallStatus.OPEN
            and role.may_write(WRITE_KINDS)
            and (role.kind == RoleKind.OFFICE_CLERK or manage)
        )
        context["may_edit"] = manage and call.status in (CallStatus.DRAFT, CallStatus.OPEN)
        step = STEPS.get(call.status)
        if step and manage:
            context["step"] = {"url_name": step[0], "label": step[1]}
        context["days_left"] = services.deadline_days_left(call)
        context.update(core_history.context(self.request, call, history.of_call(call)))
        return context


class CallCreateView(RoleRequiredMixin, FormView):
    """A draft call of the user's own bureau."""

    write_roles = BUREAU_WRITERS
    requires_write = True
    form_class = CallForm
    template_name = "core/form.html"
    extra_context = {"title": gettext_lazy("New call for nominations")}

    def get_initial(self):
        today = datetime.date.today()
        return {
            "year": today.year,
            "places": 1,
            "subject": Subject.MEDIATOR,
            "deadline": services.default_deadline(),
        }

    def form_valid(self, form):
        role = require_role(self.request)
        try:
            call = services.create_call(
                role.home_bureau, user=self.request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_service_error(exc)
            return self.form_invalid(form)
        messages.success(self.request, _("The call is created; add the panel, then open it."))
        return see_other(call.get_absolute_url())


class CallActionView(ObjectFormView):
    """One step on one call, by its bureau's staff."""

    model = HonourCall
    write_roles = BUREAU_WRITERS
    template_name = "honours/call_action.html"
    form_class = ConfirmForm
    allowed = ()  # statuses this step starts from
    title = ""

    def get_queryset(self):
        return services.visible_calls(require_role(self.request))

    def get_title(self):
        return f"{self.title}：{self.object.name}"

    def refused(self):
        if not may_manage(self.request.active_role, self.object):
            return _("Only the staff of %(bureau)s run this call.") % {
                "bureau": self.object.bureau.name
            }
        if self.allowed and self.object.status not in self.allowed:
            return _("This call is “%(status)s”: this step does not apply to it now.") % {
                "status": self.object.get_status_display()
            }
        return ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["call"] = self.object
        context["refused"] = self.refused()
        return context

    def form_valid(self, form):
        if not may_manage(self.request.active_role, self.object):
            raise PermissionDenied(self.refused())
        return super().form_valid(form)


class CallUpdateView(CallActionView):
    form_class = CallForm
    allowed = (CallStatus.DRAFT, CallStatus.OPEN)
    title = gettext_lazy("Edit")
    success_message = gettext_lazy("Saved.")

    def get_initial(self):
        return CallForm.initial_from(self.object)

    def perform(self, data):
        return services.update_call(self.object, **data)


class CallOpenView(CallActionView):
    allowed = (CallStatus.DRAFT,)
    title = gettext_lazy("Open for nominations")
    success_message = gettext_lazy("The call is open; offices may nominate until the deadline.")

    def perform(self, data):
        return services.open_call(self.object)


class CallJudgingView(CallActionView):
    allowed = (CallStatus.OPEN,)
    title = gettext_lazy("Close nominations; panel judges")
    success_message = gettext_lazy("Nominations are closed; the panel scores the nominees.")

    def perform(self, data):
        return services.start_judging(self.object)


class CallAnnounceView(CallActionView):
    allowed = (CallStatus.JUDGING,)
    title = gettext_lazy("Announce the result")
    success_message = gettext_lazy(
        "The result is announced; the winners' integrity files record the honour."
    )

    def perform(self, data):
        return services.announce(self.object, user=self.request.user)


class PanelAddView(CallActionView):
    allowed = (CallStatus.DRAFT, CallStatus.OPEN)
    title = gettext_lazy("Add a panel member")
    form_class = MemberForm
    success_message = gettext_lazy("The member is on the panel.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "candidates": services.panel_candidates(self.object)}

    def perform(self, data):
        services.add_member(self.object, data["user"])
        return self.object


class PanelRemoveView(ObjectFormView):
    """Take a member off the panel (the page's ``pk`` names the member)."""

    model = PanelMember
    write_roles = BUREAU_WRITERS
    form_class = ConfirmForm
    template_name = "honours/call_action.html"
    success_message = gettext_lazy("The member is off the panel.")

    def get_queryset(self):
        calls = services.visible_calls(require_role(self.request)).values("pk")
        with all_regions():
            return (
                PanelMember.objects.filter(call__in=calls)
                .select_related("call", "user")
                .across_regions()
            )

    def get_title(self):
        return _("Take %(member)s off the panel") % {"member": self.object.display_name}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        call = context["call"] = self.object.call
        if not may_manage(self.request.active_role, call):
            context["refused"] = _("Only the staff of %(bureau)s run this call.") % {
                "bureau": call.bureau.name
            }
        return context

    def perform(self, data):
        if not may_manage(self.request.active_role, self.object.call):
            raise PermissionDenied
        return services.remove_member(self.object)


class NominateView(CallActionView):
    """An office's nomination (bureau staff of the call's bureau may file one for an
    office they pick)."""

    allowed = (CallStatus.OPEN,)
    write_roles = WRITE_KINDS
    title = gettext_lazy("Nominate")
    form_class = NominationForm

    def _office(self):
        role = self.request.active_role
        return role.office if role.kind == RoleKind.OFFICE_CLERK else None

    def refused(self):
        role = self.request.active_role
        if role.kind != RoleKind.OFFICE_CLERK and not may_manage(role, self.object):
            return _("Judicial offices nominate; your role cannot.")
        if self.object.status != CallStatus.OPEN:
            return _("This call is not taking nominations.")
        return ""

    def form_valid(self, form):
        if self.refused():
            raise PermissionDenied(self.refused())
        return ObjectFormView.form_valid(self, form)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "call": self.object, "office": self._office()}

    def perform(self, data):
        return services.nominate(
            self.object,
            data["office"],
            statement=data["statement"],
            mediator=data.get("mediator"),
            case=data.get("case"),
            user=self.request.user,
        )

    def url_after(self, shown):
        messages.success(self.request, _("The nomination is recorded."))
        return shown.get_absolute_url()


class NominationListView(TenantListView):
    model = Nomination
    template_name = "honours/nomination_list.html"
    filterset_class = NominationFilterSet
    sort_fields = {"score": "score", "rank": "rank", "created": "created_at"}
    default_sort = "-created_at"

    def get_queryset(self):
        # The jurisdiction's nominations and those before a panel the user sits on;
        # ``?awaiting=me``: those the user has still to score (the dashboard's link).
        self.queryset = _nominations_for(self.request)
        if self.request.GET.get("awaiting") == "me":
            self.queryset = services.awaiting_my_score(self.request.user, self.queryset)
        return super().get_queryset()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["awaiting"] = self.request.GET.get("awaiting") == "me"
        return context


def _nominations_for(request):
    """The nominations the user may open: inside the jurisdiction, and those before a
    panel they sit on."""
    role = require_role(request)
    calls = Q(call__panel__user=request.user)
    if role.may_write(BUREAU_WRITERS):
        calls |= Q(call__bureau=role.home_bureau)
    with all_regions():
        return (
            Nomination.objects.filter(Q(region__code__startswith=role.jurisdiction_prefix) | calls)
            .distinct()
            .select_related("call__bureau", "mediator", "case", "office")
            .across_regions()
        )


class NominationDetailView(TenantDetailView):
    model = Nomination
    template_name = "honours/nomination_detail.html"

    def get_queryset(self):
        return _nominations_for(self.request)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        nomination, role = self.object, self.request.active_role
        call = nomination.call
        show = may_manage(role, call) or call.status == CallStatus.ANNOUNCED
        context["scores"] = list(nomination.scores.select_related("member__user")) if show else None
        context["criteria"] = call.criteria
        context["may_withdraw"] = (
            call.status == CallStatus.OPEN
            and role.may_write(WRITE_KINDS)
            and Nomination.objects.filter(pk=nomination.pk).exists()
        )
        context.update(
            core_history.context(self.request, nomination, history.of_nomination(nomination))
        )
        member = services.member_of(call, self.request.user)
        context["may_score"] = (
            member is not None
            and call.status == CallStatus.JUDGING
            and member.office_id != nomination.office_id
            and not Score._base_manager.filter(member=member, nomination=nomination).exists()
        )
        return context


class WithdrawView(ObjectFormView):
    """The nominating office withdraws its nomination while the call is open."""

    model = Nomination
    form_class = ConfirmForm
    template_name = "honours/score.html"
    success_message = gettext_lazy("The nomination is withdrawn.")

    def get_queryset(self):
        # The office's own (or its bureau's) nominations: those inside the jurisdiction.
        return Nomination.objects.select_related("call", "office", "mediator", "case")

    def get_title(self):
        return _("Withdraw the nomination: %(nominee)s") % {"nominee": self.object}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["nomination"] = self.object
        if self.object.call.status != CallStatus.OPEN:
            context["refused"] = _("This call is not taking nominations.")
        return context

    def perform(self, data):
        return services.withdraw(self.object)


class ScoreView(ObjectFormView):
    """A panel member's score of one nominee."""

    model = Nomination
    write_roles = None
    template_name = "honours/score.html"

    def get_queryset(self):
        return _nominations_for(self.request)

    def get_form_class(self):
        return ScoreForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "criteria": self.object.call.criteria}

    def get_title(self):
        return _("Score: %(nominee)s") % {"nominee": self.object}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        call = self.object.call
        member = services.member_of(call, self.request.user)
        refused = ""
        if member is None:
            refused = _("Only a member of this call's panel scores its nominees.")
        elif call.status != CallStatus.JUDGING:
            refused = _("The panel scores while the call is before it.")
        context["refused"] = refused
        context["nomination"] = self.object
        return context

    def perform(self, data):
        services.score(
            self.object, user=self.request.user, points=data["points"], note=data["note"]
        )
        return self.object.call

    def url_after(self, shown):
        messages.success(self.request, _("Your score is recorded."))
        return shown.get_absolute_url()


@for_model(HonourCall)
def result_export(request, pk):
    """The call's result as a workbook: each nominee's office, statement, every
    member's total, the result, rank and whether awarded."""
    if not request.user.is_authenticated:
        raise Http404
    role = require_role(request)
    call = services.visible_calls(role).filter(pk=pk).first()
    if call is None:
        raise Http404
    rows = list(
        nominations_of(call, role, request.user)
        .select_related("mediator", "case", "office")
        .prefetch_related("scores__member__user")
        .order_by("rank", "pk")
    )
    body = excel.result_workbook(call, rows)
    response = HttpResponse(body, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{file_name("honours-result")}"'
    return response
