"""API of mediators and their appointments.

Personal numbers are write-only in clear and read-only masked; ``reveal`` returns
one in full to a role that may see it, and audits it. Posts end and move through
the ``end`` and ``transfer`` actions (the registry services); nothing is deleted."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from core.api.inputs import ModelSerializer, Serializer
from core.api.pagination import KeysetPagination
from core.api.serializers import TenantModelSerializer
from core.api.viewsets import TenantModelViewSet
from core.clientip import client_ip
from core.personal import id_birth_date, id_gender, normalize_id_number
from registry import personal_access, services
from registry.api.committees import NO_DELETE
from registry.filtersets import AppointmentFilterSet, MediatorFilterSet
from registry.models import (
    Appointment,
    Committee,
    ExitReason,
    ExpertiseField,
    Mediator,
    PaidBy,
    Post,
)
from registry.models.mediators import PERSONAL_FIELDS
from registry.views.mediators import current_posts


class CurrentPostSerializer(ModelSerializer):
    committee_name = serializers.CharField(source="committee.name", read_only=True)

    class Meta:
        model = Appointment
        fields = ["id", "committee", "committee_name", "post", "full_time", "starts_on"]
        read_only_fields = fields


class MediatorSerializer(TenantModelSerializer):
    id_number_masked = serializers.CharField(read_only=True)
    phone_masked = serializers.CharField(read_only=True)
    bank_account_masked = serializers.CharField(read_only=True)
    expertise = serializers.SlugRelatedField(
        many=True, slug_field="code", queryset=ExpertiseField.objects.all(), required=False
    )
    party_member = serializers.BooleanField(read_only=True)
    has_photo = serializers.SerializerMethodField()
    current_posts = CurrentPostSerializer(many=True, read_only=True, default=list)

    class Meta:
        model = Mediator
        fields = [
            "id",
            "name",
            "region",
            "gender",
            "id_number",
            "id_number_masked",
            "birth_date",
            "phone",
            "phone_masked",
            "address",
            "education",
            "political_status",
            "party_member",
            "background",
            "expertise",
            "volunteer",
            "expert_pool",
            "level",
            "level_name",
            "status",
            "has_photo",
            "photo_public",
            "bank_name",
            "bank_account",
            "bank_account_masked",
            "current_posts",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {name: {"write_only": True} for name in PERSONAL_FIELDS}

    def get_fields(self):
        fields = super().get_fields()
        # Required to register a mediator; an update that leaves it out keeps it.
        fields["id_number"].required = self.instance is None
        return fields

    def get_has_photo(self, obj) -> bool:
        return bool(obj.photo)

    def validate(self, attrs):
        expertise = attrs.pop("expertise", None)  # a many-to-many cannot be set on a probe
        attrs = super().validate(attrs)
        if attrs.get("id_number"):
            # clean() fills gender and birth date from the ID number when they are
            # left out; it ran on a probe instance, so carry them into the data.
            number = normalize_id_number(attrs["id_number"])
            attrs["gender"] = attrs.get("gender") or id_gender(number)
            attrs["birth_date"] = attrs.get("birth_date") or id_birth_date(number)
        if expertise is not None:
            attrs["expertise"] = expertise
        return attrs


class RevealSerializer(Serializer):
    field = serializers.ChoiceField(choices=list(PERSONAL_FIELDS))


class RevealedSerializer(Serializer):
    value = serializers.CharField()


class ActingRolePermission(BasePermission):
    """Any role may ask for a reveal, including read-only ones (finance sees bank
    accounts); ``personal_access.reveal`` decides per field."""

    message = _("You hold no role; ask your bureau admin for one.")

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and request.active_role)


class MediatorViewSet(TenantModelViewSet):
    """Mediators of the jurisdiction (keyset-paginated: constant cost at any depth).
    Filter by ``id_number`` or ``phone`` to find one by its exact number."""

    queryset = Mediator.objects.select_related("region")
    serializer_class = MediatorSerializer
    filterset_class = MediatorFilterSet
    pagination_class = KeysetPagination
    # Keyset pages need non-null sort keys: no level here.
    ordering_fields = ["id", "name", "region_id"]
    http_method_names = NO_DELETE

    def get_queryset(self):
        return super().get_queryset().prefetch_related("expertise", current_posts())

    @extend_schema(
        request=RevealSerializer,
        responses={
            200: RevealedSerializer,
            403: OpenApiResponse(description="The active role may not see this number."),
        },
    )
    @action(detail=True, methods=["post"], permission_classes=[ActingRolePermission])
    def reveal(self, request, pk=None, **kwargs):
        """One personal number in full, if the active role may see it; audited."""
        mediator = self.get_object()
        data = RevealSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        value = personal_access.reveal(
            mediator,
            data.validated_data["field"],
            role=request.active_role,
            remote_addr=client_ip(request),
        )
        return Response({"value": value})


class AppointmentSerializer(TenantModelSerializer):
    mediator_name = serializers.CharField(source="mediator.name", read_only=True)
    committee_name = serializers.CharField(source="committee.name", read_only=True)

    class Meta:
        model = Appointment
        fields = [
            "id",
            "mediator",
            "mediator_name",
            "committee",
            "committee_name",
            "post",
            "full_time",
            "paid_by",
            "starts_on",
            "ends_on",
            "exit_reason",
            "exit_note",
            "region",
        ]
        read_only_fields = ["ends_on", "exit_reason", "exit_note", "region"]

    def create(self, validated_data):
        return services.appoint(
            validated_data["mediator"],
            validated_data["committee"],
            starts_on=validated_data["starts_on"],
            post=validated_data.get("post", Post.MEDIATOR),
            full_time=validated_data.get("full_time", False),
            paid_by=validated_data.get("paid_by", ""),
        )


class EndPostSerializer(Serializer):
    ends_on = serializers.DateField()
    exit_reason = serializers.ChoiceField(choices=ExitReason.choices)
    exit_note = serializers.CharField(max_length=200, required=False, default="")


class TransferSerializer(Serializer):
    committee = serializers.PrimaryKeyRelatedField(queryset=Committee.objects.all())
    starts_on = serializers.DateField()
    post = serializers.ChoiceField(choices=Post.choices, required=False)
    full_time = serializers.BooleanField(required=False, allow_null=True, default=None)
    paid_by = serializers.ChoiceField(choices=PaidBy.choices, required=False)


class AppointmentViewSet(TenantModelViewSet):
    """Posts of mediators in committees. Creating one runs the model's rules (one
    full-time post at a time, an active committee in the jurisdiction); a post is
    never edited or deleted, only ended or transferred."""

    queryset = Appointment.objects.select_related("mediator", "committee")
    serializer_class = AppointmentSerializer
    filterset_class = AppointmentFilterSet
    pagination_class = KeysetPagination
    ordering_fields = ["id", "starts_on"]
    http_method_names = ["get", "post", "head", "options"]

    @extend_schema(request=EndPostSerializer, responses=AppointmentSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None, **kwargs):
        """End the post (exit with a reason); it stays in the career."""
        appointment = self.get_object()
        data = EndPostSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.end_appointment(
            appointment,
            on=data.validated_data["ends_on"],
            reason=data.validated_data["exit_reason"],
            note=data.validated_data["exit_note"],
        )
        return Response(self.get_serializer(appointment).data)

    @extend_schema(
        request=TransferSerializer, responses={status.HTTP_201_CREATED: AppointmentSerializer}
    )
    @action(detail=True, methods=["post"])
    def transfer(self, request, pk=None, **kwargs):
        """Move the post to another committee: this one ends the day before, the new
        one (returned) starts on ``starts_on``; both stay in the career."""
        appointment = self.get_object()
        data = TransferSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        new = services.transfer(
            appointment,
            values["committee"],
            on=values["starts_on"],
            post=values.get("post"),
            full_time=values.get("full_time"),
            paid_by=values.get("paid_by"),
        )
        return Response(self.get_serializer(new).data, status=status.HTTP_201_CREATED)


ROUTES = [
    ("mediators", MediatorViewSet),
    ("appointments", AppointmentViewSet),
]
