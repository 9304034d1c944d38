"""Serializers of the roster publication API: a publication's record (counts and
who asked, never a mediator's personal fields), the confirmation a publication needs,
and the preview's counts."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.api.inputs import ModelSerializer, Serializer
from publication.models import RosterPublication


class RosterPublicationSerializer(ModelSerializer):
    bureau_name = serializers.CharField(source="bureau.name", read_only=True)
    requested_by = serializers.CharField(
        source="requested_by.username",
        default=None,
        read_only=True,
        help_text="The user who asked; null for a publication by schedule.",
    )

    class Meta:
        model = RosterPublication
        fields = [
            "id",
            "bureau",
            "bureau_name",
            "version",
            "status",
            "period",
            "requested_by",
            "requested_at",
            "published_at",
            "as_of",
            "mediator_count",
            "committee_count",
            "error",
        ]
        read_only_fields = fields


class PublishSerializer(Serializer):
    confirm = serializers.BooleanField(
        help_text="Must be true: publishing replaces the live roster of the bureau."
    )

    def validate_confirm(self, value):
        if not value:
            raise serializers.ValidationError(_("Confirm the publication."))
        return value


class PublicationStartedSerializer(Serializer):
    job = serializers.UUIDField()
    publication = serializers.IntegerField()
    url = serializers.CharField(help_text="The job's progress page.")


class PreviewSerializer(Serializer):
    bureau = serializers.IntegerField()
    as_of = serializers.DateField()
    computed_at = serializers.DateTimeField(
        allow_null=True,
        help_text="When a large bureau's kept figures were computed (again every ten "
        "minutes); null when computed for this request.",
    )
    mediator_count = serializers.IntegerField()
    committee_count = serializers.IntegerField()
    added = serializers.IntegerField(help_text="Mediators not in the live version.")
    removed = serializers.IntegerField(help_text="Mediators of the live version not listed now.")
    live = serializers.IntegerField(allow_null=True, help_text="The live publication, if any.")
    live_version = serializers.IntegerField(allow_null=True)
