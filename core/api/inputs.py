"""The input rules (core.validators) applied to API bodies.

A ModelSerializer copies its model fields' validators, which carry the rules (core.apps
attaches them at start-up). A plain serializer (an action's body: a reason, a date, a
quarter) has no model behind it: ``Serializer`` gives each writable field the rule of
its type. Line ends are normalised by the parsers (core.api.parsers) before any field
sees the text.
"""

from rest_framework import serializers

from core import validators

TEXTAREA = {"base_template": "textarea.html"}


def field_rules(field) -> list:
    if isinstance(field, serializers.CharField):
        if field.style.get("base_template") == TEXTAREA["base_template"]:
            return [validators.multi_line]
        if field.max_length is None:
            return [validators.single_line, validators.line_length]
        return [validators.single_line]
    if isinstance(field, serializers.DateField | serializers.DateTimeField):
        return [validators.date_in_range]
    if isinstance(field, serializers.IntegerField) and field.max_value is None:
        return validators.integer_validators()
    return []


class TextField(serializers.CharField):
    """Long text, which may hold line breaks and tabs (DRF marks a model TextField
    so, with the browsable API's textarea)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("style", dict(TEXTAREA))
        super().__init__(**kwargs)


class CleanInputMixin:
    """Hold every writable field to the input rule of its type."""

    def get_fields(self):
        fields = super().get_fields()
        for field in fields.values():
            if field.read_only:
                continue
            for rule in field_rules(field):
                if rule not in field.validators:
                    field.validators.append(rule)
        return fields


class Serializer(CleanInputMixin, serializers.Serializer):
    """Base of the project's plain (non-model) serializers."""


class ModelSerializer(CleanInputMixin, serializers.ModelSerializer):
    """Base of the project's model serializers (fields it declares itself carry no
    model validators)."""
