"""Form fields and widgets for the list- and table-shaped rule fields of
``core.policy_fields``: plain HTML inputs, so they work without JavaScript.

Their templates live in ``core/templates/core/widgets/`` (an app template directory)
because Django's default form renderer looks for widget templates in app directories
and Django's own, not in the project's ``templates/``.
"""

import copy

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def row_error(label, message) -> str:
    """An error of one row of a list or table, named by the row: "县级调委会：…"."""
    return _("%(row)s: %(error)s") % {"row": label, "error": message}


class AffixedNumberInput(forms.NumberInput):
    """A number box with a unit before or after it (¥ 2500.00, 15 %)."""

    template_name = "core/widgets/affixed_input.html"

    def __init__(self, *, prefix="", suffix="", attrs=None):
        super().__init__(attrs)
        self.prefix, self.suffix = prefix, suffix

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"].update(prefix=self.prefix, suffix=self.suffix)
        return context


class RowsWidget(forms.Widget):
    """A list as rows of one input each, all under the same name so the browser sends
    them in order. It shows the values plus ``extra_rows`` empty rows (at least
    ``min_rows``, at most ``max_rows``): clearing a row removes it, filling an empty one
    adds one, and saving brings fresh empty rows."""

    # Several inputs under one label: the form lays them out as a fieldset with a
    # legend, which aria-describedby ties to the help and the errors.
    use_fieldset = True
    template_name = "core/widgets/rows.html"

    def __init__(self, *, row_widget, extra_rows=2, min_rows=1, max_rows=None):
        super().__init__()
        self.row_widget = row_widget
        self.extra_rows, self.min_rows, self.max_rows = extra_rows, min_rows, max_rows

    def __deepcopy__(self, memo):
        clone = super().__deepcopy__(memo)
        clone.row_widget = copy.deepcopy(self.row_widget, memo)
        return clone

    def value_from_datadict(self, data, files, name):
        return data.getlist(name) if hasattr(data, "getlist") else data.get(name)

    def value_omitted_from_data(self, data, files, name):
        return name not in data

    def use_required_attribute(self, initial):
        return False  # one row may be left empty; the field says what is required

    def format_value(self, value):
        return list(value or [])

    def id_for_label(self, id_):
        return f"{id_}_0" if id_ else id_

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        values = context["widget"]["value"]
        count = max(len(values) + self.extra_rows, self.min_rows)
        if self.max_rows is not None:
            count = max(min(count, self.max_rows), len(values))
        values = values + [""] * (count - len(values))
        base_id = context["widget"]["attrs"].get("id")
        rows = []
        for index, item in enumerate(values):
            row_attrs = {**context["widget"]["attrs"]}
            if base_id:
                row_attrs["id"] = f"{base_id}_{index}"
            rows.append(self.row_widget.get_context(name, item, row_attrs)["widget"])
        context["widget"]["subwidgets"] = rows
        return context


class RowsField(forms.Field):
    """The list a ``RowsWidget`` sends, with empty rows dropped."""

    def __init__(self, *, row_widget, extra_rows, min_rows, max_rows, **kwargs):
        kwargs.setdefault(
            "widget",
            RowsWidget(
                row_widget=row_widget, extra_rows=extra_rows, min_rows=min_rows, max_rows=max_rows
            ),
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = [value]
        return [item.strip() for item in value or [] if isinstance(item, str) and item.strip()]


class MappingWidget(forms.Widget):
    """A two-column table: one row per key, its label and an input named
    ``<name>-<key>``."""

    # Several inputs under one label: the form lays them out as a fieldset with a
    # legend, which aria-describedby ties to the help and the errors.
    use_fieldset = True
    template_name = "core/widgets/mapping.html"

    def __init__(self, *, rows, key_label, value_label, cell_widget):
        super().__init__()
        self.rows, self.key_label, self.value_label = rows, key_label, value_label
        self.cell_widget = cell_widget

    def __deepcopy__(self, memo):
        clone = super().__deepcopy__(memo)
        clone.cell_widget = copy.deepcopy(self.cell_widget, memo)
        return clone

    def value_from_datadict(self, data, files, name):
        return {key: data.get(f"{name}-{key}") for key, _label in self.rows}

    def value_omitted_from_data(self, data, files, name):
        return not any(f"{name}-{key}" in data for key, _label in self.rows)

    def use_required_attribute(self, initial):
        return False  # the cells carry their own requirement

    def format_value(self, value):
        return dict(value or {})

    def id_for_label(self, id_):
        return ""  # each row's own label names its cell

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        values = context["widget"]["value"]
        base_id = context["widget"]["attrs"].get("id")
        rows = []
        for key, label in self.rows:
            cell_attrs = {**context["widget"]["attrs"]}
            if base_id:
                cell_attrs["id"] = f"{base_id}-{key}"
            cell = self.cell_widget.get_context(f"{name}-{key}", values.get(key), cell_attrs)
            rows.append({"label": label, "cell": cell["widget"]})
        context["widget"].update(rows=rows, key_label=self.key_label, value_label=self.value_label)
        return context


class MappingField(forms.Field):
    """The table a ``MappingWidget`` sends, each cell parsed by ``cell`` (a form field,
    so an empty cell is "required" there: the form shows every row filled in)."""

    def __init__(self, *, rows, key_label, value_label, cell, **kwargs):
        self.rows, self.cell = rows, cell
        kwargs.setdefault(
            "widget",
            MappingWidget(
                rows=rows, key_label=key_label, value_label=value_label, cell_widget=cell.widget
            ),
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        value = value or {}
        cleaned, errors = {}, []
        for key, label in self.rows:
            try:
                cleaned[key] = self.cell.clean(value.get(key))
            except ValidationError as exc:
                errors += [row_error(label, message) for message in exc.messages]
        if errors:
            raise ValidationError(errors)
        return cleaned


class TableWidget(forms.Widget):
    """A grid: one row per key, its label and one input per column, named
    ``<name>-<row>-<column>``."""

    # Several inputs under one label: the form lays them out as a fieldset with a
    # legend, which aria-describedby ties to the help and the errors.
    use_fieldset = True
    template_name = "core/widgets/table.html"

    def __init__(self, *, rows, row_label, columns):
        super().__init__()
        self.rows, self.row_label = rows, row_label
        self.columns = columns  # (name, label, cell widget)

    def __deepcopy__(self, memo):
        clone = super().__deepcopy__(memo)
        clone.columns = [(n, label, copy.deepcopy(w, memo)) for n, label, w in self.columns]
        return clone

    def value_from_datadict(self, data, files, name):
        return {
            key: {column: data.get(f"{name}-{key}-{column}") for column, _l, _w in self.columns}
            for key, _label in self.rows
        }

    def value_omitted_from_data(self, data, files, name):
        return not any(key.startswith(f"{name}-") for key in data)

    def use_required_attribute(self, initial):
        return False  # a row left empty is a row not used

    def format_value(self, value):
        return dict(value or {})

    def id_for_label(self, id_):
        return ""  # each cell has its own label

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        values = context["widget"]["value"]
        base_id = context["widget"]["attrs"].get("id")
        rows = []
        for key, label in self.rows:
            row = values.get(key) or {}
            cells = []
            for column, column_label, widget in self.columns:
                cell_attrs = {**context["widget"]["attrs"]}
                if base_id:
                    cell_attrs["id"] = f"{base_id}-{key}-{column}"
                cell_attrs["aria-label"] = f"{label} {column_label}"
                cell = widget.get_context(f"{name}-{key}-{column}", row.get(column), cell_attrs)
                cells.append(cell["widget"])
            rows.append({"label": label, "cells": cells})
        context["widget"].update(
            rows=rows,
            row_label=self.row_label,
            column_labels=[column_label for _c, column_label, _w in self.columns],
        )
        return context


class TableField(forms.Field):
    """The grid a ``TableWidget`` sends: a row whose cells are all empty is left out;
    a row with any cell filled needs them all, each parsed by its column's field."""

    def __init__(self, *, rows, row_label, columns, **kwargs):
        self.rows, self.columns = rows, columns  # (name, label, form field)
        kwargs.setdefault(
            "widget",
            TableWidget(
                rows=rows,
                row_label=row_label,
                columns=[(name, label, field.widget) for name, label, field in columns],
            ),
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        value = value or {}
        cleaned, errors = {}, []
        for key, label in self.rows:
            row = value.get(key) or {}
            if all(row.get(name) in (None, "") for name, _l, _f in self.columns):
                continue
            cleaned[key] = {}
            for name, column_label, field in self.columns:
                raw = row.get(name)
                if raw in (None, ""):
                    errors.append(
                        row_error(f"{label} {column_label}", _("This field is required."))
                    )
                    continue
                try:
                    cleaned[key][name] = field.clean(raw)
                except ValidationError as exc:
                    errors += [row_error(f"{label} {column_label}", m) for m in exc.messages]
        if errors:
            raise ValidationError(errors)
        return cleaned
