"""API of grading: rounds with their workflow as actions, applications with their
checks and the panel's decision, objections with the bureau's answer, and the level
history (``/levels/``), read-only. Every write is a grading.services call; a rule
broken is a 400 with the message beside the field."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.viewsets import TenantModelViewSet, TenantReadOnlyViewSet
from core.models.roles import BUREAU_WRITERS
from grading import services
from grading.api.serializers import (
    ApplicationSerializer,
    EligibilitySerializer,
    GradingApplySerializer,
    GradingCheckSerializer,
    GradingDecisionSerializer,
    GradingNoticeSerializer,
    GradingPlacesSerializer,
    LevelChangeSerializer,
    ObjectionAnswerSerializer,
    ObjectionSerializer,
    RoundSerializer,
)
from grading.filtersets import (
    ApplicationFilterSet,
    EligibilityFilterSet,
    LevelChangeFilterSet,
    ObjectionFilterSet,
    RoundFilterSet,
)
from grading.models import Application, Eligibility, GradingRound, LevelChange, Objection

JobStarted = inline_serializer(
    "GradingJobStarted", {"job": serializers.UUIDField(), "url": serializers.CharField()}
)


def _require(request, kinds=None):
    role = request.active_role
    if role is None or not role.may_write(kinds):
        raise exceptions.PermissionDenied()


class RoundViewSet(TenantModelViewSet):
    """Grading rounds of the jurisdiction. Create a draft (the caller's own bureau),
    change its name and schedule, then move it through the actions: compute the
    eligibility list (a job), open applications, start the review, send to the panel,
    publish the notice, close, take effect."""

    queryset = GradingRound.objects.select_related("bureau", "region")
    serializer_class = RoundSerializer
    filterset_class = RoundFilterSet
    ordering_fields = ["id", "cutoff_on", "status"]
    ordering = ["-cutoff_on", "-id"]
    http_method_names = ["get", "post", "patch", "put", "head", "options"]
    write_roles = BUREAU_WRITERS

    def _step(self, request, service, **kwargs):
        round_ = self.get_object()
        round_ = service(round_, **kwargs)
        return Response(self.get_serializer(round_).data)

    @extend_schema(request=None, responses={202: JobStarted})
    @action(detail=True, methods=["post"], url_path="compute-eligibility")
    def compute_eligibility(self, request, pk=None, **kwargs):
        """Start the eligibility job (poll its URL); the list is at ``eligibility``."""
        job = services.start_eligibility_job(request.active_role, self.get_object())
        return Response(
            {"job": job.uuid, "url": job.get_absolute_url()}, status=status.HTTP_202_ACCEPTED
        )

    @extend_schema(request=None, responses=RoundSerializer)
    @action(detail=True, methods=["post"], url_path="open-applications")
    def open_applications(self, request, pk=None, **kwargs):
        return self._step(request, services.open_applications)

    @extend_schema(request=None, responses=RoundSerializer)
    @action(detail=True, methods=["post"], url_path="start-review")
    def start_review(self, request, pk=None, **kwargs):
        return self._step(request, services.start_review)

    @extend_schema(request=None, responses=RoundSerializer)
    @action(detail=True, methods=["post"], url_path="to-panel")
    def to_panel(self, request, pk=None, **kwargs):
        return self._step(request, services.to_panel)

    @extend_schema(request=GradingNoticeSerializer, responses=RoundSerializer)
    @action(detail=True, methods=["post"], url_path="publish-notice")
    def publish_notice(self, request, pk=None, **kwargs):
        """Publish the notice from ``notice_starts_on`` (today by default) for the
        bureau's number of days."""
        round_ = self.get_object()  # a foreign round is a 404 before the body is read
        body = GradingNoticeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        round_ = services.publish_notice(round_, starts_on=body.validated_data["notice_starts_on"])
        return Response(self.get_serializer(round_).data)

    @extend_schema(request=None, responses=RoundSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None, **kwargs):
        """Close after the notice, every objection answered: records the level changes."""
        return self._step(request, services.close, user=request.user)

    @extend_schema(request=None, responses=RoundSerializer)
    @action(detail=True, methods=["post"], url_path="take-effect")
    def take_effect(self, request, pk=None, **kwargs):
        return self._step(request, services.take_effect)

    @extend_schema(request=None, responses=GradingPlacesSerializer(many=True))
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def places(self, request, pk=None, **kwargs):
        """Places per level graded under its quota: cap, held, approved, left."""
        places = services.places_left(self.get_object()).values()
        return Response(GradingPlacesSerializer(places, many=True).data)

    @extend_schema(responses=EligibilitySerializer(many=True))
    @action(detail=True, methods=["get"])
    def eligibility(self, request, pk=None, **kwargs):
        """The eligibility list at the cut-off: each figure and each check (paginated;
        filter ``mediator``, ``committee``, ``qualified_rank``, ``met``)."""
        round_ = self.get_object()
        rows = Eligibility.objects.filter(round=round_).select_related("mediator")
        rows = EligibilityFilterSet(request.query_params, queryset=rows, request=request)
        if not rows.is_valid():
            raise exceptions.ValidationError(rows.errors)
        page = self.paginate_queryset(rows.qs.order_by("mediator__name", "pk"))
        return self.get_paginated_response(EligibilitySerializer(page, many=True).data)

    @extend_schema(request=GradingApplySerializer, responses={201: ApplicationSerializer})
    @action(detail=True, methods=["post"], write_roles=None)
    def apply(self, request, pk=None, **kwargs):
        """A mediator's application, or with ``source`` "nominated" the committee's
        nomination, while the round takes applications."""
        _require(request)
        round_ = self.get_object()
        body = GradingApplySerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        data = body.validated_data
        application = services.apply(
            round_,
            data["mediator"],
            data["rank"],
            user=request.user,
            statement=data["statement"],
            source=data["source"],
        )
        return Response(ApplicationSerializer(application).data, status=status.HTTP_201_CREATED)


class ApplicationViewSet(TenantReadOnlyViewSet):
    """Applications and nominations; the committee's check, the judicial office's
    first review and the panel's decision are actions."""

    queryset = Application.objects.select_related("mediator", "round__bureau")
    serializer_class = ApplicationSerializer
    filterset_class = ApplicationFilterSet
    ordering_fields = ["id", "rank", "created_at"]
    ordering = ["-created_at", "-id"]

    def _check(self, request, service):
        _require(request)
        application = self.get_object()  # a foreign one is a 404 before the body is read
        body = GradingCheckSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        application = service(application, user=request.user, **body.validated_data)
        return Response(self.get_serializer(application).data)

    @extend_schema(request=GradingCheckSerializer, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def check(self, request, pk=None, **kwargs):
        """The committee's check: ``passed``, and the ``note`` (required to turn it down)."""
        return self._check(request, services.committee_check)

    @extend_schema(request=GradingCheckSerializer, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None, **kwargs):
        """The judicial office's first review."""
        return self._check(request, services.office_review)

    @extend_schema(request=GradingDecisionSerializer, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None, **kwargs):
        """The panel's decision: within the level's quota; approving a mediator who
        fails a criterion needs ``exception_reason``."""
        _require(request, BUREAU_WRITERS)
        application = self.get_object()
        body = GradingDecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        application = services.decide(application, user=request.user, **body.validated_data)
        return Response(self.get_serializer(application).data)


class ObjectionViewSet(TenantReadOnlyViewSet):
    """Objections to grading notices (filed on the public site); the bureau answers."""

    queryset = Objection.objects.select_related("application__mediator", "round")
    serializer_class = ObjectionSerializer
    filterset_class = ObjectionFilterSet
    ordering_fields = ["id", "created_at"]
    ordering = ["-created_at", "-id"]

    @extend_schema(request=ObjectionAnswerSerializer, responses=ObjectionSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None, **kwargs):
        """The bureau's answer; ``upheld`` withdraws the approval it is about."""
        _require(request, BUREAU_WRITERS)
        objection = self.get_object()
        body = ObjectionAnswerSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        objection = services.answer_objection(
            objection, text=data["answer"], user=request.user, upheld=data["upheld"]
        )
        return Response(self.get_serializer(objection).data)


class LevelChangeViewSet(TenantReadOnlyViewSet):
    """The level history: every change of a mediator's level, from a round or a
    recorded decision (filter ``mediator``, ``round``, ``to_rank``, dates)."""

    queryset = LevelChange.objects.select_related("mediator")
    serializer_class = LevelChangeSerializer
    filterset_class = LevelChangeFilterSet
    ordering_fields = ["id", "effective_on"]
    ordering = ["-effective_on", "-id"]


ROUTES = [
    ("grading-rounds", RoundViewSet),
    ("grading-applications", ApplicationViewSet),
    ("grading-objections", ObjectionViewSet),
    ("levels", LevelChangeViewSet),
]
