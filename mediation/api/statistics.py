"""``/api/v1/statistics/``: the statistics page's figures for the same query
parameters (from, to, area, own, committee), from the same function."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework.response import Response

from core import snapshots
from core.api.inputs import Serializer
from core.api.schema import AutoSchema
from core.api.viewsets import JurisdictionAPIMixin
from core.db_router import ReplicaReadsMixin
from mediation import snapshots as mediation_snapshots
from mediation import statistics
from mediation.forms.statistics import StatisticsForm


class StatisticsRowSerializer(Serializer):
    key = serializers.CharField(help_text="Area code prefix, committee or mediator id")
    name = serializers.CharField()
    cases = serializers.IntegerField()
    successes = serializers.IntegerField()
    success_rate = serializers.FloatField(allow_null=True, help_text="Percent of cases")
    complex_cases = serializers.IntegerField()
    amount = serializers.DecimalField(max_digits=16, decimal_places=2)
    oral = serializers.IntegerField()
    written = serializers.IntegerField()
    fulfilled = serializers.IntegerField()
    judicial_confirmations = serializers.IntegerField()
    prevented_criminal = serializers.IntegerField()
    prevented_suicide = serializers.IntegerField()
    mass_petitions = serializers.IntegerField()
    mass_petition_persons = serializers.IntegerField()
    mass_incidents = serializers.IntegerField()
    mass_incident_persons = serializers.IntegerField()
    callbacks = serializers.IntegerField()
    satisfaction = serializers.FloatField(allow_null=True)
    by_source = serializers.DictField(child=serializers.IntegerField())
    by_type = serializers.DictField(child=serializers.IntegerField())

    def to_representation(self, row):
        # Counts absent from a row (callbacks only) are zero.
        row.counts = {key: row.counts.get(key, 0) for key in (*statistics.COUNTS, *statistics.SUMS)}
        return super().to_representation(row)


class StatisticsSerializer(Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    level = serializers.ChoiceField(choices=list(statistics.LEVEL_LABELS))
    total = StatisticsRowSerializer()
    rows = StatisticsRowSerializer(many=True)
    as_of = serializers.SerializerMethodField(
        help_text="When the figures were computed, for a large jurisdiction's kept figures "
        "(computed again every ten minutes); null when computed for this request."
    )

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_as_of(self, figures):
        at = self.context.get("as_of")
        return at.isoformat() if at else None


class FiguresSchema(AutoSchema):
    """The route's GET answers one object (the figures with their rows), though
    DRF calls it ``list``."""

    def _is_list_view(self, serializer=None):
        return False


class StatisticsViewSet(ReplicaReadsMixin, JurisdictionAPIMixin, viewsets.ViewSet):
    """The reported figures of the jurisdiction for a period, a row per child area,
    committee or lead mediator."""

    basename = "statistics"
    schema = FiguresSchema()

    @extend_schema(
        parameters=[
            OpenApiParameter("from", OpenApiTypes.DATE, description="Default: 1 January"),
            OpenApiParameter("to", OpenApiTypes.DATE, description="Default: today"),
            OpenApiParameter(
                "area", str, description="The region to drill into: its division code or name"
            ),
            OpenApiParameter("own", bool, description="Only committees registered at area"),
            OpenApiParameter(
                "committee",
                str,
                description="Rows per lead mediator of this committee: its code, name or id",
            ),
        ],
        responses=StatisticsSerializer,
    )
    def list(self, request, *args, **kwargs):
        form = StatisticsForm(request.query_params, api=True)
        if not form.is_valid():
            raise serializers.ValidationError(form.errors)
        kept = snapshots.read(
            mediation_snapshots.STATISTICS_API,
            request.query_params,
            compute=lambda: statistics.compute(**form.filters()),
        )
        return Response(StatisticsSerializer(kept.data, context={"as_of": kept.computed_at}).data)


ROUTES = [("statistics", StatisticsViewSet)]
