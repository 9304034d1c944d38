"""The ranking API: snapshots (read-only; same FilterSet as the list page, so
published ones unless ``status`` says otherwise), listed with their number of entries
and read one by one with the entries, a run that starts the job, and publishing."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.inputs import ModelSerializer, Serializer
from core.api.viewsets import JurisdictionAPIMixin, TenantReadOnlyViewSet
from core.jobs import start_job
from core.models.roles import BUREAU_WRITERS
from core.subqueries import count_per_row
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


def entry_count():
    """A snapshot's entries, as a subquery per snapshot row of the page."""
    return count_per_row(RankingEntry._base_manager.all(), "snapshot")


def _require_bureau_writer(request):
    if request.active_role is None or not request.active_role.may_write(BUREAU_WRITERS):
        raise exceptions.PermissionDenied()


class RankingSnapshotListSerializer(RankingSnapshotSerializer):
    """A snapshot in the list: its entries counted, not listed (a province's quarter
    ranks tens of thousands; the snapshot's own route lists them)."""

    entry_count = serializers.IntegerField(read_only=True)

    class Meta(RankingSnapshotSerializer.Meta):
        fields = [f for f in RankingSnapshotSerializer.Meta.fields if f != "entries"]
        fields += ["entry_count"]


class RankingSnapshotViewSet(TenantReadOnlyViewSet):
    """Ranking snapshots: the list with each one's number of entries, a snapshot with
    its entries."""

    queryset = RankingSnapshot.objects.order_by("-year", "-quarter", "-version")
    serializer_class = RankingSnapshotSerializer
    filterset_class = RankingSnapshotFilterSet

    def get_serializer_class(self):
        if self.action == "list":
            return RankingSnapshotListSerializer
        return super().get_serializer_class()

    def get_queryset(self):
        if self.action == "list":
            return super().get_queryset().annotate(entry_count=entry_count())
        # Only each entry's mediator's name: the rest of the record holds encrypted
        # numbers, each decrypted on read.
        entries = RankingEntry.objects.select_related("mediator").only(
            *(f.name for f in RankingEntry._meta.concrete_fields), "mediator__name"
        )
        return super().get_queryset().prefetch_related(Prefetch("entries", entries))

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
