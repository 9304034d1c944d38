"""API of callbacks: the queue (filters state/bureau/month), one callback, and
recording the call (PUT/PATCH, or POST to ``record``). Callbacks are created only
by the draw, so there is no POST to the list and no DELETE."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import F
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.serializers import as_serializer_error

from core.api.inputs import ModelSerializer
from core.api.viewsets import JurisdictionAPIMixin
from core.models.roles import BUREAU_WRITERS
from mediation import callbacks
from mediation.forms.callbacks import CallbackFilterSet
from mediation.models import Callback


class CallbackSerializer(ModelSerializer):
    case_number = serializers.CharField(source="case.number", read_only=True)
    committee = serializers.IntegerField(source="case.committee_id", read_only=True)
    bureau = serializers.IntegerField(source="case.bureau_id", read_only=True)
    closed_on = serializers.DateField(source="case.closed_on", read_only=True)
    draw_month = serializers.DateField(source="draw.month", read_only=True, default=None)
    pending = serializers.SerializerMethodField()

    class Meta:
        model = Callback
        fields = ["id", "case", "case_number", "committee", "bureau", "closed_on"]
        fields += ["draw", "draw_month", "pending", "called_on", "satisfaction", "fulfilled"]
        fields += ["notes", "recorded_by", "region"]
        read_only_fields = ["case", "draw", "recorded_by", "region"]
        extra_kwargs = {"called_on": {"required": True}, "satisfaction": {"required": True}}

    def get_pending(self, obj) -> bool:
        return obj.called_on is None


class CallbackViewSet(
    JurisdictionAPIMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """The callback queue of the jurisdiction, pending first."""

    queryset = Callback.objects.select_related("case", "draw").order_by(
        F("called_on").asc(nulls_first=True), F("case__closed_on").asc(), "pk"
    )
    serializer_class = CallbackSerializer
    filterset_class = CallbackFilterSet
    write_roles = BUREAU_WRITERS

    def perform_update(self, serializer):
        data = serializer.validated_data
        try:
            callbacks.record_callback(
                serializer.instance,
                user=self.request.user,
                **{f: data[f] for f in callbacks.RECORD_FIELDS if f in data},
            )
        except DjangoValidationError as exc:
            raise serializers.ValidationError(as_serializer_error(exc)) from exc

    @extend_schema(request=CallbackSerializer, responses=CallbackSerializer)
    @action(detail=True, methods=["post"])
    def record(self, request, pk=None, **kwargs):
        """Record the call: date, satisfaction 1–5, agreement fulfilled, notes."""
        return self.update(request, pk=pk, **kwargs)


ROUTES = [("callbacks", CallbackViewSet)]
