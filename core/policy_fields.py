"""The typed fields a rule declares (see ``core.policy.register``).

A rule's value is made of one or more fields. Each field spec here is a small frozen
object that knows, for its part of the value:

- ``validate(value)``: check and normalise the stored (JSON) value. This is the one
  validator: the edit form, ``services.set_policy`` and the API all go through it, so
  its messages (Chinese through i18n) are what every caller sees;
- ``formfield(**kwargs)``: the Django form field that edits it; the form field only
  parses what the browser sent into the stored representation (a percentage typed as
  15 becomes the share 0.15), then ``validate`` judges it;
- ``initial(value)``: the stored value as the form shows it;
- ``display(value)``: the value for the rules page, as text or a small HTML table;
- ``json_schema()``: the stored value's description in the OpenAPI schema.

Kinds: ``Whole`` (integer), ``Number`` (decimal, stored as a float), ``Percent`` (typed
as a percentage, stored as a share), ``Money`` (yuan, stored as a "2500.00" string),
``Date`` (stored as "2026-11-23"), ``Flag`` (boolean), ``Choice`` (one key of a fixed
set), ``Names`` (an ordered list of distinct names, e.g. levels), ``Ranked`` (keys of a
fixed set chosen and put in order, e.g. ranking criteria) and ``Mapping`` (a number, or
any field, per key of a fixed set, e.g. the staffing standard per committee type)
and ``Table`` (typed columns per row of a fixed set, e.g. grading criteria per level).

A new kind subclasses ``FieldSpec`` and fills in those five methods.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from core.policy_widgets import AffixedNumberInput, MappingField, RowsField, TableField, row_error


def _number(value) -> Decimal:
    """A JSON or form number as a Decimal; booleans, strings and non-finite values are
    not numbers here."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise ValidationError(_("Enter a number."), code="invalid")
    number = Decimal(str(value))
    if not number.is_finite():
        raise ValidationError(_("Enter a number."), code="invalid")
    return number


def _plain(number: Decimal) -> str:
    """15.50 → "15.5", 2.0 → "2": a decimal as people write it."""
    return format(number.normalize(), "f")


def _decimals(number: Decimal) -> int:
    return max(0, -number.normalize().as_tuple().exponent)


def format_money(amount) -> str:
    """¥1,234.50, the way finance writes amounts (not the locale's 4-digit grouping)."""
    return f"¥{Decimal(str(amount)):,.2f}"


def _options(choices) -> list[tuple[str, str]]:
    """(key, label) pairs from a Django Choices class or a sequence of pairs."""
    return list(getattr(choices, "choices", choices))


@dataclass(frozen=True)
class FieldSpec:
    """One typed field of a rule. ``label`` and ``help_text`` show on the edit form; a
    rule with a single field lends it its own label and help text when these are empty.
    ``name`` is filled in by ``core.policy.register`` from the key it is declared under.
    """

    label: str = ""
    help_text: str = ""
    name: str = ""

    def validate(self, value):
        raise NotImplementedError

    def formfield(self, **kwargs) -> forms.Field:
        raise NotImplementedError

    def initial(self, value):
        return value

    def display(self, value) -> str:
        return str(value)

    def json_schema(self) -> dict:
        raise NotImplementedError


@dataclass(frozen=True)
class Bounded(FieldSpec):
    """A number field with optional inclusive bounds, checked by ``validate`` and
    hinted to the browser as min/max."""

    min_value: Decimal | int | None = None
    max_value: Decimal | int | None = None

    def _range_check(self, number, shown=str):
        if self.min_value is not None and number < self.min_value:
            raise ValidationError(
                _("Enter %(min)s or more."), code="min_value", params={"min": shown(self.min_value)}
            )
        if self.max_value is not None and number > self.max_value:
            raise ValidationError(
                _("Enter %(max)s or less."), code="max_value", params={"max": shown(self.max_value)}
            )

    def _range_attrs(self) -> dict:
        bounds = {"min": self.min_value, "max": self.max_value}
        return {attr: bound for attr, bound in bounds.items() if bound is not None}


@dataclass(frozen=True)
class Whole(Bounded):
    """A whole number, optionally bounded: ``Whole(_("Days"), min_value=1)``."""

    def validate(self, value):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValidationError(_("Enter a whole number."), code="invalid")
        self._range_check(value)
        return value

    def formfield(self, **kwargs):
        widget = forms.NumberInput(attrs={"class": "form-control", **self._range_attrs()})
        return forms.IntegerField(widget=widget, **kwargs)

    def json_schema(self):
        return _bounded({"type": "integer"}, self.min_value, self.max_value)


@dataclass(frozen=True)
class Number(Bounded):
    """A decimal number with at most ``places`` decimals, stored as a JSON number
    (e.g. a multiple: 2.5 times the norm)."""

    places: int = 2

    def validate(self, value):
        number = _number(value)
        if _decimals(number) > self.places:
            raise _too_many_decimals(self.places)
        self._range_check(number, _plain)
        return float(number)

    def formfield(self, **kwargs):
        attrs = {"class": "form-control", "step": _step(self.places), **self._range_attrs()}
        return forms.DecimalField(widget=forms.NumberInput(attrs=attrs), **kwargs)

    def initial(self, value):
        return _plain(Decimal(str(value)))

    def display(self, value):
        return _plain(Decimal(str(value)))

    def json_schema(self):
        return _bounded({"type": "number"}, self.min_value, self.max_value)


class _PercentFormField(forms.DecimalField):
    """Parses the percentage typed (15) into the stored share (0.15)."""

    def to_python(self, value):
        number = super().to_python(value)
        return None if number is None else number / 100


@dataclass(frozen=True)
class Percent(Bounded):
    """A share, typed and shown as a percentage (15 %) and stored as the share (0.15).
    ``min_value``/``max_value`` are percentages; ``places`` the decimals of the
    percentage."""

    min_value: Decimal | int | None = 0
    max_value: Decimal | int | None = 100
    places: int = 1

    def validate(self, value):
        percent = _number(value) * 100
        if _decimals(percent) > self.places:
            raise _too_many_decimals(self.places)
        self._range_check(percent, lambda n: f"{_plain(Decimal(n))}%")
        return float(percent / 100)

    def formfield(self, **kwargs):
        attrs = {"class": "form-control", "step": _step(self.places), **self._range_attrs()}
        return _PercentFormField(widget=AffixedNumberInput(suffix="%", attrs=attrs), **kwargs)

    def initial(self, value):
        return _plain(Decimal(str(value)) * 100)

    def display(self, value):
        return f"{_plain(Decimal(str(value)) * 100)}%"

    def json_schema(self):
        low = None if self.min_value is None else float(Decimal(self.min_value) / 100)
        high = None if self.max_value is None else float(Decimal(self.max_value) / 100)
        schema = _bounded({"type": "number"}, low, high)
        schema["description"] = "A share: 0.15 is 15 %."
        return schema


@dataclass(frozen=True)
class Money(Bounded):
    """An amount in yuan with at most two decimals (fen), stored as a string such as
    "2500.00" so no float rounding creeps in; shown as ¥2,500.00."""

    min_value: Decimal | int | None = 0
    max_value: Decimal | int | None = None

    def validate(self, value):
        invalid = ValidationError(_("Enter an amount in yuan."), code="invalid")
        try:
            amount = Decimal(value) if isinstance(value, str) else _number(value)
        except (InvalidOperation, ValidationError) as exc:
            raise invalid from exc
        if not amount.is_finite():
            raise invalid
        if _decimals(amount) > 2:
            raise ValidationError(
                _("Enter an amount with at most two decimals (fen)."), code="max_decimal_places"
            )
        self._range_check(amount, format_money)
        try:
            return str(amount.quantize(Decimal("0.01")))
        except InvalidOperation as exc:  # more digits than a Decimal holds
            raise invalid from exc

    def formfield(self, **kwargs):
        attrs = {"class": "form-control", "step": "0.01", **self._range_attrs()}
        return forms.DecimalField(widget=AffixedNumberInput(prefix="¥", attrs=attrs), **kwargs)

    def display(self, value):
        return format_money(value)

    def json_schema(self):
        return {
            "type": "string",
            "pattern": r"^\d+(\.\d{1,2})?$",
            "example": "2500.00",
            "description": "Yuan with at most two decimals; a JSON number is accepted too.",
        }


@dataclass(frozen=True)
class Date(FieldSpec):
    """A calendar date, stored as "2026-11-23"."""

    def validate(self, value):
        if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
            return value.isoformat()
        try:
            return datetime.datetime.strptime(value, "%Y-%m-%d").date().isoformat()
        except (TypeError, ValueError) as exc:
            raise ValidationError(_("Enter a date such as 2026-11-23."), code="invalid") from exc

    def formfield(self, **kwargs):
        from core.forms import DATE_WIDGET

        return forms.DateField(widget=DATE_WIDGET, **kwargs)

    def json_schema(self):
        return {"type": "string", "format": "date"}


@dataclass(frozen=True)
class Flag(FieldSpec):
    """Yes or no, stored as a JSON boolean; ``yes``/``no`` are how the rules page says
    it."""

    yes: str = _("Yes")
    no: str = _("No")

    def validate(self, value):
        if not isinstance(value, bool):
            raise ValidationError(_("Enter true or false."), code="invalid")
        return value

    def formfield(self, **kwargs):
        widget = forms.CheckboxInput(attrs={"class": "form-check-input"})
        return forms.BooleanField(required=False, widget=widget, **kwargs)

    def display(self, value):
        return str(self.yes if value else self.no)

    def json_schema(self):
        return {"type": "boolean"}


@dataclass(frozen=True)
class Choice(FieldSpec):
    """One key of a fixed set: ``Choice(_("Period"), choices=Period)`` with a Django
    Choices class or (key, label) pairs."""

    choices: object = ()

    def validate(self, value):
        labels = dict(_options(self.choices))
        if not isinstance(value, str) or value not in labels:
            raise _not_a_choice(value)
        return value

    def formfield(self, **kwargs):
        return forms.ChoiceField(
            choices=_options(self.choices),
            widget=forms.Select(attrs={"class": "form-select"}),
            **kwargs,
        )

    def display(self, value):
        return str(dict(_options(self.choices)).get(value, value))

    def json_schema(self):
        return {"type": "string", "enum": [key for key, _label in _options(self.choices)]}


@dataclass(frozen=True)
class Names(FieldSpec):
    """An ordered list of distinct, non-empty names (e.g. levels, highest first). The
    form shows one text box per name plus ``extra_rows`` empty ones: clearing a box
    removes that name, filling an empty one adds a name."""

    min_items: int = 1
    max_items: int | None = None
    max_length: int = 20
    extra_rows: int = 2

    def validate(self, value):
        if not isinstance(value, list):
            raise ValidationError(_("Enter a list of names."), code="invalid")
        names = []
        for position, item in enumerate(value, start=1):
            name = item.strip() if isinstance(item, str) else None
            if not name:
                raise ValidationError(
                    _("Name %(position)s is empty."), code="blank", params={"position": position}
                )
            if len(name) > self.max_length:
                raise ValidationError(
                    _("“%(name)s” is longer than %(max)s characters."),
                    code="max_length",
                    params={"name": name, "max": self.max_length},
                )
            if name in names:
                raise ValidationError(
                    _("“%(name)s” appears more than once."), code="duplicate", params={"name": name}
                )
            names.append(name)
        _count_check(len(names), self.min_items, self.max_items)
        return names

    def formfield(self, **kwargs):
        row = forms.TextInput(attrs={"class": "form-control", "maxlength": self.max_length})
        hint = _("Clear a row to remove it; saving brings more empty rows.")
        kwargs["help_text"] = " ".join(filter(None, [str(kwargs.get("help_text", "")), str(hint)]))
        return RowsField(
            row_widget=row,
            extra_rows=self.extra_rows,
            min_rows=self.min_items,
            max_rows=self.max_items,
            required=self.min_items > 0,
            **kwargs,
        )

    def display(self, value):
        return _ordered_list(value)

    def json_schema(self):
        return _bounded_items(
            {
                "type": "array",
                "items": {"type": "string", "minLength": 1, "maxLength": self.max_length},
                "uniqueItems": True,
            },
            self.min_items,
            self.max_items,
        )


@dataclass(frozen=True)
class Ranked(FieldSpec):
    """Keys of a fixed set, chosen and put in order (most important first). The form
    shows one drop-down per position; positions left empty are dropped."""

    choices: object = ()
    min_items: int = 1

    def validate(self, value):
        labels = dict(_options(self.choices))
        if not isinstance(value, list):
            raise ValidationError(_("Enter a list of choices."), code="invalid")
        for key in value:
            if not isinstance(key, str) or key not in labels:
                raise _not_a_choice(key)
        for key in value:
            if value.count(key) > 1:
                raise ValidationError(
                    _("“%(name)s” is chosen more than once."),
                    code="duplicate",
                    params={"name": labels[key]},
                )
        _count_check(len(value), self.min_items, None)
        return list(value)

    def formfield(self, **kwargs):
        options = [("", "—"), *_options(self.choices)]
        return RowsField(
            row_widget=forms.Select(choices=options, attrs={"class": "form-select"}),
            extra_rows=0,
            min_rows=len(options) - 1,
            max_rows=len(options) - 1,
            required=self.min_items > 0,
            **kwargs,
        )

    def display(self, value):
        labels = dict(_options(self.choices))
        return _ordered_list([labels.get(key, key) for key in value])

    def json_schema(self):
        return _bounded_items(
            {
                "type": "array",
                "items": {"type": "string", "enum": [k for k, _label in _options(self.choices)]},
                "uniqueItems": True,
            },
            self.min_items,
            None,
        )


@dataclass(frozen=True)
class Mapping(FieldSpec):
    """One value per key of a fixed set, edited and shown as a small table: e.g. full-time
    mediators per committee type, ``Mapping(_("Standard"), keys=CommitteeType,
    key_label=_("Committee type"), values=Whole(_("Full-time mediators"), min_value=0))``.
    The form shows every row and needs each filled in; in the API a key left out takes
    ``missing`` (with ``missing=None`` every key must be given)."""

    keys: object = ()
    key_label: str = ""
    values: FieldSpec = Whole(min_value=0)
    missing: object = 0

    def validate(self, value):
        options = _options(self.keys)
        if not isinstance(value, dict):
            raise ValidationError(_("Enter a value for each row."), code="invalid")
        unknown = sorted(set(value) - {key for key, _label in options})
        if unknown:
            raise ValidationError(
                _("Unknown row(s): %(names)s."),
                code="invalid",
                params={"names": ", ".join(unknown)},
            )
        cleaned, errors = {}, []
        for key, label in options:
            if key not in value and self.missing is not None:
                cleaned[key] = self.missing
                continue
            try:
                if key not in value:
                    raise ValidationError(_("This field is required."), code="required")
                cleaned[key] = self.values.validate(value[key])
            except ValidationError as exc:
                errors += [row_error(label, message) for message in exc.messages]
        if errors:
            raise ValidationError(errors)
        return cleaned

    def formfield(self, **kwargs):
        return MappingField(
            rows=_options(self.keys),
            key_label=self.key_label,
            value_label=self.values.label,
            cell=self.values.formfield(label=self.values.label),
            **kwargs,
        )

    def initial(self, value):
        return {key: self.values.initial(item) for key, item in value.items()}

    def display(self, value):
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td></tr>",
            (
                (label, self.values.display(value.get(key, self.missing)))
                for key, label in _options(self.keys)
            ),
        )
        return format_html(
            '<table class="table table-sm table-bordered w-auto mb-0 rule-table">'
            "<thead><tr><th>{}</th><th>{}</th></tr></thead><tbody>{}</tbody></table>",
            self.key_label,
            self.values.label,
            rows,
        )

    def json_schema(self):
        return {
            "type": "object",
            "properties": {key: self.values.json_schema() for key, _label in _options(self.keys)},
            "additionalProperties": False,
        }


def _bounded(schema: dict, low, high) -> dict:
    if low is not None:
        schema["minimum"] = low
    if high is not None:
        schema["maximum"] = high
    return schema


def _bounded_items(schema: dict, low, high) -> dict:
    if low:
        schema["minItems"] = low
    if high is not None:
        schema["maxItems"] = high
    return schema


def _count_check(count, low, high):
    if count < low:
        raise ValidationError(_("Enter at least %(n)s."), code="min_items", params={"n": low})
    if high is not None and count > high:
        raise ValidationError(_("Enter at most %(n)s."), code="max_items", params={"n": high})


def _too_many_decimals(places):
    return ValidationError(
        _("Enter a number with at most %(places)s decimal(s)."),
        code="max_decimal_places",
        params={"places": places},
    )


def _not_a_choice(value):
    return ValidationError(
        _("“%(value)s” is not one of the choices."), code="invalid_choice", params={"value": value}
    )


def _step(places: int) -> str:
    return "1" if places == 0 else "0." + "0" * (places - 1) + "1"


def _ordered_list(items) -> str:
    rows = format_html_join("", "<li>{}</li>", ((item,) for item in items))
    return format_html('<ol class="mb-0 rule-list">{}</ol>', rows)


@dataclass(frozen=True)
class Table(FieldSpec):
    """Typed columns for each row of a fixed set, edited and shown as a grid: e.g. the
    grading criteria per level rank, ``Table(rows=RANKS, row_label=_("Level"),
    columns=(("years", Whole(_("Years"))), ("rate", Percent(_("Success rate")))))``.
    Stored as ``{row key: {column: value}}``. A row may be left out (in the form: every
    cell of it left empty), which means the row is not used; a row given needs every
    column. At least ``min_rows`` rows are needed."""

    rows: object = ()
    row_label: str = ""
    columns: tuple = ()  # (name, FieldSpec) pairs, in the order shown
    min_rows: int = 1

    def validate(self, value):
        options = _options(self.rows)
        if not isinstance(value, dict):
            raise ValidationError(_("Enter a value for each row."), code="invalid")
        unknown = sorted(str(key) for key in set(value) - {key for key, _label in options})
        if unknown:
            raise ValidationError(
                _("Unknown row(s): %(names)s."),
                code="invalid",
                params={"names": ", ".join(unknown)},
            )
        names = [name for name, _spec in self.columns]
        cleaned, errors = {}, []
        for key, label in options:
            if key not in value:
                continue
            row = value[key]
            if not isinstance(row, dict) or set(row) != set(names):
                errors.append(
                    row_error(
                        label, _("Enter the columns %(names)s.") % {"names": ", ".join(names)}
                    )
                )
                continue
            cleaned[key] = {}
            for name, spec in self.columns:
                try:
                    cleaned[key][name] = spec.validate(row[name])
                except ValidationError as exc:
                    errors += [row_error(f"{label} {spec.label}", m) for m in exc.messages]
        if errors:
            raise ValidationError(errors)
        _count_check(len(cleaned), self.min_rows, None)
        return cleaned

    def formfield(self, **kwargs):
        return TableField(
            rows=_options(self.rows),
            row_label=self.row_label,
            columns=[(name, spec.label, _table_cell(spec)) for name, spec in self.columns],
            **kwargs,
        )

    def initial(self, value):
        specs = dict(self.columns)
        return {
            key: {name: specs[name].initial(item) for name, item in row.items()}
            for key, row in value.items()
        }

    def display(self, value):
        head = format_html_join("", "<th>{}</th>", ((spec.label,) for _n, spec in self.columns))
        body = format_html_join(
            "",
            "<tr><td>{}</td>{}</tr>",
            (
                (
                    label,
                    format_html_join(
                        "",
                        "<td>{}</td>",
                        ((spec.display(value[key][name]),) for name, spec in self.columns),
                    ),
                )
                for key, label in _options(self.rows)
                if key in value
            ),
        )
        return format_html(
            '<table class="table table-sm table-bordered w-auto mb-0 rule-table">'
            "<thead><tr><th>{}</th>{}</tr></thead><tbody>{}</tbody></table>",
            self.row_label,
            head,
            body,
        )

    def json_schema(self):
        row = {
            "type": "object",
            "properties": {name: spec.json_schema() for name, spec in self.columns},
            "required": [name for name, _spec in self.columns],
            "additionalProperties": False,
        }
        return {
            "type": "object",
            "properties": {key: row for key, _label in _options(self.rows)},
            "additionalProperties": False,
        }


def _table_cell(spec: FieldSpec) -> forms.Field:
    """The form field of one cell: optional (an empty row is a row not used), and a
    drop-down starts empty so that an unused row sends nothing."""
    field = spec.formfield(label=spec.label, required=False)
    if isinstance(field, forms.ChoiceField):
        field.choices = [("", "—"), *field.choices]
    return field
