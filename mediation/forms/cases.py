"""The case FilterSet (shared by the list page and the API) and the forms of filing a
case and moving it through its workflow. The rules (dates, committee founding,
posts held on the date, closing needs a result) live in the model and
mediation.services; these forms collect the input and show those errors beside
the fields."""

import datetime

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.filtersets import PickerFilter, TenantFilterSet
from core.forms import DATE_WIDGET, ServiceErrorsMixin
from core.picker_fields import PickerField, PickerMultipleField, prefer_forwarded
from mediation.models import (
    AgreementForm,
    Case,
    CaseResult,
    CaseSource,
    Difficulty,
    DisputeType,
    Party,
)
from registry.forms.mediators import CommitteeChoiceField

# How many party rows the filing page offers; most disputes have two parties.
PARTY_ROWS = 4

# The mediator pickers offer those who held a post in the committee chosen beside them
# on the date received (core.pickers, the mediator picker's "committee" and "on").
COMMITTEE_AND_DATE = ("committee", "received_on:on")


class CaseFilterSet(TenantFilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Case number or summary"))
    committee = PickerFilter("committee", label=_("Committee"))
    dispute_type = django_filters.ModelChoiceFilter(
        queryset=DisputeType.objects.all(), label=_("Dispute type")
    )
    received_from = django_filters.DateFilter(
        field_name="received_on", lookup_expr="gte", label=_("Received from"), widget=DATE_WIDGET
    )
    received_to = django_filters.DateFilter(
        field_name="received_on", lookup_expr="lte", label=_("Received to"), widget=DATE_WIDGET
    )

    class Meta:
        model = Case
        fields = [
            "q",
            "committee",
            "status",
            "result",
            "source",
            "dispute_type",
            "difficulty",
            "received_from",
            "received_to",
        ]

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(number__icontains=value) | Q(summary__contains=value))


class CaseForm(ServiceErrorsMixin, forms.Form):
    """Filing a case. The mediator pickers offer the people who held a post in the
    chosen committee on the date received; the service checks it again."""

    committee = CommitteeChoiceField(label=_("Committee"))
    received_on = forms.DateField(
        label=_("Received on"), initial=datetime.date.today, widget=DATE_WIDGET
    )
    source = forms.ChoiceField(label=_("Source"), choices=CaseSource.choices)
    dispute_type = forms.ModelChoiceField(
        label=_("Dispute type"), queryset=DisputeType.objects.filter(active=True)
    )
    summary = forms.CharField(label=_("Summary"), max_length=4000, widget=forms.Textarea)
    difficulty = forms.ChoiceField(
        label=_("Difficulty"), choices=Difficulty.choices, initial=Difficulty.ORDINARY
    )
    amount = forms.DecimalField(
        label=_("Amount involved (yuan)"), max_digits=14, decimal_places=2, initial=0
    )
    # Any mediator of the jurisdiction is accepted here: one who held no post in the
    # committee on the date is the service's error, beside the field.
    lead_mediator = PickerField("mediator", label=_("Lead mediator"), forward=COMMITTEE_AND_DATE)
    assistants = PickerMultipleField(
        "mediator",
        label=_("Assisting mediators"),
        required=False,
        forward=COMMITTEE_AND_DATE,
        help_text=_("Type their names, one a line or separated by 、."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        prefer_forwarded(self)


class PartyForm(forms.ModelForm):
    class Meta:
        model = Party
        fields = ["role", "name", "id_number", "phone"]


PartyFormSet = forms.formset_factory(
    PartyForm, extra=PARTY_ROWS, max_num=PARTY_ROWS, validate_max=True
)


def party_rows(formset):
    """The filled party rows as dicts for mediation.services.file_case."""
    return [
        {field: form.cleaned_data.get(field) or "" for field in PartyForm.Meta.fields}
        for form in formset.forms
        if form.has_changed() and form.cleaned_data
    ]


class StartForm(ServiceErrorsMixin, forms.Form):
    """Nothing to fill in: the button confirms mediation has begun."""


class CloseForm(ServiceErrorsMixin, forms.Form):
    result = forms.ChoiceField(
        label=_("Result"), choices=[("", "---------"), *CaseResult.choices], required=False
    )
    closed_on = forms.DateField(
        label=_("Closed on"), initial=datetime.date.today, widget=DATE_WIDGET
    )
    agreement_form = forms.ChoiceField(
        label=_("Agreement form"),
        choices=[("", "---------"), *AgreementForm.choices],
        required=False,
    )
    fulfilled = forms.NullBooleanField(label=_("Agreement fulfilled"), required=False)
    judicial_confirmation = forms.BooleanField(label=_("Judicial confirmation"), required=False)
    prevented_criminal = forms.BooleanField(label=_("Prevented 民转刑"), required=False)
    prevented_suicide = forms.BooleanField(label=_("Prevented suicide"), required=False)
    prevented_mass_petition = forms.BooleanField(label=_("Prevented mass petition"), required=False)
    mass_petition_persons = forms.IntegerField(
        label=_("Persons (mass petition)"), min_value=0, initial=0
    )
    prevented_mass_incident = forms.BooleanField(label=_("Prevented mass incident"), required=False)
    mass_incident_persons = forms.IntegerField(
        label=_("Persons (mass incident)"), min_value=0, initial=0
    )


class ReopenForm(ServiceErrorsMixin, forms.Form):
    reopen_reason = forms.CharField(label=_("Reason for reopening"), max_length=200)
