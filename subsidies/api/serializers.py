"""Serializers of the subsidies API. Writes go through the services (subsidies.versions,
.reviews, .settle, .workflow); a rule broken is a 400 with the message beside the field."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from rest_framework import serializers

from core.api.inputs import ModelSerializer, Serializer
from core.api.serializers import TenantModelSerializer
from core.models import Bureau
from mediation.models import Case
from mediation.models.choices import CaseStatus
from subsidies import reviews, settle, versions
from subsidies.models import (
    CaseReview,
    SettledCase,
    Settlement,
    SettlementLine,
    SettlementStatus,
    SubsidyRuleVersion,
)
from subsidies.rules import RULES


def _service(call, *args, **kwargs):
    try:
        return call(*args, **kwargs)
    except DjangoValidationError as exc:
        raise serializers.ValidationError(serializers.as_serializer_error(exc)) from exc


def _own_bureau(serializer, bureau, message):
    role = getattr(serializer.context.get("request"), "active_role", None)
    if role is None or role.home_bureau.pk != bureau.pk:
        raise serializers.ValidationError(message)
    return bureau


class RulesField(serializers.JSONField):
    """A version's rules: an object keyed by the rule fields' names."""


class RulesFieldExtension(OpenApiSerializerFieldExtension):
    target_class = RulesField

    def map_serializer_field(self, auto_schema, direction):
        return RULES.json_schema()


class SubsidyRuleVersionSerializer(TenantModelSerializer):
    """A bureau's subsidy rules in force from ``effective_from`` (a month's first day)
    to ``effective_to`` (empty: open). A bureau's versions never overlap. A version a
    settlement has gone past draft with is a record and no longer changes."""

    bureau = serializers.PrimaryKeyRelatedField(queryset=Bureau.objects.all())
    rules = RulesField()

    class Meta:
        model = SubsidyRuleVersion
        fields = [
            "id",
            "bureau",
            "name",
            "effective_from",
            "effective_to",
            "rules",
            "region",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["region", "created_at", "updated_at"]

    def validate_bureau(self, bureau):
        return _own_bureau(self, bureau, _("A bureau sets its own subsidy rules."))

    def validate_rules(self, value):
        try:
            return RULES.validate(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.message_dict) from exc

    def validate(self, attrs):
        if self.instance is not None and versions.in_use(self.instance):
            raise serializers.ValidationError(
                _("A settlement has used this version; add a new version instead.")
            )
        return super().validate(attrs)

    def create(self, validated_data):
        version = SubsidyRuleVersion(**validated_data, region=validated_data["bureau"].region)
        return _service(versions.save_version, version, self.context["request"].user)

    def update(self, instance, validated_data):
        validated_data.pop("bureau", None)
        for name, value in validated_data.items():
            setattr(instance, name, value)
        return _service(versions.save_version, instance, self.context["request"].user)


class CaseReviewSerializer(TenantModelSerializer):
    """The review of a closed case: scores out of 40 (file), 30 (process) and 30
    (result); for an oral agreement whether the parties' participation is evidenced;
    for an unsuccessful case whether it was handled properly; the decision, and the
    decision on open anomaly flags (required when there are any)."""

    case = serializers.PrimaryKeyRelatedField(
        queryset=Case.objects.filter(status=CaseStatus.CLOSED)
    )
    case_number = serializers.CharField(source="case.number", read_only=True)

    class Meta:
        model = CaseReview
        fields = [
            "id",
            "case",
            "case_number",
            "file_score",
            "process_score",
            "result_score",
            "score",
            "participation_evidenced",
            "handled_properly",
            "decision",
            "flags_decision",
            "note",
            "reviewed_by",
            "reviewed_at",
            "region",
        ]
        read_only_fields = ["score", "reviewed_by", "reviewed_at", "region"]

    def create(self, validated_data):
        review = CaseReview(**validated_data, region=validated_data["case"].region)
        return _service(reviews.save_review, review, self.context["request"].user)

    def update(self, instance, validated_data):
        validated_data.pop("case", None)
        for name, value in validated_data.items():
            setattr(instance, name, value)
        return _service(reviews.save_review, instance, self.context["request"].user)


class SettlementSerializer(TenantModelSerializer):
    """A bureau's settlement of a month. Create one for the caller's own bureau and a
    month that has ended (give any day of it); compute it with the ``compute`` action
    (a job), then move it through ``review``, ``approve``, ``export`` and ``pay``."""

    bureau = serializers.PrimaryKeyRelatedField(queryset=Bureau.objects.all())
    rule_version_name = serializers.CharField(source="rule_version.name", read_only=True)

    class Meta:
        model = Settlement
        fields = [
            "id",
            "bureau",
            "month",
            "status",
            "rule_version",
            "rule_version_name",
            "computed_at",
            "digest",
            "budget_warning",
            "budget_reason",
            "note",
            "prepared_by",
            "reviewed_by",
            "reviewed_at",
            "approved_by",
            "approved_at",
            "exported_by",
            "exported_at",
            "paid_recorded_by",
            "paid_at",
            "region",
            "created_at",
        ]
        read_only_fields = [f for f in fields if f not in ("bureau", "month", "note")]
        # The service refuses a month settled twice, with the message on ``month``.
        validators = []

    def validate_bureau(self, bureau):
        return _own_bureau(self, bureau, _("A bureau settles its own months."))

    def validate(self, attrs):
        if self.instance is not None and self.instance.status != SettlementStatus.DRAFT:
            raise serializers.ValidationError(_("This settlement is locked; it no longer changes."))
        return attrs

    def create(self, validated_data):
        request = self.context["request"]
        return _service(
            settle.create_settlement,
            validated_data["bureau"],
            validated_data["month"],
            request.user,
        )

    def update(self, instance, validated_data):
        instance.note = validated_data.get("note", instance.note)
        instance.save()
        return instance


class ApproveSerializer(Serializer):
    budget_reason = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=500
    )


class SettlementLineSerializer(ModelSerializer):
    mediator_name = serializers.CharField(source="mediator.name", read_only=True)

    class Meta:
        model = SettlementLine
        fields = [
            "id",
            "settlement",
            "rule_version",
            "mediator",
            "mediator_name",
            "month",
            "payer",
            "level",
            "full_time",
            "cases",
            "base",
            "case_amount",
            "bonus",
            "award",
            "capped",
            "adjustment",
            "total",
            "blocked",
        ]
        read_only_fields = fields


class SettledCaseSerializer(ModelSerializer):
    case_number = serializers.CharField(source="case.number", read_only=True)

    class Meta:
        model = SettledCase
        fields = [
            "id",
            "line",
            "case",
            "case_number",
            "mediator",
            "role",
            "rate_kind",
            "rate",
            "share",
            "factors",
            "award",
            "amount",
        ]
        read_only_fields = fields


class TotalsSerializer(Serializer):
    payer = serializers.CharField(required=False)
    base = serializers.DecimalField(max_digits=14, decimal_places=2)
    case_amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    bonus = serializers.DecimalField(max_digits=14, decimal_places=2)
    award = serializers.DecimalField(max_digits=14, decimal_places=2)
    capped = serializers.DecimalField(max_digits=14, decimal_places=2)
    adjustment = serializers.DecimalField(max_digits=14, decimal_places=2)
    total = serializers.DecimalField(max_digits=14, decimal_places=2)
    lines = serializers.IntegerField()
    blocked = serializers.IntegerField()
    blocked_total = serializers.DecimalField(max_digits=14, decimal_places=2)
