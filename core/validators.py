"""What every piece of typed input must satisfy, whichever door it comes in by (a
page's form, an API body, a filter), and the bounds of dates and numbers.

Text: no control characters (C0, DEL, C1), which break workbooks (openpyxl refuses
them), pages and exports, and no lone surrogates, which cannot be encoded as UTF-8
and would fail the response or the database write. Long text (a model TextField, a
textarea) may hold line breaks and tabs; the input layers turn CR LF into LF.

Dates and years: within MIN_DATE..MAX_DATE, so a period computed from one (the day
after, the end of its quarter, next month) is still a date.

The rules are attached for every project model at start-up (core.apps) and for plain
forms and serializers by core.inputs and core.api.inputs.
"""

import datetime
import re

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

MIN_YEAR, MAX_YEAR = 1900, 2100
MIN_DATE, MAX_DATE = datetime.date(MIN_YEAR, 1, 1), datetime.date(MAX_YEAR, 12, 31)
# The narrowest integer column of the supported databases (PostgreSQL's integer):
# an integer input without bounds of its own is held to it.
MIN_INT, MAX_INT = -(2**31), 2**31 - 1

# C0 controls, DEL and C1 controls; lone surrogates (half of a UTF-16 pair).
_CONTROL = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
_LINE_BREAKS = "\t\n\r"
_SURROGATES = "\ud800-\udfff"
_SINGLE_LINE_BAD = re.compile(f"[{_CONTROL}{_LINE_BREAKS}{_SURROGATES}]")
_MULTI_LINE_BAD = re.compile(f"[{_CONTROL}{_SURROGATES}]")
_SURROGATE = re.compile(f"[{_SURROGATES}]")


def normalize_newlines(value):
    """CR LF (what a browser's textarea sends) and lone CR become LF."""
    if isinstance(value, str) and "\r" in value:
        return value.replace("\r\n", "\n").replace("\r", "\n")
    return value


@deconstructible
class PlainTextValidator:
    """Reject control characters and lone surrogates; ``multiline`` text may hold
    tabs and line breaks. The message names the character's code point (printing
    the character itself would show nothing, or fail)."""

    def __init__(self, multiline=False):
        self.multiline = multiline

    def bad_character(self, value: str) -> str | None:
        """The first character of *value* this rule rejects, or None."""
        bad = (_MULTI_LINE_BAD if self.multiline else _SINGLE_LINE_BAD).search(value)
        return None if bad is None else bad.group()

    def __call__(self, value):
        if not isinstance(value, str):
            return
        char = self.bad_character(value)
        if char is None:
            return
        point = f"U+{ord(char):04X}"
        if "\ud800" <= char <= "\udfff":
            raise ValidationError(
                _("This text contains an invalid character (%(point)s); type it again."),
                code="surrogate",
                params={"point": point},
            )
        if char in _LINE_BREAKS:
            raise ValidationError(
                _("This field takes one line: remove the line break or tab."),
                code="line_break",
            )
        raise ValidationError(
            _(
                "This text contains an invisible control character (%(point)s), often "
                "copied from another program; delete it and type the text again."
            ),
            code="control_character",
            params={"point": point},
        )

    def __eq__(self, other):
        return isinstance(other, PlainTextValidator) and self.multiline == other.multiline


single_line = PlainTextValidator()
multi_line = PlainTextValidator(multiline=True)

# One line of text (a search, a code) with no length of its own is held to this: a
# longer LIKE pattern fails in SQLite ("pattern too complex"), and nobody types it.
LINE_MAX_LENGTH = 1000
line_length = MaxLengthValidator(LINE_MAX_LENGTH)


@deconstructible
class DateRangeValidator:
    """A date (or a date and time) between MIN_DATE and MAX_DATE."""

    def __call__(self, value):
        day = value.date() if isinstance(value, datetime.datetime) else value
        if isinstance(day, datetime.date) and not MIN_DATE <= day <= MAX_DATE:
            raise ValidationError(
                _("Enter a date between %(min)s and %(max)s."),
                code="date_range",
                params={"min": MIN_DATE.isoformat(), "max": MAX_DATE.isoformat()},
            )

    def __eq__(self, other):
        return isinstance(other, DateRangeValidator)


date_in_range = DateRangeValidator()


def integer_validators():
    return [MinValueValidator(MIN_INT), MaxValueValidator(MAX_INT)]


def model_field_rules(field) -> list:
    """The validators a model field of this type must also run."""
    if isinstance(field, models.TextField):
        return [multi_line]
    if isinstance(field, models.CharField):
        return [single_line]
    if isinstance(field, models.DateField | models.DateTimeField):
        return [date_in_range]
    return []


def attach_to_model(model) -> None:
    """Add the rules to the editable fields of *model*. Model validators run in
    full_clean (so in ModelForm._post_clean) and DRF's ModelSerializer copies them
    into its fields: one attachment covers pages, the API and imports that clean.

    They go into the field's built ``validators`` list, not its constructor
    arguments, so they are not part of the field's migration state."""
    for field in model._meta.concrete_fields:
        if not field.editable:
            continue
        for rule in model_field_rules(field):
            if rule not in field.validators:
                field.validators.append(rule)


def replace_surrogates(value):
    """*value* (text, or lists and dicts of it) with each lone surrogate replaced by
    U+FFFD, so it can be encoded to show back to the user."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value) if _SURROGATE.search(value) else value
    if isinstance(value, dict):
        return {replace_surrogates(k): replace_surrogates(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [replace_surrogates(item) for item in value]
    return value
