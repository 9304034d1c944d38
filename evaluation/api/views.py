"""API of the annual evaluation (``/api/v1/evaluations/``): evaluations with their
entries and renewal list, a run that starts the job, and the workflow as actions
(adjust a grade with its reason, review, publish); renewal candidates with the
bureau's decision. Every write is an evaluation.services call; a rule broken is a
400 with the message beside the field."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.viewsets import HistoryMixin, JurisdictionAPIMixin, TenantReadOnlyViewSet
from core.jobs import start_job
from core.models.roles import BUREAU_WRITERS
from evaluation import services, tasks
from evaluation.api.serializers import (
    AdjustSerializer,
    CandidateSerializer,
    DecideSerializer,
    EvaluationEntrySerializer,
    EvaluationRunSerializer,
    EvaluationSerializer,
)
from evaluation.forms import CandidateFilterSet, EntryFilterSet, EvaluationFilterSet
from evaluation.models import Evaluation, EvaluationEntry, RenewalCandidate

JobStarted = inline_serializer(
    "EvaluationJobStarted", {"job": serializers.UUIDField(), "url": serializers.CharField()}
)


def _require_bureau_writer(request):
    if request.active_role is None or not request.active_role.may_write(BUREAU_WRITERS):
        raise exceptions.PermissionDenied()


class EvaluationViewSet(HistoryMixin, TenantReadOnlyViewSet):
    """Annual evaluations of the jurisdiction (filter ``year``, ``status``)."""

    queryset = Evaluation.objects.select_related("bureau")
    serializer_class = EvaluationSerializer
    filterset_class = EvaluationFilterSet
    ordering_fields = ["id", "year"]
    ordering = ["-year", "-version", "-id"]

    @extend_schema(responses=EvaluationEntrySerializer(many=True))
    @action(detail=True, methods=["get"])
    def entries(self, request, pk=None, **kwargs):
        """The evaluation's sheet in rank order (paginated; filter ``mediator``,
        ``committee``, ``grade``)."""
        evaluation = self.get_object()
        rows = EvaluationEntry.objects.filter(evaluation=evaluation).select_related("mediator")
        rows = EntryFilterSet(request.query_params, queryset=rows, request=request)
        if not rows.is_valid():
            raise exceptions.ValidationError(rows.errors)
        page = self.paginate_queryset(rows.qs.order_by("rank", "mediator_id"))
        return self.get_paginated_response(EvaluationEntrySerializer(page, many=True).data)

    @extend_schema(request=AdjustSerializer, responses=EvaluationEntrySerializer)
    @action(detail=True, methods=["post"], url_path="adjust-grade")
    def adjust_grade(self, request, pk=None, **kwargs):
        """Change one entry's grade, with the reason (before publication; 优秀 within
        the cap)."""
        evaluation = self.get_object()  # a foreign one is a 404 before the body is read
        _require_bureau_writer(request)
        body = AdjustSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        entry = get_object_or_404(EvaluationEntry, evaluation=evaluation, pk=data["entry"])
        entry = services.adjust_grade(
            entry, grade=data["grade"], reason=data["reason"], user=request.user
        )
        return Response(EvaluationEntrySerializer(entry).data)

    @extend_schema(request=None, responses=EvaluationSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None, **kwargs):
        evaluation = self.get_object()
        _require_bureau_writer(request)
        return Response(self.get_serializer(services.review(evaluation, user=request.user)).data)

    @extend_schema(request=None, responses=EvaluationSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None, **kwargs):
        """Publish a reviewed evaluation; its renewal list is written."""
        evaluation = self.get_object()
        _require_bureau_writer(request)
        return Response(self.get_serializer(services.publish(evaluation)).data)


class EvaluationRunViewSet(JurisdictionAPIMixin, viewsets.ViewSet):
    """POST /evaluations/run/: registered before the evaluations so "run" is not read
    as an id."""

    basename = "evaluation-run"

    @extend_schema(request=EvaluationRunSerializer, responses={202: JobStarted})
    def create(self, request, **kwargs):
        """Evaluate a year that has ended for the role's bureau: starts the job (poll
        the URL); the result is the year's draft."""
        _require_bureau_writer(request)
        body = EvaluationRunSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.check_year(body.validated_data["year"])
        role = request.active_role
        job = start_job(
            role,
            "evaluate_year",
            tasks.evaluate_year,
            bureau=role.home_bureau.pk,
            year=body.validated_data["year"],
        )
        return Response(
            {"job": job.uuid, "url": job.get_absolute_url()}, status=status.HTTP_202_ACCEPTED
        )


class RenewalCandidateViewSet(HistoryMixin, TenantReadOnlyViewSet):
    """Renewal candidates of published evaluations (filter ``year``, ``mediator``,
    ``reason``, ``decision``); the bureau decides each one."""

    queryset = RenewalCandidate.objects.select_related("mediator", "entry")
    serializer_class = CandidateSerializer
    filterset_class = CandidateFilterSet
    ordering_fields = ["id"]
    ordering = ["-id"]

    @extend_schema(request=DecideSerializer, responses=CandidateSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None, **kwargs):
        """``end`` ends the full-time post through the roster's exit service (annual
        elimination, the evaluation named); ``renew`` needs a ``note``."""
        candidate = self.get_object()
        _require_bureau_writer(request)
        body = DecideSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        candidate = services.decide(candidate, user=request.user, **body.validated_data)
        return Response(self.get_serializer(candidate).data)


ROUTES = [
    ("evaluations/run", EvaluationRunViewSet),
    ("evaluations/renewals", RenewalCandidateViewSet),
    ("evaluations", EvaluationViewSet),
]
