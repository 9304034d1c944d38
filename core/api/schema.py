"""The OpenAPI schema's view of the error answers every operation can give.

drf-spectacular documents only the success response. Every route of this API can
also refuse: bad input (400), no or an expired token (401), a role that may not act
(403), an object outside the jurisdiction, a page or cursor past the end (404). A
client (and the schema fuzz test) must find those in the schema, so they are
declared once here for every operation rather than on each route.
"""

import copy

from django.core.exceptions import FieldDoesNotExist
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers

# DRF's error bodies: {"detail": "..."} for refusals; for validation errors, field
# name → messages (nested for nested serializers), or a bare list of messages.
DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
FIELD_ERRORS = {
    "oneOf": [
        {"type": "object", "additionalProperties": True},
        {"type": "array", "items": {"type": "string"}},
    ]
}

ERROR_RESPONSES = {
    "400": OpenApiResponse(FIELD_ERRORS, description="Invalid input: messages per field."),
    "401": OpenApiResponse(DETAIL, description="No valid token or session."),
    "403": OpenApiResponse(DETAIL, description="The active role may not do this."),
    "404": OpenApiResponse(
        DETAIL, description="Not found in the jurisdiction (or an invalid page or cursor)."
    ),
}
# A deletion refused because the record is still referenced (core.api.exceptions).
DELETE_RESPONSES = {"409": OpenApiResponse(DETAIL, description="The record is referenced.")}


def _source_fields(field):
    """The model fields a read-only serializer field reads through (``case.closed_on``:
    the callback's case, then its closing date); [] where it reads no model field."""
    model = getattr(getattr(field.parent, "Meta", None), "model", None)
    path = []
    for attr in field.source_attrs:
        try:
            model_field = model._meta.get_field(attr)
        except (AttributeError, FieldDoesNotExist):
            return []
        path.append(model_field)
        model = model_field.related_model
    return path


def _as_stored(field):
    """*field*, if read-only, with the blank and null of the model fields it reads:
    DRF builds a read-only field without them (it never validates input), so the
    schema would promise a value the response does not always hold (an empty exit
    reason, no level yet, no closing date through a case still open)."""
    bound = isinstance(field, serializers.Field) and hasattr(field, "source_attrs")
    path = _source_fields(field) if bound and field.read_only else []
    if not path:
        return field
    field = copy.copy(field)
    field.allow_null = field.allow_null or any(f.null for f in path)
    if isinstance(field, serializers.ChoiceField):
        field.allow_blank = field.allow_blank or path[-1].blank
    return field


class AutoSchema(SpectacularAutoSchema):
    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        return super()._map_serializer_field(_as_stored(field), direction, bypass_extensions)

    def _get_serializer_field_meta(self, field, direction):
        return super()._get_serializer_field_meta(_as_stored(field), direction)

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        errors = {**ERROR_RESPONSES, **(DELETE_RESPONSES if self.method == "DELETE" else {})}
        for code, response in errors.items():
            if code not in responses:
                responses[code] = self._get_response_for_code(response, code, direction=direction)
        return responses
