"""The ``value`` of a rule in the API: any JSON, checked by the rule's declaration
(core.policy) and described in the OpenAPI schema by every declared rule's shape."""

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from rest_framework import serializers
from rest_framework.settings import api_settings

from core import policy


class PolicyValueField(serializers.JSONField):
    """A rule's value as stored: its one field's value, or an object keyed by its
    fields' names."""


def value_errors(exc) -> dict:
    """A rule's ValidationError as API errors keyed by its declared field names."""
    return {
        (api_settings.NON_FIELD_ERRORS_KEY if name == "__all__" else name): messages
        for name, messages in exc.message_dict.items()
    }


class PolicyValueFieldExtension(OpenApiSerializerFieldExtension):
    """Read when the schema is generated, after every app has registered its rules."""

    target_class = PolicyValueField

    def map_serializer_field(self, auto_schema, direction):
        return {
            "description": (
                "The rule's value; its shape depends on `key` (one schema per rule below, "
                "titled by key). A rule with one field takes that field's value as is; a "
                "rule with several takes an object keyed by field name. Errors come back "
                'as `{"value": {"<field>": ["…"]}}`.'
            ),
            "anyOf": [spec.json_schema() for spec in policy.REGISTRY.values()],
        }
