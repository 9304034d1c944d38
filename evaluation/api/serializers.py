"""Serializers of the evaluation API. Evaluations are computed by a job and moved
through their workflow by actions, each with a small body of its own."""

from rest_framework import serializers

from core.api.inputs import ModelSerializer, Serializer, TextField
from evaluation.models import (
    Evaluation,
    EvaluationEntry,
    Grade,
    RenewalCandidate,
    RenewalDecision,
)


class EvaluationSerializer(ModelSerializer):
    bureau_name = serializers.CharField(source="bureau.name", read_only=True)

    class Meta:
        model = Evaluation
        fields = [
            "id",
            "bureau",
            "bureau_name",
            "year",
            "version",
            "status",
            "cutoff_at",
            "rules",
            "created_at",
            "reviewed_at",
            "reviewed_by",
            "published_at",
            "region",
        ]
        read_only_fields = fields


class EvaluationEntrySerializer(ModelSerializer):
    mediator_name = serializers.CharField(source="mediator.name", read_only=True)

    class Meta:
        model = EvaluationEntry
        fields = [
            "id",
            "evaluation",
            "mediator",
            "mediator_name",
            "committee",
            "rank",
            "cases",
            "successes",
            "success_rate",
            "fulfilment_checked",
            "fulfilled",
            "fulfilment_rate",
            "callbacks",
            "satisfaction",
            "training_hours",
            "attendance_months",
            "days_present",
            "days_leave",
            "attendance_rate",
            "complaints",
            "score",
            "computed_grade",
            "grade",
            "adjustment_reason",
            "adjusted_by",
            "adjusted_at",
        ]
        read_only_fields = fields


class CandidateSerializer(ModelSerializer):
    mediator_name = serializers.CharField(source="mediator.name", read_only=True)
    score = serializers.DecimalField(
        source="entry.score", max_digits=5, decimal_places=2, read_only=True
    )
    grade = serializers.CharField(source="entry.grade", read_only=True)

    class Meta:
        model = RenewalCandidate
        fields = [
            "id",
            "evaluation",
            "entry",
            "mediator",
            "mediator_name",
            "score",
            "grade",
            "reason",
            "quarters_under",
            "decision",
            "note",
            "ends_on",
            "decided_by",
            "decided_at",
        ]
        read_only_fields = fields


class EvaluationRunSerializer(Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)


class AdjustSerializer(Serializer):
    entry = serializers.IntegerField(
        min_value=1, max_value=2**63 - 1, help_text="The entry's id in this evaluation."
    )
    grade = serializers.ChoiceField(choices=Grade.choices)
    reason = TextField(max_length=300)


class DecideSerializer(Serializer):
    decision = serializers.ChoiceField(
        choices=[
            (RenewalDecision.END, RenewalDecision.END.label),
            (RenewalDecision.RENEW, RenewalDecision.RENEW.label),
        ]
    )
    note = TextField(required=False, allow_blank=True, default="", max_length=300)
    ends_on = serializers.DateField(required=False, allow_null=True, default=None)
