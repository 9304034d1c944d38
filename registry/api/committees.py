"""API of committees and their terms. Nothing is deleted: deregistration is an
action, and no route answers DELETE."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.inputs import Serializer
from core.api.pagination import KeysetPagination
from core.api.serializers import TenantModelSerializer
from core.api.viewsets import TenantModelViewSet
from registry import services
from registry.filtersets import CommitteeFilterSet
from registry.models import Committee, CommitteeTerm
from registry.views.committees import with_member_counts

NO_DELETE = ["get", "post", "put", "patch", "head", "options"]


class CommitteeSerializer(TenantModelSerializer):
    member_count = serializers.SerializerMethodField()
    full_time_count = serializers.SerializerMethodField()

    class Meta:
        model = Committee
        fields = [
            "id",
            "code",
            "name",
            "kind",
            "region",
            "office",
            "industry_field",
            "host_institution",
            "namesake",
            "address",
            "phone",
            "founded_on",
            "filing_status",
            "filed_on",
            "filed_with_office",
            "filed_with_bureau",
            "status",
            "deregistered_on",
            "deregistration_reason",
            "member_count",
            "full_time_count",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["status", "deregistered_on", "deregistration_reason"]

    # Counted by the list's annotation; absent right after a write.
    def get_member_count(self, obj) -> int | None:
        return getattr(obj, "member_count", None)

    def get_full_time_count(self, obj) -> int | None:
        return getattr(obj, "full_time_count", None)


class DeregisterSerializer(Serializer):
    deregistered_on = serializers.DateField()
    deregistration_reason = serializers.CharField(max_length=200)


class CommitteeViewSet(TenantModelViewSet):
    """Mediation committees of the jurisdiction; deregistered ones are listed only
    with ``status=deregistered`` or ``status=all``."""

    queryset = Committee.objects.select_related("region", "office", "industry_field")
    serializer_class = CommitteeSerializer
    filterset_class = CommitteeFilterSet
    # Keyset pages: a province's committees cost the same per page at any depth.
    pagination_class = KeysetPagination
    ordering_fields = ["code", "name", "region", "kind"]
    ordering = ["code"]
    http_method_names = NO_DELETE

    def get_queryset(self):
        # Annotated per request: "current" members are counted as of today.
        return with_member_counts(super().get_queryset())

    def filter_queryset(self, queryset):
        # The FilterSet lists active committees by default; a committee's own routes
        # (retrieve, update, history, deregister) find it whatever its status.
        return queryset if self.detail else super().filter_queryset(queryset)

    @extend_schema(request=DeregisterSerializer, responses=CommitteeSerializer)
    @action(detail=True, methods=["post"])
    def deregister(self, request, pk=None, **kwargs):
        """注销: the committee leaves active lists and its open posts end; its record
        and history stay."""
        committee = self.get_object()
        data = DeregisterSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.deregister_committee(
            committee,
            on=data.validated_data["deregistered_on"],
            reason=data.validated_data["deregistration_reason"],
        )
        return Response(self.get_serializer(self.get_object()).data)


class CommitteeTermSerializer(TenantModelSerializer):
    class Meta:
        model = CommitteeTerm
        fields = ["id", "committee", "number", "starts_on", "ends_on"]
        read_only_fields = ["number"]
        extra_kwargs = {"ends_on": {"required": False}}

    def validate(self, attrs):
        # The service numbers the term and fills in the end date; it validates then.
        return attrs

    def create(self, validated_data):
        return services.add_term(
            validated_data["committee"],
            starts_on=validated_data["starts_on"],
            ends_on=validated_data.get("ends_on"),
        )


class CommitteeTermViewSet(TenantModelViewSet):
    """Terms (届) of the committees; POST registers a committee's next term (the
    number follows, the end date defaults to the bureau's term length)."""

    queryset = CommitteeTerm.objects.all()
    serializer_class = CommitteeTermSerializer
    filterset_fields = ["committee"]
    http_method_names = ["get", "post", "head", "options"]


ROUTES = [
    ("committees", CommitteeViewSet),
    ("committee-terms", CommitteeTermViewSet),
]
