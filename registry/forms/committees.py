"""Forms of the committee pages. Choice fields are built on the scoped default
managers, so they offer, and accept, only objects inside the active jurisdiction."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.forms import DATE_WIDGET, ServiceErrorsMixin
from core.inputs import Form, ModelForm
from core.models import Bureau, JudicialOffice, Region
from core.regions import normalize_code
from registry.models import Committee, ExpertiseField


class RegionCodeField(forms.ModelChoiceField):
    """A region typed as its division code: a city has thousands of villages, too
    many for a drop-down. Only regions inside the jurisdiction are accepted."""

    widget = forms.TextInput
    default_error_messages = {
        "invalid_choice": _("No region with this division code in your jurisdiction."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Region (division code)"))
        super().__init__(queryset=Region.objects.all(), **kwargs)
        self.widget.attrs.setdefault("placeholder", "330602001001")
        self.widget.attrs.setdefault("inputmode", "numeric")

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            value = normalize_code(str(value))
        except ValidationError as exc:
            raise ValidationError(exc.messages, code="invalid_choice") from exc
        return super().to_python(value)


class CommitteeForm(ModelForm):
    region = RegionCodeField()

    class Meta:
        model = Committee
        fields = [
            "code",
            "name",
            "kind",
            "region",
            "office",
            "industry_field",
            "host_institution",
            "namesake",
            "address",
            "phone",
            "founded_on",
            "filing_status",
            "filed_on",
            "filed_with_office",
            "filed_with_bureau",
        ]
        widgets = {"founded_on": DATE_WIDGET, "filed_on": DATE_WIDGET}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        offices = JudicialOffice.objects.select_related("bureau")
        self.fields["office"].queryset = offices
        self.fields["filed_with_office"].queryset = offices
        self.fields["filed_with_bureau"].queryset = Bureau.objects.all()
        self.fields["industry_field"].queryset = ExpertiseField.objects.all()


class DeregisterForm(ServiceErrorsMixin, Form):
    deregistered_on = forms.DateField(
        label=_("Deregistered on"), initial=datetime.date.today, widget=DATE_WIDGET
    )
    deregistration_reason = forms.CharField(
        label=_("Reason"), max_length=200, widget=forms.Textarea(attrs={"rows": 3})
    )


class TermForm(ServiceErrorsMixin, Form):
    starts_on = forms.DateField(label=_("Term starts on"), widget=DATE_WIDGET)
    ends_on = forms.DateField(
        label=_("Term ends on"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_("Leave empty for the bureau's term length."),
    )
