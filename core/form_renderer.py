"""The one look of every staff form: Bootstrap 5 markup from Django's own form
rendering, so no page lays out its fields by hand.

``settings.FORM_RENDERER`` names ``BootstrapFormRenderer``. It renders with the
project's template engine (Django's ``TemplatesSetting``), so the project's
``templates/django/forms/`` replace Django's defaults: ``div.html`` (errors that name
no field above the form, then each field), ``field.html`` (label with the required
marker, input, help text and errors beside it) and the option templates that lay out
checkbox and radio choices in columns. Its bound field gives every input the
Bootstrap class of its kind, and ``is-invalid`` when it has errors; Django itself
adds ``aria-invalid`` and links help text and errors with ``aria-describedby``.

The public site keeps its own plain markup and stylesheet: its forms are
``PublicForm``s.
"""

from django import forms
from django.forms import widgets
from django.forms.boundfield import BoundField
from django.forms.renderers import DjangoTemplates, TemplatesSetting

from core import inputs

# Decided by the widget's class hierarchy, so a project widget built on one of these
# (a picker on a Select or a TextInput) is styled like its base. Order matters:
# CheckboxSelectMultiple is a RadioSelect, and both are ChoiceWidgets like Select.
WIDGET_CLASSES = (
    (widgets.CheckboxInput, "form-check-input"),
    (widgets.RadioSelect, "form-check-input"),  # each option's input
    (widgets.Select, "form-select"),
    (widgets.Textarea, "form-control"),
    (widgets.Input, "form-control"),
)


def bootstrap_class(widget) -> str:
    """The Bootstrap class of *widget*'s input; "" for hidden inputs and for composite
    widgets, which style the inputs they are made of (core.policy_widgets)."""
    if widget.is_hidden:
        return ""
    for kind, css_class in WIDGET_CLASSES:
        if isinstance(widget, kind):
            return css_class
    return ""


class BootstrapBoundField(BoundField):
    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        css_class = bootstrap_class(widget)
        if not css_class:
            return attrs
        # The widget's own classes (a size, a hook for a script) stay, in their order.
        classes = [*widget.attrs.get("class", "").split(), *attrs.get("class", "").split()]
        classes.append(css_class)
        if self.errors:
            classes.append("is-invalid")
        attrs["class"] = " ".join(dict.fromkeys(classes))
        return attrs

    @property
    def layout(self) -> str:
        """How field.html lays the field out: "check" (a lone checkbox, its label after
        it), "group" (a fieldset of choices or of several inputs) or "control"."""
        if isinstance(self.field.widget, forms.CheckboxInput):
            return "check"
        return "group" if self.use_fieldset else "control"


class BootstrapFormRenderer(TemplatesSetting):
    bound_field_class = BootstrapBoundField


class PublicForm(inputs.Form):
    """A form of the public site: Django's own templates and bound fields, styled by
    the public stylesheet, which knows nothing of Bootstrap."""

    default_renderer = DjangoTemplates()
