"""The input rules (core.validators) applied to forms, by field type.

Model fields carry the rules themselves (core.apps attaches them to every project
model), so a ModelForm checks them in ``_post_clean``. Plain form fields (a search
box, a reason typed into a workflow form, a date that only drives a report) have no
model behind them: ``CleanInputMixin`` gives every field of a form the rule of its
type when the form cleans. Every project form inherits it through ``Form`` or
``ModelForm`` below, and every FilterSet through core.filtersets.BaseFilterSet; the
month and year fields below are the shared bounded ones.
"""

from django import forms

from core import validators


def field_rules(field) -> list:
    """The validators a form field of this type must also run."""
    if isinstance(field, forms.CharField):
        if isinstance(field.widget, forms.Textarea):
            return [validators.multi_line]
        if field.max_length is None:
            return [validators.single_line, validators.line_length]
        return [validators.single_line]
    if isinstance(field, forms.DateField | forms.DateTimeField):
        return [validators.date_in_range]
    # FloatField and DecimalField are IntegerFields too; one with a size of its own
    # (max_value, max_digits) keeps it.
    if (
        isinstance(field, forms.IntegerField)
        and field.max_value is None
        and getattr(field, "max_digits", None) is None
    ):
        return validators.integer_validators()
    return []


def apply_rules(field) -> None:
    for rule in field_rules(field):
        if rule not in field.validators:
            field.validators.append(rule)


def normalized_data(data):
    """The submitted data with CR LF as LF (browsers send textareas with CR LF)."""
    if hasattr(data, "lists"):  # QueryDict, MultiValueDict
        data = data.copy()
        for key, values in list(data.lists()):
            data.setlist(key, [validators.normalize_newlines(v) for v in values])
        return data
    return {key: validators.normalize_newlines(value) for key, value in data.items()}


class CleanInputMixin:
    """Hold every field of the form to the input rule of its type, and read text
    with LF line ends. The rules are added when the form cleans, so they reach the
    fields a form adds or replaces in its own ``__init__``; the fields are the
    form's own copies, so this touches no other form."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound:
            self.data = normalized_data(self.data)

    def full_clean(self):
        for field in self.fields.values():
            apply_rules(field)
        super().full_clean()


class Form(CleanInputMixin, forms.Form):
    pass


class ModelForm(CleanInputMixin, forms.ModelForm):
    pass


class MonthField(forms.DateField):
    """A month (``2025-03``; a full date is accepted too), cleaned to its first day
    and within MIN_DATE..MAX_DATE: "0000-05" and "2026-13" are field errors."""

    widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
    default_validators = [validators.date_in_range]
    input_formats = ["%Y-%m", "%Y-%m-%d"]

    def to_python(self, value):
        day = super().to_python(value)
        return day.replace(day=1) if day else day


class YearField(forms.IntegerField):
    """A year within MIN_YEAR..MAX_YEAR (a narrower range may be given)."""

    def __init__(self, *, min_value=validators.MIN_YEAR, max_value=validators.MAX_YEAR, **kwargs):
        super().__init__(min_value=min_value, max_value=max_value, **kwargs)
