"""Serializers of the grading API. Rounds are created and changed through
grading.services; every workflow step is an action with a small body of its own."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework import serializers

from core.api.inputs import ModelSerializer, Serializer, TextField
from core.api.serializers import TenantModelSerializer
from core.models import Bureau
from grading import services
from grading.models import (
    Application,
    ApplicationSource,
    Eligibility,
    GradingRound,
    LevelChange,
    Objection,
)
from registry import levels
from registry.models import Mediator


def _names(round_) -> list[str]:
    return (round_.rules or {}).get("levels") or levels.names(round_.bureau)


class RoundSerializer(TenantModelSerializer):
    """A grading round. ``bureau`` must be the caller's own; the levels (``ranks``,
    1 = the highest) must be ones that bureau grades; the cut-off may not be in the
    future. Status moves only through the actions."""

    bureau = serializers.PrimaryKeyRelatedField(queryset=Bureau.objects.all())
    ranks = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=10),
        allow_empty=False,
        max_length=10,
        help_text="Levels graded, as ranks into the bureau's grading_levels (1 = highest).",
    )
    level_names = serializers.SerializerMethodField()

    class Meta:
        model = GradingRound
        fields = [
            "id",
            "bureau",
            "name",
            "ranks",
            "level_names",
            "cutoff_on",
            "applications_open_on",
            "applications_close_on",
            "notice_starts_on",
            "notice_ends_on",
            "effective_on",
            "status",
            "eligibility_computed_at",
            "region",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "notice_starts_on",
            "notice_ends_on",
            "status",
            "eligibility_computed_at",
            "region",
        ]

    def get_level_names(self, obj) -> list[str]:
        names = _names(obj)
        return [levels.name(rank, names) for rank in obj.ranks]

    def validate_bureau(self, bureau):
        request = self.context.get("request")
        role = getattr(request, "active_role", None)
        if role is None or role.home_bureau.pk != bureau.pk:
            raise serializers.ValidationError(_("A round is created by the bureau's own staff."))
        return bureau

    def validate(self, attrs):
        # The service builds and checks the round (its model's clean included).
        return attrs

    def create(self, validated_data):
        bureau = validated_data.pop("bureau")
        try:
            return services.create_round(
                bureau, user=self.context["request"].user, **validated_data
            )
        except DjangoValidationError as exc:
            raise serializers.ValidationError(serializers.as_serializer_error(exc)) from exc

    def update(self, instance, validated_data):
        validated_data.pop("bureau", None)
        try:
            return services.update_round(instance, **validated_data)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(serializers.as_serializer_error(exc)) from exc


class GradingNoticeSerializer(Serializer):
    notice_starts_on = serializers.DateField(required=False, allow_null=True, default=None)


class GradingApplySerializer(Serializer):
    mediator = serializers.PrimaryKeyRelatedField(queryset=Mediator.objects.all())
    rank = serializers.IntegerField(min_value=1, max_value=10)
    source = serializers.ChoiceField(
        choices=ApplicationSource.choices, default=ApplicationSource.APPLIED
    )
    statement = TextField(required=False, allow_blank=True, default="", max_length=2000)


class ApplicationSerializer(ModelSerializer):
    mediator_name = serializers.CharField(source="mediator.name", read_only=True)
    level_name = serializers.SerializerMethodField()
    round_name = serializers.CharField(source="round.name", read_only=True)

    class Meta:
        model = Application
        fields = [
            "id",
            "round",
            "round_name",
            "mediator",
            "mediator_name",
            "rank",
            "level_name",
            "source",
            "status",
            "statement",
            "committee_note",
            "office_note",
            "decision_note",
            "exception_reason",
            "committee_checked_at",
            "office_reviewed_at",
            "decided_at",
            "region",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_level_name(self, obj) -> str:
        # The names per round, read once per response (a list shows many rows).
        cache = self.context.setdefault("level_names", {}) if self.context is not None else {}
        if obj.round_id not in cache:
            cache[obj.round_id] = _names(obj.round)
        return levels.name(obj.rank, cache[obj.round_id])


class GradingCheckSerializer(Serializer):
    passed = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


class GradingDecisionSerializer(Serializer):
    approve = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)
    exception_reason = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=500
    )


class EligibilitySerializer(ModelSerializer):
    mediator_name = serializers.CharField(source="mediator.name", read_only=True)

    class Meta:
        model = Eligibility
        fields = [
            "id",
            "mediator",
            "mediator_name",
            "committee",
            "current_rank",
            "serving",
            "record_complete",
            "years",
            "cases",
            "successes",
            "success_rate",
            "oral_share",
            "difficult",
            "training_sessions",
            "training_hours",
            "satisfaction",
            "complaints",
            "criminal",
            "checks",
            "qualified_rank",
        ]
        read_only_fields = fields


class GradingPlacesSerializer(Serializer):
    rank = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    cap = serializers.IntegerField(read_only=True)
    held = serializers.IntegerField(read_only=True)
    approved = serializers.IntegerField(read_only=True)
    left = serializers.IntegerField(read_only=True)
    target_share = serializers.FloatField(read_only=True)


class ObjectionSerializer(ModelSerializer):
    """An objection; the objector's phone is masked."""

    phone_masked = serializers.CharField(read_only=True)
    mediator = serializers.IntegerField(source="application.mediator_id", read_only=True)
    mediator_name = serializers.CharField(source="application.mediator.name", read_only=True)

    class Meta:
        model = Objection
        fields = [
            "id",
            "round",
            "application",
            "mediator",
            "mediator_name",
            "name",
            "phone_masked",
            "text",
            "status",
            "answer",
            "answered_at",
            "region",
            "created_at",
        ]
        read_only_fields = fields


class ObjectionAnswerSerializer(Serializer):
    answer = TextField(max_length=2000)
    upheld = serializers.BooleanField(default=False)


class LevelChangeSerializer(ModelSerializer):
    mediator_name = serializers.CharField(source="mediator.name", read_only=True)

    class Meta:
        model = LevelChange
        fields = [
            "id",
            "mediator",
            "mediator_name",
            "from_rank",
            "from_name",
            "to_rank",
            "to_name",
            "round",
            "application",
            "decision",
            "reason",
            "effective_on",
            "applied_at",
            "region",
            "created_at",
        ]
        read_only_fields = fields
