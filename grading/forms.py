"""Forms of the staff side of grading. The rules (who grades which level, the minimum
service, quotas, exceptions, the notice period) live in grading.services; these
forms collect the input and show the services' errors beside the fields."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.forms import DATE_WIDGET, ServiceErrorsMixin
from core.inputs import Form
from core.picker_fields import PickerField
from grading.models import ApplicationSource
from registry import levels

NOTE_MAX = 500


def _note(label, *, required=False, help_text=""):
    return forms.CharField(
        label=label,
        required=required,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=help_text,
    )


class RanksField(forms.TypedMultipleChoiceField):
    """Levels by the bureau's names (checkboxes), cleaned to ranks."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        kwargs.setdefault("coerce", int)
        super().__init__(**kwargs)


class RankField(forms.TypedChoiceField):
    def __init__(self, **kwargs):
        kwargs.setdefault("coerce", int)
        super().__init__(**kwargs)


class RoundForm(ServiceErrorsMixin, Form):
    """A round's name, the levels it grades and its schedule; the bureau is the
    user's own."""

    name = forms.CharField(label=_("Name"), max_length=100)
    ranks = RanksField(
        label=_("Levels graded"),
        help_text=_("Only the levels your bureau grades (the grading criteria rule says which)."),
    )
    cutoff_on = forms.DateField(
        label=_("Cut-off date"),
        widget=DATE_WIDGET,
        help_text=_("Eligibility is read from the records as they stand on this date."),
    )
    applications_open_on = forms.DateField(label=_("Applications open on"), widget=DATE_WIDGET)
    applications_close_on = forms.DateField(label=_("Applications close on"), widget=DATE_WIDGET)
    effective_on = forms.DateField(label=_("Levels take effect on"), widget=DATE_WIDGET)

    def __init__(self, *args, bureau, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ranks"].choices = levels.choices(bureau)

    def clean_name(self):
        value = self.cleaned_data["name"].strip()
        if not value:
            raise ValidationError(self.fields["name"].error_messages["required"])
        return value


class ApplicationForm(ServiceErrorsMixin, Form):
    """An application, or the committee's nomination, of a mediator picked by name."""

    mediator = PickerField("mediator", label=_("Mediator"))
    rank = RankField(label=_("Level applied for"))
    source = forms.ChoiceField(
        label=_("Source"), choices=ApplicationSource.choices, widget=forms.RadioSelect
    )
    statement = forms.CharField(
        label=_("Statement"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the mediator or the committee adds to the records."),
    )

    def __init__(self, *args, round, **kwargs):
        super().__init__(*args, **kwargs)
        names = dict(levels.choices(round.bureau))
        self.fields["rank"].choices = [(rank, names.get(rank, rank)) for rank in round.ranks]
        self.fields["source"].initial = ApplicationSource.APPLIED


class CheckForm(ServiceErrorsMixin, Form):
    """The committee's check, or the judicial office's first review: pass it on, or
    turn it down with the reason."""

    passed = forms.TypedChoiceField(
        label=_("Result"),
        choices=[("1", _("Passed on")), ("0", _("Turned down"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    note = _note(_("Opinion"), help_text=_("Required when turning the application down."))

    def clean(self):
        data = super().clean()
        if data.get("passed") is False and not (data.get("note") or "").strip():
            self.add_error("note", _("Give the reason for turning the application down."))
        return data


class DecisionForm(ServiceErrorsMixin, Form):
    """The panel's decision on one application."""

    approved = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("1", _("Approve")), ("0", _("Reject"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    note = _note(_("Panel's decision"))
    exception_reason = _note(
        _("Reason for the exception"),
        help_text=_(
            "Required to approve a mediator who does not meet every criterion of the level."
        ),
    )


class AnswerForm(ServiceErrorsMixin, Form):
    upheld = forms.TypedChoiceField(
        label=_("Finding"),
        choices=[
            ("0", _("Not upheld: the level stands")),
            ("1", _("Upheld: the approval is withdrawn")),
        ],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    answer = forms.CharField(
        label=_("Answer"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What the bureau found, as recorded with the round."),
    )

    def clean_answer(self):
        value = self.cleaned_data["answer"].strip()
        if not value:
            raise ValidationError(self.fields["answer"].error_messages["required"])
        return value


class ConfirmForm(ServiceErrorsMixin, Form):
    """A step of the round that takes no input but a note (open applications, send to
    the panel, publish the notice, close)."""

    note = _note(_("Note"))


class NoticeForm(ServiceErrorsMixin, Form):
    """Publish the notice: it runs for the bureau's number of days from this date."""

    notice_starts_on = forms.DateField(
        label=_("Notice starts on"),
        initial=datetime.date.today,
        widget=DATE_WIDGET,
        help_text=_("The notice lasts the number of days the bureau's grading rules set."),
    )
