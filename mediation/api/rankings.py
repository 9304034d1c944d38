"""The ranking API: snapshots with their entries (read-only; same FilterSet as the
list page, so published ones unless ``status`` says otherwise), a run that starts the
job, and publishing."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.inputs import ModelSerializer, Serializer
from core.api.viewsets import JurisdictionAPIMixin, TenantReadOnlyViewSet
from core.jobs import start_job
from core.models.roles import BUREAU_WRITERS
from mediation import ranking
from mediation.forms.rankings import RankingSnapshotFilterSet
from mediation.jobs.rankings import rank_quarter
from mediation.models import RankingEntry, RankingSnapshot


class RankingEntrySerializer(ModelSerializer):
    mediator_name = serializers.CharField(source="mediator.name", read_only=True)

    class Meta:
        model = RankingEntry
        fields = [
            "rank",
            "mediator",
            "mediator_name",
            "cases",
            "successes",
            "success_rate",
            "satisfaction",
            "target",
            "under_target",
        ]


class RankingSnapshotSerializer(ModelSerializer):
    entries = RankingEntrySerializer(many=True, read_only=True)
    criteria = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = RankingSnapshot
        fields = [
            "id",
            "bureau",
            "year",
            "quarter",
            "version",
            "status",
            "cutoff_at",
            "criteria",
            "created_at",
            "published_at",
            "entries",
        ]


class RunSerializer(Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    quarter = serializers.IntegerField()

    def validate(self, attrs):
        try:
            ranking.check_quarter(attrs["year"], attrs["quarter"])
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.message_dict) from exc
        return attrs


JobStarted = inline_serializer(
    "RankingJobStarted", {"job": serializers.UUIDField(), "url": serializers.CharField()}
)


def _require_bureau_writer(request):
    if request.active_role is None or not request.active_role.may_write(BUREAU_WRITERS):
        raise exceptions.PermissionDenied()


class RankingSnapshotViewSet(TenantReadOnlyViewSet):
    queryset = RankingSnapshot.objects.prefetch_related("entries__mediator").order_by(
        "-year", "-quarter", "-version"
    )
    serializer_class = RankingSnapshotSerializer
    filterset_class = RankingSnapshotFilterSet

    def filter_queryset(self, queryset):
        # The list's filters (published by default) narrow lists, not lookups by id.
        return super().filter_queryset(queryset) if self.action == "list" else queryset

    @extend_schema(request=None, responses=RankingSnapshotSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None, **kwargs):
        """Freeze a draft as the quarter's 季通报."""
        snapshot = self.get_object()
        _require_bureau_writer(request)
        try:
            ranking.publish(snapshot)
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"status": exc.messages}) from exc
        return Response(self.get_serializer(snapshot).data)


class RankingRunViewSet(JurisdictionAPIMixin, viewsets.ViewSet):
    """POST /rankings/run/: a viewset of its own (no queryset), registered before the
    snapshots so "run" is not read as a snapshot id."""

    basename = "ranking-run"

    @extend_schema(request=RunSerializer, responses={202: JobStarted})
    def create(self, request, **kwargs):
        """Rank a quarter that has ended for the role's bureau: starts the job (poll
        the URL); the result is the quarter's draft snapshot."""
        _require_bureau_writer(request)
        data = RunSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        role = request.active_role
        job = start_job(
            role, "rank_quarter", rank_quarter, bureau=role.home_bureau.pk, **data.validated_data
        )
        return Response(
            {"job": job.uuid, "url": job.get_absolute_url()}, status=status.HTTP_202_ACCEPTED
        )


ROUTES = [("rankings/run", RankingRunViewSet), ("rankings", RankingSnapshotViewSet)]
