from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.forms import ServiceErrorsMixin
from core.inputs import Form
from core.models import RoleKind
from core.users import services


class RoleGrantForm(ServiceErrorsMixin, Form):
    """A role's kind, and its unit from a select of the bureaus and offices the admin
    administers (a handful, so no search widget). Services name the unit field
    ``bureau`` or ``office``; here both are the one ``unit`` select."""

    kind = forms.ChoiceField(label=_("Role"), choices=RoleKind.choices)
    unit = forms.ChoiceField(
        label=_("Unit"), help_text=_("Office clerks work in a judicial office.")
    )

    def __init__(self, *args, admin, **kwargs):
        super().__init__(*args, **kwargs)
        bureaus, offices = services.administered_units(admin)
        self.units = {f"bureau-{b.pk}": (b, None) for b in bureaus}
        self.units.update({f"office-{o.pk}": (None, o) for o in offices})
        self.fields["unit"].choices = [
            ("", "---------"),
            (_("Justice bureaus"), [(f"bureau-{b.pk}", b.name) for b in bureaus]),
            (
                _("Judicial offices"),
                [(f"office-{o.pk}", f"{o.name}（{o.bureau.name}）") for o in offices],
            ),
        ]

    def clean_unit(self):
        return self.units[self.cleaned_data["unit"]]

    def add_service_error(self, exc: ValidationError):
        if hasattr(exc, "error_dict"):
            exc = ValidationError(
                {
                    "unit" if field in ("bureau", "office") else field: errors
                    for field, errors in exc.error_dict.items()
                }
            )
        super().add_service_error(exc)


class UserCreateForm(RoleGrantForm):
    username = forms.CharField(label=_("Username"), max_length=150)
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)

    field_order = ["username", "full_name", "phone", "kind", "unit"]


class ConfirmForm(ServiceErrorsMixin, forms.Form):
    """An action with nothing to fill in: the page states what it does."""
