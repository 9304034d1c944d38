import json

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.inputs import ModelForm
from core.models import Bureau, JudicialOffice, Region
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
    class Meta:
        model = JudicialOffice
        fields = ["bureau", "region", "name", "address", "phone"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.filter(level=RegionLevel.TOWNSHIP)


class RegionForm(ModelForm):
    class Meta:
        model = Region
        fields = ["code", "name", "kind", "parent"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].required = True
        self.fields["parent"].queryset = Region.objects.filter(
            level__in=[RegionLevel.COUNTY, RegionLevel.TOWNSHIP]
        )

    def clean_code(self):
        from core.services import check_new_region

        try:
            return check_new_region(self.cleaned_data["code"])
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["code"]) from exc


class PolicyValueForm(forms.Form):
    value = forms.CharField(label=_("Value (JSON)"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, spec, **kwargs):
        self.spec = spec
        super().__init__(*args, **kwargs)

    def clean_value(self):
        try:
            parsed = json.loads(self.cleaned_data["value"])
        except json.JSONDecodeError as exc:
            raise ValidationError(
                _("Not valid JSON: %(error)s"), params={"error": exc.msg}
            ) from exc
        return self.spec.validate(parsed)
