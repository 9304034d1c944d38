"""Serializers of the library API: an entry is created from a closed case (the
anonymity check runs in caselibrary.services; its messages come back beside the
fields) and published through its actions."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from caselibrary import services
from caselibrary.models import LibraryEntry
from core.api.inputs import TextField
from core.api.serializers import KeyRelatedField, TenantModelSerializer
from mediation.models import Case, DisputeType


class LibraryEntrySerializer(TenantModelSerializer):
    """A library case. ``case`` must be a closed case of the jurisdiction; ``title``,
    ``account`` and ``commentary`` may not name a party or hold an ID or phone
    number. ``published`` moves only through the actions."""

    case = serializers.PrimaryKeyRelatedField(queryset=Case.objects.all())
    dispute_type = KeyRelatedField(queryset=DisputeType.objects.all(), required=False)
    dispute_type_name = serializers.CharField(source="dispute_type.name", read_only=True)
    account = TextField(max_length=8000)
    commentary = TextField(max_length=4000, required=False, allow_blank=True, default="")

    class Meta:
        model = LibraryEntry
        fields = [
            "id",
            "case",
            "title",
            "dispute_type",
            "dispute_type_name",
            "year",
            "account",
            "commentary",
            "published",
            "published_at",
            "region",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["year", "published", "published_at", "region"]

    def validate(self, attrs):
        # The service builds and checks the entry.
        return attrs

    def create(self, validated_data):
        case = validated_data.pop("case")
        try:
            return services.promote(case, user=self.context["request"].user, **validated_data)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(serializers.as_serializer_error(exc)) from exc

    def update(self, instance, validated_data):
        validated_data.pop("case", None)
        try:
            return services.update_entry(instance, **validated_data)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(serializers.as_serializer_error(exc)) from exc
