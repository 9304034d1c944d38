"""API of subsidies: rule versions, case reviews, and settlements with their workflow
as actions, their lines and their totals. Every write is a service call."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.viewsets import TenantModelViewSet
from subsidies import settle, workflow
from subsidies.api.serializers import (
    ApproveSerializer,
    CaseReviewSerializer,
    SettledCaseSerializer,
    SettlementLineSerializer,
    SettlementSerializer,
    SubsidyRuleVersionSerializer,
    TotalsSerializer,
)
from subsidies.filtersets import CaseReviewFilterSet, RuleVersionFilterSet, SettlementFilterSet
from subsidies.models import CaseReview, SettledCase, Settlement, SettlementLine, SubsidyRuleVersion
from subsidies.roles import CASE_REVIEWERS, PREPARERS, RULE_WRITERS, STEP_ROLES, may
from subsidies.totals import settlement_totals, totals_by_payer

JobStarted = inline_serializer(
    "SubsidyJobStarted", {"job": serializers.UUIDField(), "url": serializers.CharField()}
)


class SubsidyRuleVersionViewSet(TenantModelViewSet):
    """Subsidy rule versions of the jurisdiction's bureaus; the bureau's admin adds
    and changes its own (``rules`` is typed: see its schema)."""

    queryset = SubsidyRuleVersion.objects.select_related("bureau")
    serializer_class = SubsidyRuleVersionSerializer
    filterset_class = RuleVersionFilterSet
    ordering = ["-effective_from", "-id"]
    http_method_names = ["get", "post", "patch", "put", "head", "options"]
    write_roles = RULE_WRITERS


class CaseReviewViewSet(TenantModelViewSet):
    """Reviews of closed cases (以奖代补); a reviewed case may count in a settlement."""

    queryset = CaseReview.objects.select_related("case")
    serializer_class = CaseReviewSerializer
    filterset_class = CaseReviewFilterSet
    ordering = ["-reviewed_at", "-id"]
    http_method_names = ["get", "post", "patch", "put", "head", "options"]
    write_roles = CASE_REVIEWERS


class SettlementViewSet(TenantModelViewSet):
    """Monthly settlements. Steps: ``compute`` (a job; drafts only), ``review`` and
    ``approve`` (each by someone other than the preparer; approving over budget needs
    ``budget_reason``), ``reopen`` (reviewed back to draft), ``export``, ``pay``."""

    queryset = Settlement.objects.select_related("bureau", "rule_version")
    serializer_class = SettlementSerializer
    filterset_class = SettlementFilterSet
    ordering = ["-month", "-id"]
    http_method_names = ["get", "post", "patch", "head", "options"]
    write_roles = PREPARERS

    def _step(self, request, name, **kwargs):
        if not may(request.active_role, STEP_ROLES[name]):
            raise exceptions.PermissionDenied()
        settlement = workflow.ACTIONS[name](self.get_object(), request.user, **kwargs)
        return Response(self.get_serializer(settlement).data)

    @extend_schema(request=None, responses={202: JobStarted})
    @action(detail=True, methods=["post"])
    def compute(self, request, pk=None, **kwargs):
        """Start computing the lines (a job: poll its URL)."""
        job = settle.start_settlement(request.active_role, self.get_object())
        return Response(
            {"job": job.uuid, "url": job.get_absolute_url()}, status=status.HTTP_202_ACCEPTED
        )

    @extend_schema(request=None, responses=SettlementSerializer)
    @action(detail=True, methods=["post"], write_roles=STEP_ROLES["review"])
    def review(self, request, pk=None, **kwargs):
        return self._step(request, "review")

    @extend_schema(request=None, responses=SettlementSerializer)
    @action(detail=True, methods=["post"], write_roles=STEP_ROLES["reopen"])
    def reopen(self, request, pk=None, **kwargs):
        return self._step(request, "reopen")

    @extend_schema(request=ApproveSerializer, responses=SettlementSerializer)
    @action(detail=True, methods=["post"], write_roles=STEP_ROLES["approve"])
    def approve(self, request, pk=None, **kwargs):
        body = ApproveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._step(request, "approve", budget_reason=body.validated_data["budget_reason"])

    @extend_schema(request=None, responses=SettlementSerializer)
    @action(detail=True, methods=["post"], write_roles=STEP_ROLES["export"])
    def export(self, request, pk=None, **kwargs):
        return self._step(request, "export")

    @extend_schema(request=None, responses=SettlementSerializer)
    @action(detail=True, methods=["post"], write_roles=STEP_ROLES["pay"])
    def pay(self, request, pk=None, **kwargs):
        return self._step(request, "pay")

    @extend_schema(responses=SettlementLineSerializer(many=True))
    @action(detail=True, methods=["get"], filter_backends=[])
    def lines(self, request, pk=None, **kwargs):
        """The settlement's lines (of the mediators inside the caller's jurisdiction),
        one per mediator and payer; paginated."""
        rows = SettlementLine.objects.filter(settlement=self.get_object()).select_related(
            "mediator"
        )
        page = self.paginate_queryset(rows.order_by("payer", "mediator_id", "pk"))
        return self.get_paginated_response(SettlementLineSerializer(page, many=True).data)

    @extend_schema(responses=SettledCaseSerializer(many=True))
    @action(detail=True, methods=["get"], filter_backends=[])
    def cases(self, request, pk=None, **kwargs):
        """Every case the settlement pays, per mediator, with its rate; paginated."""
        rows = SettledCase.objects.filter(line__settlement=self.get_object()).select_related("case")
        page = self.paginate_queryset(rows.order_by("line_id", "case_id", "pk"))
        return self.get_paginated_response(SettledCaseSerializer(page, many=True).data)

    @extend_schema(responses=TotalsSerializer(many=True))
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def totals(self, request, pk=None, **kwargs):
        """Totals per payer, then the whole (without ``payer``)."""
        settlement = self.get_object()
        rows = [*totals_by_payer(settlement), settlement_totals(settlement)]
        return Response(TotalsSerializer(rows, many=True).data)


ROUTES = [
    ("subsidy-rules", SubsidyRuleVersionViewSet),
    ("case-reviews", CaseReviewViewSet),
    ("settlements", SettlementViewSet),
]
