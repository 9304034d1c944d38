from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.inputs import ModelForm
from core.models import Bureau, JudicialOffice, Region
from core.picker_fields import RegionPickerField
from core.regions import RegionLevel

# A date input the browser renders as a date picker.
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ServiceErrorsMixin:
    """Put a service's ValidationError beside the fields it names, the rest above
    the form, so a rule enforced in the model or service reads like a form error."""

    def add_service_error(self, exc: ValidationError):
        if hasattr(exc, "error_dict"):
            for field, errors in exc.error_dict.items():
                self.add_error(field if field in self.fields else None, errors)
        else:
            self.add_error(None, exc)


# Model forms need no tenancy code of their own: their choice fields are built on the
# scoped default managers, so inside a request they offer, and accept, only objects in
# the active jurisdiction.


class BureauSiteForm(ModelForm):
    """What the bureau's public pages show about it: contact and the footer fields a
    government website must carry."""

    class Meta:
        model = Bureau
        fields = ["address", "phone", "website_code", "icp_number", "police_filing_number"]


class JudicialOfficeForm(ModelForm):
    region = RegionPickerField(
        label=_("Township"),
        levels=(RegionLevel.COUNTY, RegionLevel.TOWNSHIP),
        queryset=Region.objects.filter(level=RegionLevel.TOWNSHIP),
    )

    class Meta:
        model = JudicialOffice
        fields = ["bureau", "region", "name", "address", "phone"]


class RegionForm(ModelForm):
    # A new region is registered under its official division code (the one field
    # where typing a code is the point); its parent is picked.
    parent = RegionPickerField(
        label=_("Parent region"), levels=(RegionLevel.COUNTY, RegionLevel.TOWNSHIP)
    )

    class Meta:
        model = Region
        fields = ["code", "name", "kind", "parent"]

    def clean_code(self):
        from core.services import check_new_region

        try:
            return check_new_region(self.cleaned_data["code"])
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["code"]) from exc


class PolicyForm(forms.Form):
    """The edit form of one rule, built from its declared fields (core.policy_fields):
    one form field each. The fields parse what the browser sends; the rule's own
    validator (the one the service and the API use) then judges the whole value and
    puts each message beside its field. ``value`` holds the value to store."""

    def __init__(self, *args, spec, current=None, **kwargs):
        self.spec = spec
        if current is not None:
            kwargs.setdefault("initial", spec.initial(current))
        super().__init__(*args, **kwargs)
        for name, field in spec.fields.items():
            self.fields[name] = field.formfield(
                label=field.label or spec.label,
                help_text=field.help_text or (spec.help_text if spec.single else ""),
            )

    def clean(self):
        cleaned = super().clean()
        if self.errors:  # a field that did not parse: the rule cannot be judged yet
            return cleaned
        try:
            self.value = self.spec.validate(self.spec.join(cleaned))
        except ValidationError as exc:
            for field, errors in exc.error_dict.items():
                self.add_error(field if field in self.fields else None, errors)
        return cleaned
