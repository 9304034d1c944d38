"""Hostile values, chosen by the type of the field they are sent to.

Each *kind* names a family of fields and the values sent to every field of that
family at once; ``refused`` says whether each such field must answer with its own
error (a value that some field may legitimately accept, a negative number where no
minimum is declared, is only required not to crash or write).
"""

from dataclasses import dataclass

from django import forms
from rest_framework import serializers

from core.personal import validate_bank_account, validate_id_number, validate_phone

PERSONAL_VALIDATORS = (validate_id_number, validate_phone, validate_bank_account)
# Digits that only look like digits (superscripts in an ID number's sequence, after a
# real province and birth date): they must be refused, not crash int().
SUPERSCRIPT_DIGITS = "11010519491231⁰⁰²X"


@dataclass(frozen=True)
class Hostile:
    kind: str
    value: object
    refused: bool = True


# Form-encoded input cannot carry a lone surrogate (Django decodes it as U+FFFD);
# JSON can, as a \ud800 escape.
FORM_VALUES = [
    Hostile("text", "名称\x07\x1b[0m"),
    Hostile("text", "长" * 100_000, refused=False),
    # Inside the text: a form strips whitespace, C0 and C1 ones too, off the ends.
    Hostile("long_text", "第一行\r\n第二行\x0b\x85第三行"),
    Hostile("date", "9999-12-31"),
    Hostile("date", "0000-05-01"),
    Hostile("integer", str(2**70)),
    Hostile("integer", "-1", refused=False),
    Hostile("decimal", "NaN"),
    Hostile("decimal", "-1e400", refused=False),
    Hostile("choice", "\x07"),
    Hostile("personal", SUPERSCRIPT_DIGITS),
]
JSON_VALUES = [
    Hostile("text", "名称\x07"),
    Hostile("text", "名称\ud800"),
    Hostile("text", "长" * 20_000, refused=False),
    Hostile("long_text", "第一行\r\n第二行\x0b第三行"),
    Hostile("date", "9999-12-31"),
    Hostile("date", "0000-05-01"),
    Hostile("integer", 2**70),
    Hostile("integer", -1, refused=False),
    Hostile("decimal", "NaN"),
    Hostile("decimal", "Infinity"),
    Hostile("choice", "\ud800"),
    Hostile("personal", SUPERSCRIPT_DIGITS),
    Hostile("any", {"$gt": ""}),
    Hostile("any", ["\ud800"]),
]


def _personal(validators) -> bool:
    return any(v is personal for v in validators for personal in PERSONAL_VALIDATORS)


def form_field_kind(field, model_field=None) -> str | None:
    """The kind of a form field (a ModelForm's *model_field* carries the personal
    number validators); None for those that take no typed value (files, check
    boxes)."""
    if _personal([*field.validators, *getattr(model_field, "validators", [])]):
        return "personal"
    if isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
        return "choice"
    if isinstance(field, forms.CharField):
        return "long_text" if isinstance(field.widget, forms.Textarea) else "text"
    if isinstance(field, forms.DateField | forms.DateTimeField):
        return "date"
    if isinstance(field, forms.DecimalField | forms.FloatField):
        return "decimal"
    if isinstance(field, forms.IntegerField):
        return "integer"
    return None


def serializer_field_kind(field) -> str:
    """The kind of a writable serializer field; "other" for the rest (booleans,
    relations, lists), which only wrong types reach, and "json" for a JSON field,
    which takes any type."""
    if isinstance(field, serializers.JSONField):
        return "json"
    if _personal(field.validators):
        return "personal"
    if isinstance(field, serializers.ChoiceField):
        return "choice"
    if isinstance(field, serializers.CharField):
        textarea = field.style.get("base_template") == "textarea.html"
        return "long_text" if textarea else "text"
    if isinstance(field, serializers.DateField | serializers.DateTimeField):
        return "date"
    if isinstance(field, serializers.DecimalField | serializers.FloatField):
        return "decimal"
    if isinstance(field, serializers.IntegerField):
        return "integer"
    return "other"


def matches(kind: str, field_kind: str | None) -> bool:
    if field_kind is None:
        return False
    return kind == field_kind or (kind == "any" and field_kind != "json")
