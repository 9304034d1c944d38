"""Forms of the committee pages. Choice fields are built on the scoped default
managers, so they offer, and accept, only objects inside the active jurisdiction; a
city has thousands of villages and a hundred offices, so those are pickers
(core.picker_fields), not drop-downs."""

import datetime

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from core.forms import DATE_WIDGET, ServiceErrorsMixin
from core.inputs import Form, ModelForm
from core.models import Bureau
from core.picker_fields import PickerField, RegionPickerField
from registry.models import Committee, ExpertiseField


def _label(name):
    return capfirst(Committee._meta.get_field(name).verbose_name)


class CommitteeForm(ModelForm):
    region = RegionPickerField(label=_label("region"))
    office = PickerField("office", label=_label("office"), required=False)
    filed_with_office = PickerField("office", label=_label("filed_with_office"), required=False)

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
