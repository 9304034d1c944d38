from auditlog.models import LogEntry
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers

from core.api.policy_values import PolicyValueField, value_errors
from core.models import Bureau, JudicialOffice, Policy, Region, Role


class TenantModelSerializer(serializers.ModelSerializer):
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


class RegionSerializer(serializers.ModelSerializer):
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
    """A bureau's own value of one rule. Only the bureau's admin sets it; the value is
    checked by the rule's declaration, with errors keyed by its field names."""

    value = PolicyValueField()

    class Meta:
        model = Policy
        fields = ["id", "bureau", "key", "value", "updated_at"]

    def validate(self, attrs):
        from core import policy

        instance = self.instance
        bureau = attrs.get("bureau", getattr(instance, "bureau", None))
        key = attrs.get("key", getattr(instance, "key", None))
        if instance is not None and (bureau != instance.bureau or key != instance.key):
            raise serializers.ValidationError(
                {"key": [_("A rule's bureau and key do not change; set the other rule instead.")]}
            )
        if not policy.may_set(self.context["request"].active_role, bureau):
            raise exceptions.PermissionDenied(_("Only this bureau's admin sets its rules."))
        if "value" in attrs:
            try:
                attrs["value"] = policy.get_key(key).validate(attrs["value"])
            except DjangoValidationError as exc:
                raise serializers.ValidationError({"value": value_errors(exc)}) from exc
        return super().validate(attrs)


class LogEntrySerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", default=None, read_only=True)
    action = serializers.CharField(source="get_action_display")
    changes = serializers.JSONField(source="changes_dict")

    class Meta:
        model = LogEntry
        fields = ["id", "timestamp", "actor", "action", "changes", "remote_addr"]
