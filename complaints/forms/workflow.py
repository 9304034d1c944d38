"""Forms of the staff side of complaints. The rules (status order, who may impose
which sanction, dates) live in complaints.services; these forms collect the input
and show the services' errors beside the fields."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from complaints.models import Finding, Sanction
from complaints.uploads import AttachmentsField, check_uploads
from core.forms import DATE_WIDGET, ServiceErrorsMixin
from core.inputs import Form
from core.personal import validate_phone
from core.picker_fields import PickerField


class WindowComplaintForm(ServiceErrorsMixin, Form):
    """A complaint a clerk takes at a judicial office window (or the bureau's). The
    mediator and committee are picked by name inside the jurisdiction (a city has
    thousands: no drop-down); one outside it reads like an unknown one."""

    mediator = PickerField(
        "mediator",
        label=_("Mediator"),
        required=False,
        help_text=_("The complaint goes to the unit that appointed the mediator."),
    )
    committee = PickerField(
        "committee",
        label=_("Committee"),
        required=False,
        help_text=_("When the complainant names no mediator, or the mediator holds no post."),
    )
    name = forms.CharField(label=_("Complainant"), max_length=50)
    phone = forms.CharField(
        label=_("Complainant phone"), max_length=20, validators=[validate_phone]
    )
    description = forms.CharField(
        label=_("What happened"), max_length=5000, widget=forms.Textarea(attrs={"rows": 6})
    )
    received_on = forms.DateField(
        label=_("Received on"), initial=datetime.date.today, widget=DATE_WIDGET
    )
    attachments = AttachmentsField()

    def _stripped(self, name):
        value = self.cleaned_data[name].strip()
        if not value:
            raise ValidationError(self.fields[name].error_messages["required"])
        return value

    def clean_name(self):
        return self._stripped("name")

    def clean_description(self):
        return self._stripped("description")

    def clean_received_on(self):
        value = self.cleaned_data["received_on"]
        if value > datetime.date.today():
            raise ValidationError(_("The date cannot be in the future."))
        return value

    def clean_attachments(self):
        return check_uploads(self.cleaned_data.get("attachments"))

    def clean(self):
        data = super().clean()
        if not data.get("mediator") and not data.get("committee") and not self.errors:
            raise ValidationError(
                {"mediator": _("Name the mediator or the committee.")}, code="required"
            )
        return data


class AssignForm(ServiceErrorsMixin, Form):
    office = PickerField(
        "office",
        label=_("Handling unit"),
        required=False,
        help_text=_(
            "The judicial office that appointed the mediator; leave empty for the justice bureau."
        ),
    )


class VerifyForm(ServiceErrorsMixin, Form):
    note = forms.CharField(
        label=_("Verification notes"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ConcludeForm(ServiceErrorsMixin, Form):
    finding = forms.ChoiceField(
        label=_("Finding"), choices=Finding.choices, widget=forms.RadioSelect
    )
    sanction = forms.ChoiceField(
        label=_("Sanction"),
        choices=Sanction.choices,
        required=False,
        help_text=_(
            "Only for a founded complaint. Suspension and dismissal are decided by the "
            "justice bureau."
        ),
    )
    note = forms.CharField(
        label=_("Verification notes"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Leave empty to keep the notes taken when verification began."),
    )
    concluded_on = forms.DateField(
        label=_("Concluded on"), initial=datetime.date.today, widget=DATE_WIDGET
    )


class AnswerForm(ServiceErrorsMixin, Form):
    answer = forms.CharField(
        label=_("Answer to the complainant"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("The complainant reads this on the status page."),
    )


class CommendationForm(ServiceErrorsMixin, Form):
    occurred_on = forms.DateField(label=_("Date"), initial=datetime.date.today, widget=DATE_WIDGET)
    title = forms.CharField(label=_("Title"), max_length=200)
    awarded_by = forms.CharField(label=_("Awarded by"), max_length=100)
    detail = forms.CharField(
        label=_("Details"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
