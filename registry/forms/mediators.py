"""Forms of the mediator pages and of appointments. The rules (ID number checks,
one full-time post, end after start) live in the models and services; these forms
only collect the input and show those errors beside the fields."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DATE_WIDGET, ServiceErrorsMixin
from core.inputs import Form, ModelForm
from core.picker_fields import PickerField, RegionPickerField
from registry.models import (
    Committee,
    CommitteeStatus,
    ExitReason,
    ExpertiseField,
    Mediator,
    PaidBy,
    Post,
)
from registry.models.mediators import PERSONAL_FIELDS

PAYER_HELP = _("Who pays the mediator in this post; a full-time post must name it.")


class MediatorForm(ModelForm):
    region = RegionPickerField(
        label=_("Keeping unit"),
        help_text=_("The township or county whose records hold this mediator."),
    )
    expertise = forms.ModelMultipleChoiceField(
        label=_("Expertise fields"),
        queryset=ExpertiseField.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Mediator
        fields = [
            "name",
            "region",
            "id_number",
            "gender",
            "birth_date",
            "phone",
            "address",
            "education",
            "political_status",
            "background",
            "expertise",
            "volunteer",
            "expert_pool",
            "status",
            "photo",
            "photo_public",
            "bank_name",
            "bank_account",
        ]
        widgets = {"birth_date": DATE_WIDGET, "photo": forms.FileInput(attrs={"accept": "image/*"})}
        help_texts = {
            "gender": _("Leave empty to take it from the ID card number."),
            "birth_date": _("Leave empty to take it from the ID card number."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # Editing never puts a stored number into the page: the input starts
            # empty, shows the masked value, and an empty input keeps the number.
            for name in PERSONAL_FIELDS:
                field = self.fields[name]
                field.required = False
                self.initial[name] = ""
                field.widget.attrs["placeholder"] = self.instance.masked(name)
                field.widget.attrs["autocomplete"] = "off"
                field.help_text = _("Leave empty to keep the number on file.")

    def _kept(self, name):
        value = self.cleaned_data.get(name)
        if not value and self.instance.pk:
            return getattr(self.instance, name)
        return value

    def clean_id_number(self):
        return self._kept("id_number")

    def clean_phone(self):
        return self._kept("phone")

    def clean_bank_account(self):
        return self._kept("bank_account")


class CommitteeChoiceField(PickerField):
    """An active committee of the jurisdiction, picked by name or record code."""

    def __init__(self, **kwargs):
        # Built per form (the field is copied), inside the request's jurisdiction.
        active = Committee.objects.filter(status=CommitteeStatus.ACTIVE)
        super().__init__("committee", queryset=active, params={"active": 1}, **kwargs)


class AppointForm(ServiceErrorsMixin, Form):
    committee = CommitteeChoiceField(label=_("Committee"))
    post = forms.ChoiceField(label=_("Post"), choices=Post.choices, initial=Post.MEDIATOR)
    full_time = forms.BooleanField(label=_("Full-time"), required=False)
    # Nothing chosen in advance: a full-time post must name its payer (the model's rule).
    paid_by = forms.ChoiceField(
        label=_("Paid by"),
        choices=[("", "---------"), *PaidBy.choices],
        required=False,
        help_text=PAYER_HELP,
    )
    starts_on = forms.DateField(
        label=_("Starts on"), initial=datetime.date.today, widget=DATE_WIDGET
    )


class EndPostForm(ServiceErrorsMixin, Form):
    ends_on = forms.DateField(label=_("Ends on"), initial=datetime.date.today, widget=DATE_WIDGET)
    exit_reason = forms.ChoiceField(
        label=_("Exit reason"),
        # A transfer has its own form; deregistration ends posts by itself.
        choices=[
            (value, label)
            for value, label in ExitReason.choices
            if value not in (ExitReason.TRANSFER, ExitReason.COMMITTEE_DEREGISTERED)
        ],
    )
    exit_note = forms.CharField(label=_("Note"), max_length=200, required=False)


class TransferForm(ServiceErrorsMixin, Form):
    committee = CommitteeChoiceField(label=_("To committee"))
    starts_on = forms.DateField(
        label=_("Starts there on"),
        initial=datetime.date.today,
        widget=DATE_WIDGET,
        help_text=_("The current post ends the day before."),
    )
    post = forms.ChoiceField(
        label=_("Post"),
        choices=[("", _("Keep the current post")), *Post.choices],
        required=False,
    )
    paid_by = forms.ChoiceField(
        label=_("Paid by"),
        choices=[("", _("Keep the current source")), *PaidBy.choices],
        required=False,
        help_text=PAYER_HELP,
    )
