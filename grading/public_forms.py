"""The public objection form (异议). Everything that arrives is re-checked: the round
and the mediator named in hidden fields must be on a notice the bureau runs now."""

from django import forms
from django.utils.translation import gettext_lazy as _

from complaints.forms.public import DescribedFieldsMixin, ProofOfWorkForm
from core.form_renderer import PublicForm
from core.personal import validate_phone

TEXT_MAX = 2000
NAME_MAX = 50


class ObjectionForm(DescribedFieldsMixin, ProofOfWorkForm, PublicForm):
    # The hidden application is checked by the service against the round's notice.
    application = forms.CharField(widget=forms.HiddenInput, required=False)
    text = forms.CharField(
        label=_("Your objection"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What you know that the bureau should weigh. At most 2000 characters."),
    )
    name = forms.CharField(
        label=_("Your name"),
        max_length=NAME_MAX,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        help_text=_("You may leave it empty."),
    )
    phone = forms.CharField(
        label=_("Your phone number"),
        max_length=20,
        validators=[validate_phone],
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
        help_text=_("The bureau may call you about the objection; it is never published."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.describe_fields()

    def clean_text(self):
        value = self.cleaned_data["text"].strip()
        if not value:
            raise forms.ValidationError(self.fields["text"].error_messages["required"])
        return value

    def clean_application(self):
        value = (self.cleaned_data.get("application") or "").strip()
        return int(value) if value.isascii() and value.isdigit() and len(value) <= 18 else None
