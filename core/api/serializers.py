from auditlog.models import LogEntry
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework import serializers

from core.api.inputs import ModelSerializer
from core.models import Bureau, JudicialOffice, Policy, Region, Role


class TenantModelSerializer(ModelSerializer):
    """Base serializer of tenant-owned models.

    Related fields are built on the target's default manager, which is scoped to the
    active jurisdiction: naming a region, office or committee outside it is the
    ordinary field error "object does not exist". Full-model validation (``clean``)
    runs too, so the API enforces the same rules as forms.
    """

    def validate(self, attrs):
        attrs = super().validate(attrs)
        model = self.Meta.model
        instance = self.instance or model()
        for field, value in attrs.items():
            if not isinstance(getattr(model, field, None), property):
                setattr(instance, field, value)
        instance.clean()
        # Unique fields and constraints, system-wide (see TenantModel).
        instance.validate_unique(exclude=self._unvalidated_fields(model, attrs))
        instance.validate_constraints(exclude=self._unvalidated_fields(model, attrs))
        return attrs

    def _unvalidated_fields(self, model, attrs):
        # A partial update validates what it touches plus what is already stored.
        return {f.name for f in model._meta.fields if not f.editable} - set(attrs)


class RegionSerializer(ModelSerializer):
    class Meta:
        model = Region
        fields = ["code", "name", "level", "kind", "parent", "prefix"]
        read_only_fields = ["level", "prefix"]


class BureauSerializer(TenantModelSerializer):
    class Meta:
        model = Bureau
        fields = ["id", "name", "level", "region", "parent", "address", "phone"]


class JudicialOfficeSerializer(TenantModelSerializer):
    class Meta:
        model = JudicialOffice
        fields = ["id", "name", "bureau", "region", "address", "phone"]


class RoleSerializer(TenantModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)

    class Meta:
        model = Role
        fields = ["id", "user", "username", "kind", "bureau", "office", "region"]
        read_only_fields = ["region"]


class PolicySerializer(TenantModelSerializer):
    class Meta:
        model = Policy
        fields = ["id", "bureau", "key", "value", "updated_at"]

    def validate(self, attrs):
        from core import policy

        key = attrs.get("key", getattr(self.instance, "key", None))
        try:
            spec = policy.get_key(key)
        except policy.UnknownPolicyKey as exc:
            raise serializers.ValidationError(
                {"key": [_("Unknown rule “%(key)s”.") % {"key": key}]}
            ) from exc
        if "value" in attrs:
            try:
                attrs["value"] = spec.validate(attrs["value"])
            except DjangoValidationError as exc:
                raise serializers.ValidationError({"value": exc.messages}) from exc
        return super().validate(attrs)


class LogEntrySerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", default=None, read_only=True)
    action = serializers.CharField(source="get_action_display")
    changes = serializers.JSONField(source="changes_dict")

    class Meta:
        model = LogEntry
        fields = ["id", "timestamp", "actor", "action", "changes", "remote_addr"]
