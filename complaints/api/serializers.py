"""Serializers of the complaints API. The complainant's phone is write-only and
read back masked; the secret code's hash and the phone's digest are never exposed."""

import datetime

from django.utils.translation import gettext as _
from rest_framework import serializers

from complaints.models import Complaint, Finding, IntegrityRecord, Sanction
from core.api.inputs import ModelSerializer, Serializer, TextField
from core.api.serializers import TenantModelSerializer
from core.models import JudicialOffice
from core.personal import validate_phone


class ComplaintSerializer(TenantModelSerializer):
    """A complaint. Creating one records a window complaint (the channel is
    "window", the recorder the caller); the workflow moves through the actions."""

    complainant_phone = serializers.CharField(
        write_only=True, max_length=20, validators=[validate_phone]
    )
    complainant_phone_masked = serializers.CharField(read_only=True)
    mediator_name = serializers.CharField(source="mediator.name", read_only=True, default=None)
    committee_name = serializers.CharField(source="committee.name", read_only=True)
    received_on = serializers.DateField(required=False)

    class Meta:
        model = Complaint
        fields = [
            "id",
            "tracking_number",
            "channel",
            "status",
            "bureau",
            "committee",
            "committee_name",
            "mediator",
            "mediator_name",
            "assigned_office",
            "complainant_name",
            "complainant_phone",
            "complainant_phone_masked",
            "description",
            "received_on",
            "due_on",
            "due_provisional",
            "verification_note",
            "finding",
            "sanction",
            "concluded_on",
            "answer",
            "answered_on",
            "region",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "tracking_number",
            "channel",
            "status",
            "bureau",
            "assigned_office",
            "due_on",
            "due_provisional",
            "verification_note",
            "finding",
            "sanction",
            "concluded_on",
            "answer",
            "answered_on",
            "region",
        ]
        extra_kwargs = {
            "committee": {"required": False, "allow_null": True},
            "mediator": {"required": False, "allow_null": True},
        }

    def validate_received_on(self, value):
        if value > datetime.date.today():
            raise serializers.ValidationError(_("The date cannot be in the future."))
        return value

    def validate_complainant_name(self, value):
        if not value.strip():
            raise serializers.ValidationError(_("This field may not be blank."))
        return value

    def validate_description(self, value):
        if not value.strip():
            raise serializers.ValidationError(_("This field may not be blank."))
        return value

    def validate(self, attrs):
        # The service builds and checks the complaint (routing, deadline, full_clean);
        # a probe instance here would be checked without its routing.
        if not attrs.get("mediator") and not attrs.get("committee"):
            raise serializers.ValidationError(
                {"mediator": [_("Name the mediator or the committee.")]}
            )
        return attrs

    def create(self, validated_data):
        from complaints import services

        complaint, code = services.file_complaint(
            mediator=validated_data.get("mediator"),
            committee=validated_data.get("committee"),
            name=validated_data["complainant_name"],
            phone=validated_data["complainant_phone"],
            description=validated_data["description"],
            channel="window",
            received_on=validated_data.get("received_on"),
            recorded_by=self.context["request"].user,
        )
        complaint.secret_code = code
        return complaint


class FiledComplaintSerializer(Serializer):
    """The answer to a create: the tracking number and, this once, the secret code
    to hand to the complainant, with the complaint as recorded."""

    tracking_number = serializers.CharField(read_only=True)
    secret_code = serializers.CharField(read_only=True)
    complaint = ComplaintSerializer(read_only=True, source="*")


class AssignSerializer(Serializer):
    office = serializers.PrimaryKeyRelatedField(
        queryset=JudicialOffice.objects.all(),
        required=False,
        allow_null=True,
        help_text="The judicial office that handles it; null: the bureau.",
    )


class VerifySerializer(Serializer):
    note = TextField(required=False, allow_blank=True, default="", max_length=5000)


class ConcludeSerializer(Serializer):
    finding = serializers.ChoiceField(choices=Finding.choices)
    sanction = serializers.ChoiceField(choices=Sanction.choices, required=False, default="")
    note = TextField(required=False, allow_blank=True, default="", max_length=5000)
    # ``source`` names the service's keyword, so validated data goes straight to it.
    concluded_on = serializers.DateField(source="on", required=False, allow_null=True, default=None)


class AnswerSerializer(Serializer):
    answer = TextField(source="text", max_length=5000)


class IntegrityRecordSerializer(ModelSerializer):
    mediator_name = serializers.CharField(source="mediator.name", read_only=True)
    complaint_number = serializers.CharField(
        source="complaint.tracking_number", read_only=True, default=None
    )
    recorded_by = serializers.CharField(source="recorded_by.username", read_only=True, default=None)

    class Meta:
        model = IntegrityRecord
        fields = [
            "id",
            "mediator",
            "mediator_name",
            "kind",
            "occurred_on",
            "title",
            "detail",
            "awarded_by",
            "sanction",
            "complaint",
            "complaint_number",
            "recorded_by",
            "region",
            "created_at",
        ]
        read_only_fields = fields
