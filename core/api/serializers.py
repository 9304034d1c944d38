from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers

from core import services, validators
from core.api.inputs import ModelSerializer
from core.api.policy_values import PolicyValueField, value_errors
from core.models import Bureau, JudicialOffice, Policy, Region, Role


class KeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A related row named by its key, whose text is checked before any query: a
    code key (a dispute type's, a region's) holding a NUL is a field error, where
    PostgreSQL would refuse the query parameter with a server error."""

    def to_internal_value(self, data):
        try:
            validators.single_line(data)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc
        return super().to_internal_value(data)


class TenantModelSerializer(ModelSerializer):
    """Base serializer of tenant-owned models (and regions).

    Related fields are built on the target's default manager, which is scoped to the
    active jurisdiction: naming a region, office or committee outside it is the
    ordinary field error "object does not exist". Full-model validation (``clean``)
    runs too, so the API enforces the same rules as forms.

    Once a row is stored, its primary key and region (the model's
    ``fields_fixed_once_stored``) are read-only: an update never passes them to the
    save, and a body that tries to change one is refused with a field error rather
    than silently ignored.
    """

    serializer_related_field = KeyRelatedField

    def get_fields(self):
        fields = super().get_fields()
        if self._updating():
            for name in self._fixed_fields():
                if name in fields:
                    fields[name].read_only = True
        return fields

    def to_internal_value(self, data):
        if self._updating() and hasattr(data, "get"):
            errors = {
                name: [_("This cannot be changed once the record is saved.")]
                for name in self._fixed_fields()
                if name in data and not self._is_stored_value(name, data[name])
            }
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)

    def validate(self, attrs):
        attrs = super().validate(attrs)
        model = self.Meta.model
        instance = self.instance or model()
        for field, value in attrs.items():
            if not isinstance(getattr(model, field, None), property):
                setattr(instance, field, value)
        instance.clean()
        # Unique fields and constraints, system-wide (see JurisdictionModel).
        instance.validate_unique(exclude=self._unvalidated_fields(model, attrs))
        instance.validate_constraints(exclude=self._unvalidated_fields(model, attrs))
        return attrs

    def _updating(self) -> bool:
        return isinstance(self.instance, models.Model)

    def _fixed_fields(self) -> set[str]:
        return self.Meta.model.fields_fixed_once_stored()

    def _is_stored_value(self, name, value) -> bool:
        # Compared as the API writes them: a related row by its key, a key as text.
        stored = self.Meta.model._meta.get_field(name).value_from_object(self.instance)
        return value == stored or (value is not None and str(value) == str(stored))

    def _unvalidated_fields(self, model, attrs):
        # A partial update validates what it touches plus what is already stored.
        return {f.name for f in model._meta.fields if not f.editable} - set(attrs)


class RegionSerializer(TenantModelSerializer):
    """A region; bureau staff add townships and villages (``services.add_region``).
    Its code and parent are its place in the tree, fixed once stored."""

    class Meta:
        model = Region
        fields = ["code", "name", "level", "kind", "parent", "prefix"]
        read_only_fields = ["level", "prefix"]
        extra_kwargs = {"parent": {"required": True, "allow_null": False}}

    def create(self, validated_data):
        return services.add_region(
            code=validated_data["code"],
            name=validated_data["name"],
            parent=validated_data["parent"],
            kind=validated_data.get("kind", ""),
        )


class BureauSerializer(TenantModelSerializer):
    class Meta:
        model = Bureau
        fields = ["id", "name", "level", "region", "parent", "address", "phone"]


class JudicialOfficeSerializer(TenantModelSerializer):
    class Meta:
        model = JudicialOffice
        fields = ["id", "name", "bureau", "region", "address", "phone"]


class RoleSerializer(TenantModelSerializer):
    """A role as /api/v1/me/ shows it; roles are granted through core.users."""

    username = serializers.CharField(source="user.username", read_only=True)

    class Meta:
        model = Role
        fields = ["id", "user", "username", "kind", "bureau", "office", "region"]
        read_only_fields = fields


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
