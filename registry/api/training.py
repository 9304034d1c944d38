"""API of training sessions (with their attendance), mentorships, monthly attendance
and leave. Attendance is added through the ``attendance`` action and leave approved
through ``approve``; no route answers DELETE."""

from decimal import Decimal

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.inputs import ModelSerializer, Serializer
from core.api.serializers import TenantModelSerializer
from core.api.viewsets import TenantModelViewSet
from core.models.roles import BUREAU_WRITERS
from registry import training
from registry.filtersets import (
    LeaveRecordFilterSet,
    MentorshipFilterSet,
    MonthlyAttendanceFilterSet,
    TrainingSessionFilterSet,
)
from registry.models import (
    LeaveRecord,
    Mediator,
    Mentorship,
    MonthlyAttendance,
    TrainingAttendance,
    TrainingSession,
)

NO_DELETE = ["get", "post", "patch", "head", "options"]


class AttendanceSerializer(ModelSerializer):
    mediator_name = serializers.CharField(source="mediator.name", read_only=True)

    class Meta:
        model = TrainingAttendance
        fields = ["id", "mediator", "mediator_name", "created_at"]
        read_only_fields = fields


class TrainingSessionSerializer(TenantModelSerializer):
    # Declared: the model's validators give the bounds as floats, which DRF refuses.
    hours = serializers.DecimalField(
        max_digits=4, decimal_places=1, min_value=Decimal("0.5"), max_value=Decimal("80")
    )
    # The attendees the user may see, prefetched by the viewset inside the
    # jurisdiction; a freshly created session, which has none, leaves it out.
    attendance = AttendanceSerializer(many=True, read_only=True, source="visible_attendance")

    class Meta:
        model = TrainingSession
        fields = ["id", "title", "kind", "held_on", "hours", "base", "trainer", "region"]
        fields += ["attendance", "created_at"]
        # The organising unit; the active role's own region when not given.
        extra_kwargs = {"region": {"required": False}}


class AttendanceAddSerializer(Serializer):
    mediators = serializers.PrimaryKeyRelatedField(
        many=True, allow_empty=False, queryset=Mediator.objects.all()
    )


class TrainingSessionListSerializer(TenantModelSerializer):
    """A session in the list: its attendees counted, not listed (a township's session
    has hundreds; the session's own route lists them)."""

    attendee_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = TrainingSession
        fields = ["id", "title", "kind", "held_on", "hours", "base", "trainer", "region"]
        fields += ["attendee_count", "created_at"]


class TrainingSessionViewSet(TenantModelViewSet):
    """Training sessions organised in the jurisdiction: the list with the number of
    attendees the user may see, a session with those attendees."""

    queryset = TrainingSession.objects.select_related("region")
    serializer_class = TrainingSessionSerializer
    filterset_class = TrainingSessionFilterSet
    http_method_names = NO_DELETE

    def get_serializer_class(self):
        return (
            TrainingSessionListSerializer
            if self.action == "list"
            else super().get_serializer_class()
        )

    def get_queryset(self):
        if self.action == "list":
            return super().get_queryset().annotate(attendee_count=training.attendee_count())
        # Built per request, so the prefetch's own manager is scoped to the jurisdiction.
        # Only the name of each attendee: the rest of a mediator's record holds
        # encrypted numbers, each decrypted on read.
        attendance = TrainingAttendance.objects.select_related("mediator").only(
            "session_id", "mediator__name", "created_at"
        )
        return (
            super()
            .get_queryset()
            .prefetch_related(Prefetch("attendance", attendance, to_attr="visible_attendance"))
        )

    def perform_create(self, serializer):
        serializer.validated_data.setdefault("region", self.request.active_role.region)
        super().perform_create(serializer)

    @extend_schema(request=AttendanceAddSerializer, responses=TrainingSessionSerializer)
    @action(detail=True, methods=["post"])
    def attendance(self, request, pk=None, **kwargs):
        """Add attendees (mediator ids of the jurisdiction); those already recorded
        stay as they are."""
        session = self.get_object()
        body = AttendanceAddSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        training.add_attendance(session, body.validated_data["mediators"])
        return Response(self.get_serializer(self.get_queryset().get(pk=session.pk)).data)


class MentorshipSerializer(TenantModelSerializer):
    mentor_name = serializers.CharField(source="mentor.name", read_only=True)
    apprentice_name = serializers.CharField(source="apprentice.name", read_only=True)

    class Meta:
        model = Mentorship
        fields = ["id", "mentor", "mentor_name", "apprentice", "apprentice_name"]
        fields += ["starts_on", "ends_on", "notes", "region"]
        read_only_fields = ["region"]


class MentorshipViewSet(TenantModelViewSet):
    queryset = Mentorship.objects.select_related("mentor", "apprentice")
    serializer_class = MentorshipSerializer
    filterset_class = MentorshipFilterSet
    http_method_names = NO_DELETE


class MonthlyAttendanceSerializer(TenantModelSerializer):
    mediator_name = serializers.CharField(source="mediator.name", read_only=True)

    class Meta:
        model = MonthlyAttendance
        fields = ["id", "mediator", "mediator_name", "month", "days_present", "days_leave"]
        fields += ["notes", "region"]
        read_only_fields = ["region"]

    def validate_month(self, value):
        # Stored as the 1st, and compared so by the one-per-month check that follows.
        return value.replace(day=1)


class MonthlyAttendanceViewSet(TenantModelViewSet):
    """Full-time mediators' monthly attendance (seed 004)."""

    queryset = MonthlyAttendance.objects.select_related("mediator")
    serializer_class = MonthlyAttendanceSerializer
    filterset_class = MonthlyAttendanceFilterSet
    http_method_names = NO_DELETE


class LeaveRecordSerializer(TenantModelSerializer):
    mediator_name = serializers.CharField(source="mediator.name", read_only=True)

    class Meta:
        model = LeaveRecord
        fields = ["id", "mediator", "mediator_name", "kind", "starts_on", "ends_on", "reason"]
        fields += ["approved", "region"]
        read_only_fields = ["approved", "region"]


class LeaveRecordViewSet(TenantModelViewSet):
    """Leave of mediators; bureau staff approve it through ``approve``."""

    queryset = LeaveRecord.objects.select_related("mediator")
    serializer_class = LeaveRecordSerializer
    filterset_class = LeaveRecordFilterSet
    http_method_names = NO_DELETE

    @extend_schema(request=None, responses=LeaveRecordSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None, **kwargs):
        leave = self.get_object()
        if not request.active_role.may_write(BUREAU_WRITERS):
            raise exceptions.PermissionDenied(_("Only bureau staff approve leave."))
        training.approve_leave(leave)
        return Response(self.get_serializer(leave).data)


ROUTES = [
    ("trainings", TrainingSessionViewSet),
    ("mentorships", MentorshipViewSet),
    ("monthly-attendance", MonthlyAttendanceViewSet),
    ("leave-records", LeaveRecordViewSet),
]
