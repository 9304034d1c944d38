"""Forms of the library: the anonymised account (the check runs in the service and
its messages show beside the fields), and the case number that starts a promotion."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.forms import ServiceErrorsMixin
from core.inputs import Form
from mediation.models import Case, DisputeType

HELP = _(
    "Replace the parties' names with 甲, 乙 …; leave out ID card and phone numbers. "
    "The text is checked when it is saved."
)


class EntryForm(ServiceErrorsMixin, Form):
    title = forms.CharField(label=_("Title"), max_length=100)
    dispute_type = forms.ModelChoiceField(
        label=_("Dispute type"), queryset=DisputeType.objects.filter(active=True)
    )
    account = forms.CharField(
        label=_("Account of the case"),
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=HELP,
    )
    commentary = forms.CharField(
        label=_("Commentary"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What other mediators can learn from the case (评析)."),
    )


class ConfirmForm(ServiceErrorsMixin, Form):
    pass


class CaseNumberForm(Form):
    number = forms.CharField(label=_("Case number"), max_length=30)

    def clean_number(self):
        case = Case.objects.filter(number=self.cleaned_data["number"].strip()).first()
        if case is None:
            raise ValidationError(_("No case of yours has this number."))
        return case
