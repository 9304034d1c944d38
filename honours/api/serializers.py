"""Serializers of the honours API. Calls are created and changed through
honours.services; each workflow step is an action with a small body of its own."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework import serializers

from core.api.inputs import ModelSerializer, Serializer, TextField
from core.api.serializers import TenantModelSerializer
from core.models import Bureau, JudicialOffice
from honours import services
from honours.models import HonourCall, Nomination, PanelMember, Score
from mediation.models import Case
from registry.models import Mediator


class CriterionSerializer(Serializer):
    name = serializers.CharField(max_length=50)
    points = serializers.IntegerField(min_value=1, max_value=services.MAX_POINTS)


class PanelMemberSerializer(ModelSerializer):
    name = serializers.CharField(source="display_name", read_only=True)

    class Meta:
        model = PanelMember
        fields = ["id", "user", "name", "office", "added_at"]
        read_only_fields = fields


class CallSerializer(TenantModelSerializer):
    """A call for nominations. ``bureau`` must be the caller's own; ``criteria`` are
    the published criteria, each a name and its points. Status moves only through
    the actions."""

    bureau = serializers.PrimaryKeyRelatedField(queryset=Bureau.objects.all())
    criteria = CriterionSerializer(many=True)
    panel = serializers.SerializerMethodField()

    class Meta:
        model = HonourCall
        fields = [
            "id",
            "bureau",
            "name",
            "title",
            "subject",
            "year",
            "places",
            "deadline",
            "description",
            "criteria",
            "method",
            "status",
            "announced_on",
            "panel",
            "region",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["method", "status", "announced_on", "region"]

    def get_panel(self, obj) -> list[dict]:
        # Prefetched by the viewset's lists; read by the call otherwise (an office
        # clerk on the panel does not govern the call's region).
        prefetched = getattr(obj, "_prefetched_objects_cache", {}).get("panel")
        members = prefetched if prefetched is not None else services.panel_of(obj)
        return PanelMemberSerializer(members, many=True).data

    def validate_bureau(self, bureau):
        request = self.context.get("request")
        role = getattr(request, "active_role", None)
        if role is None or role.home_bureau.pk != bureau.pk:
            raise serializers.ValidationError(_("A call is created by the bureau's own staff."))
        return bureau

    def validate(self, attrs):
        # The service builds and checks the call.
        return attrs

    def create(self, validated_data):
        bureau = validated_data.pop("bureau")
        try:
            return services.create_call(bureau, user=self.context["request"].user, **validated_data)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(serializers.as_serializer_error(exc)) from exc

    def update(self, instance, validated_data):
        validated_data.pop("bureau", None)
        try:
            return services.update_call(instance, **validated_data)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(serializers.as_serializer_error(exc)) from exc


class PanelAddSerializer(Serializer):
    user = serializers.PrimaryKeyRelatedField(queryset=get_user_model().objects.none())

    def __init__(self, *args, call=None, **kwargs):
        super().__init__(*args, **kwargs)
        if call is not None:
            self.fields["user"].queryset = services.panel_candidates(call)


class NominateSerializer(Serializer):
    """``office``: a clerk's own (may be left out); ``mediator`` for a call that
    honours mediators, ``case`` for one that honours cases."""

    office = serializers.PrimaryKeyRelatedField(
        queryset=JudicialOffice.objects.all(), required=False, allow_null=True, default=None
    )
    mediator = serializers.PrimaryKeyRelatedField(
        queryset=Mediator.objects.all(), required=False, allow_null=True, default=None
    )
    case = serializers.PrimaryKeyRelatedField(
        queryset=Case.objects.all(), required=False, allow_null=True, default=None
    )
    statement = TextField(max_length=4000)


class NominationSerializer(ModelSerializer):
    mediator_name = serializers.CharField(source="mediator.name", read_only=True)
    case_number = serializers.SerializerMethodField()
    office_name = serializers.CharField(source="office.name", read_only=True)
    call_name = serializers.CharField(source="call.name", read_only=True)

    class Meta:
        model = Nomination
        fields = [
            "id",
            "call",
            "call_name",
            "office",
            "office_name",
            "mediator",
            "mediator_name",
            "case",
            "case_number",
            "statement",
            "score",
            "rank",
            "awarded",
            "integrity_record",
            "region",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_case_number(self, obj) -> str:
        return obj.case.number if obj.case_id else ""


class ScoreBodySerializer(Serializer):
    points = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=services.MAX_POINTS),
        max_length=services.MAX_CRITERIA,
        help_text="Points per criterion, in the call's order.",
    )
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


class ScoreSerializer(ModelSerializer):
    member_name = serializers.CharField(source="member.display_name", read_only=True)

    class Meta:
        model = Score
        fields = [
            "id",
            "nomination",
            "member",
            "member_name",
            "points",
            "total",
            "note",
            "region",
            "created_at",
        ]
        read_only_fields = fields
