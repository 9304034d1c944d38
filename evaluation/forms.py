"""Forms of the evaluation pages, and the FilterSets the pages, workbooks and API share."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from core.filtersets import PickerFilter, TenantFilterSet, YearFilter
from core.forms import DATE_WIDGET, ServiceErrorsMixin
from core.inputs import Form, YearField
from evaluation import services
from evaluation.models import (
    Evaluation,
    EvaluationEntry,
    EvaluationStatus,
    Grade,
    RenewalCandidate,
    RenewalDecision,
    RenewalReason,
)

NOTE_MAX = 300


class EvaluationFilterSet(TenantFilterSet):
    year = YearFilter(label=_("Year"))
    status = django_filters.ChoiceFilter(choices=EvaluationStatus.choices, label=_("Status"))

    class Meta:
        model = Evaluation
        fields = ["year", "status"]


class EntryFilterSet(TenantFilterSet):
    mediator = PickerFilter("mediator", label=_("Mediator"))
    committee = PickerFilter("committee", label=_("Committee"))
    grade = django_filters.ChoiceFilter(choices=Grade.choices, label=_("Grade"))

    class Meta:
        model = EvaluationEntry
        fields = ["mediator", "committee", "grade"]


class CandidateFilterSet(TenantFilterSet):
    year = YearFilter(field_name="evaluation__year", label=_("Year"))
    mediator = PickerFilter("mediator", label=_("Mediator"))
    reason = django_filters.ChoiceFilter(choices=RenewalReason.choices, label=_("Why listed"))
    decision = django_filters.ChoiceFilter(choices=RenewalDecision.choices, label=_("Decision"))

    class Meta:
        model = RenewalCandidate
        fields = ["year", "mediator", "reason", "decision"]


class RunForm(ServiceErrorsMixin, Form):
    year = YearField(label=_("Year"), min_value=2000, max_value=2100)

    def clean_year(self):
        year = self.cleaned_data["year"]
        try:
            services.check_year(year)
        except forms.ValidationError as exc:
            raise forms.ValidationError(exc.message_dict["year"]) from exc
        return year


class ConfirmForm(ServiceErrorsMixin, Form):
    """A workflow step that takes no input (review, publish)."""


class AdjustForm(ServiceErrorsMixin, Form):
    grade = forms.ChoiceField(label=_("Grade"), choices=Grade.choices)
    reason = forms.CharField(
        label=_("Reason for the grade change"),
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Recorded with the grade and shown in its history."),
    )

    def clean_reason(self):
        value = self.cleaned_data["reason"].strip()
        if not value:
            raise forms.ValidationError(_("Give the reason for changing the grade."))
        return value


class DecideForm(ServiceErrorsMixin, Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (RenewalDecision.END, RenewalDecision.END.label),
            (RenewalDecision.RENEW, RenewalDecision.RENEW.label),
        ],
        widget=forms.RadioSelect,
    )
    ends_on = forms.DateField(
        label=_("Contract ends on"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_("Ending the contract ends the full-time post on this day (today if empty)."),
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required to renew a listed mediator's contract."),
    )
