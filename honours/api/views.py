"""API of honours: calls for nominations with their workflow as actions (open,
start judging, announce), the panel, nominating and the result; nominations with
the panel's ``score`` action; the scores, read-only. Every write is an
honours.services call; a rule broken is a 400 with the message beside the field."""

from django.db.models import Prefetch, Q
from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.viewsets import HistoryMixin, TenantModelViewSet, TenantReadOnlyViewSet
from core.excel import XLSX_CONTENT_TYPE
from core.models import RoleKind
from core.models.roles import BUREAU_WRITERS
from core.tenancy import all_regions
from honours import excel, history, services
from honours.api.serializers import (
    CallSerializer,
    NominateSerializer,
    NominationSerializer,
    PanelAddSerializer,
    PanelMemberSerializer,
    ScoreBodySerializer,
    ScoreSerializer,
)
from honours.filtersets import CallFilterSet, NominationFilterSet, ScoreFilterSet
from honours.models import HonourCall, Nomination, PanelMember, Score
from honours.views import may_manage, nominations_of


def _require(request, kinds=None):
    role = request.active_role
    if role is None or not role.may_write(kinds):
        raise exceptions.PermissionDenied()


class CallViewSet(TenantModelViewSet):
    """Calls for nominations the caller sees (their jurisdiction's, and the calls of
    the bureaus above, to which their offices nominate). Create a draft (the caller's
    own bureau), change it, add the panel, then move it: open, start judging (the
    panel scores each nominee through ``/honour-nominations/{id}/score/``), announce
    (the winners' integrity files record the honour)."""

    queryset = HonourCall.objects.select_related("bureau", "region")
    serializer_class = CallSerializer
    filterset_class = CallFilterSet
    ordering_fields = ["id", "year", "deadline", "status"]
    ordering = ["-year", "-id"]
    http_method_names = ["get", "post", "patch", "put", "head", "options"]
    write_roles = BUREAU_WRITERS

    def get_queryset(self):
        role = self.request.active_role
        if role is None:
            return HonourCall.objects.none()
        panel = PanelMember._base_manager.select_related("user", "office")
        return services.visible_calls(role).prefetch_related(Prefetch("panel", queryset=panel))

    def history_entries(self, obj):
        return history.of_call(obj)

    def _managed(self):
        call = self.get_object()  # a foreign call is a 404 before the body is read
        if not may_manage(self.request.active_role, call):
            raise exceptions.PermissionDenied()
        return call

    def perform_update(self, serializer):
        if not may_manage(self.request.active_role, serializer.instance):
            raise exceptions.PermissionDenied()
        super().perform_update(serializer)

    def _step(self, service, **kwargs):
        call = service(self._managed(), **kwargs)
        return Response(self.get_serializer(call).data)

    @extend_schema(request=None, responses=CallSerializer)
    @action(detail=True, methods=["post"])
    def open(self, request, pk=None, **kwargs):
        """draft → open: offices nominate until the deadline."""
        return self._step(services.open_call)

    @extend_schema(request=None, responses=CallSerializer)
    @action(detail=True, methods=["post"], url_path="start-judging")
    def start_judging(self, request, pk=None, **kwargs):
        """open → judging: nominations close; the panel (at least the bureau's minimum)
        scores."""
        return self._step(services.start_judging)

    @extend_schema(request=None, responses=CallSerializer)
    @action(detail=True, methods=["post"])
    def announce(self, request, pk=None, **kwargs):
        """judging → announced, every score in: results, ranks, and the commendations."""
        return self._step(services.announce, user=request.user)

    @extend_schema(request=PanelAddSerializer, responses={201: PanelMemberSerializer})
    @action(detail=True, methods=["post"])
    def panel(self, request, pk=None, **kwargs):
        """Seat a user of the bureau on the panel (before judging)."""
        call = self._managed()
        body = PanelAddSerializer(data=request.data, call=call)
        body.is_valid(raise_exception=True)
        member = services.add_member(call, body.validated_data["user"])
        return Response(PanelMemberSerializer(member).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=NominateSerializer, responses={201: NominationSerializer})
    @action(detail=True, methods=["post"], write_roles=None)
    def nominate(self, request, pk=None, **kwargs):
        """A judicial office's nomination, from its own township, until the deadline."""
        _require(request)
        call = self.get_object()
        role = request.active_role
        body = NominateSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        data = body.validated_data
        if role.kind == RoleKind.OFFICE_CLERK:
            office = role.office
            if data["office"] is not None and data["office"].pk != office.pk:
                raise exceptions.ValidationError(
                    {"office": [_("An office nominates in its own name.")]}
                )
        elif may_manage(role, call):
            office = data["office"]
        else:
            raise exceptions.PermissionDenied()
        nomination = services.nominate(
            call,
            office,
            statement=data["statement"],
            mediator=data["mediator"],
            case=data["case"],
            user=request.user,
        )
        return Response(NominationSerializer(nomination).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=NominationSerializer(many=True))
    @action(detail=True, methods=["get"])
    def nominations(self, request, pk=None, **kwargs):
        """The call's nominations the caller sees, in rank order once announced."""
        call = self.get_object()
        rows = nominations_of(call, request.active_role, request.user).select_related(
            "call", "mediator", "case", "office"
        )
        page = self.paginate_queryset(rows.order_by("rank", "pk"))
        return self.get_paginated_response(NominationSerializer(page, many=True).data)

    @extend_schema(responses={(200, XLSX_CONTENT_TYPE): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def result(self, request, pk=None, **kwargs):
        """The result workbook (.xlsx)."""
        call = self.get_object()
        rows = list(
            nominations_of(call, request.active_role, request.user)
            .select_related("mediator", "case", "office")
            .prefetch_related("scores__member__user")
            .order_by("rank", "pk")
        )
        return HttpResponse(excel.result_workbook(call, rows), content_type=XLSX_CONTENT_TYPE)


class NominationViewSet(HistoryMixin, TenantReadOnlyViewSet):
    """Nominations: the caller's jurisdiction's, and those before a panel they sit
    on. ``score`` records the caller's score as a panel member."""

    queryset = Nomination.objects.select_related("call", "mediator", "case", "office")
    serializer_class = NominationSerializer
    filterset_class = NominationFilterSet
    ordering_fields = ["id", "score", "rank", "created_at"]
    ordering = ["-created_at", "-id"]

    def get_queryset(self):
        role = self.request.active_role
        if role is None:
            return Nomination.objects.none()
        calls = Q(call__panel__user=self.request.user)
        if role.may_write(BUREAU_WRITERS):
            calls |= Q(call__bureau=role.home_bureau)
        with all_regions():
            return (
                Nomination.objects.filter(
                    Q(region__code__startswith=role.jurisdiction_prefix) | calls
                )
                .distinct()
                .select_related("call", "mediator", "case", "office")
                .across_regions()
            )

    def history_entries(self, obj):
        return history.of_nomination(obj)

    @extend_schema(request=ScoreBodySerializer, responses={201: ScoreSerializer})
    @action(detail=True, methods=["post"])
    def score(self, request, pk=None, **kwargs):
        """The caller's score as a member of the call's panel: ``points`` per
        criterion in the call's order. Once; never a nominee of their own office."""
        _require(request)
        nomination = self.get_object()
        body = ScoreBodySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        record = services.score(
            nomination, user=request.user, points=data["points"], note=data["note"]
        )
        return Response(ScoreSerializer(record).data, status=status.HTTP_201_CREATED)


class ScoreViewSet(TenantReadOnlyViewSet):
    """Each panel member's recorded scores (filter ``nomination``, ``call``)."""

    queryset = Score.objects.select_related("member__user", "nomination")
    serializer_class = ScoreSerializer
    filterset_class = ScoreFilterSet
    ordering_fields = ["id", "created_at"]
    ordering = ["-created_at", "-id"]


ROUTES = [
    ("honours", CallViewSet),
    ("honour-nominations", NominationViewSet),
    ("honour-scores", ScoreViewSet),
]
