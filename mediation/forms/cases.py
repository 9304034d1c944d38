"""The case FilterSet (shared by the list page and the API) and the forms of filing a
case and moving it through its workflow. The rules (dates, committee founding,
posts held on the date, closing needs a result) live in the model and
mediation.services; these forms collect the input and show those errors beside
the fields."""

import datetime

import django_filters
from django import forms
from django.db.models import Q
from django.forms.formsets import DELETION_FIELD_NAME
from django.utils.translation import gettext_lazy as _

from core.filtersets import PickerFilter, TenantFilterSet
from core.forms import DATE_WIDGET, ServiceErrorsMixin
from core.inputs import Form, ModelForm
from core.picker_fields import PickerField, PickerMultipleField, prefer_forwarded
from mediation import selectors
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

# The case list's "progress" filter: still open, or open longer than the bureau's rule.
OPEN, OVERDUE = "open", "overdue"

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
    # The cases behind a mediator's figures (grading's eligibility list links here).
    lead_mediator = PickerFilter("mediator", label=_("Lead mediator"))
    closed_from = django_filters.DateFilter(
        field_name="closed_on", lookup_expr="gte", label=_("Closed from"), widget=DATE_WIDGET
    )
    closed_to = django_filters.DateFilter(
        field_name="closed_on", lookup_expr="lte", label=_("Closed to"), widget=DATE_WIDGET
    )
    progress = django_filters.ChoiceFilter(
        choices=[(OPEN, _("Not closed")), (OVERDUE, _("Not closed in time"))],
        method="filter_progress",
        label=_("Progress"),
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
            "lead_mediator",
            "closed_from",
            "closed_to",
            "progress",
        ]

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(number__icontains=value) | Q(summary__contains=value))

    def filter_progress(self, queryset, name, value):
        if value == OVERDUE:
            return selectors.overdue_cases(queryset)
        return selectors.open_cases(queryset)


class CaseForm(ServiceErrorsMixin, Form):
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


class PartyForm(ModelForm):
    class Meta:
        model = Party
        fields = ["role", "name", "id_number", "phone"]


class BasePartyFormSet(forms.BaseFormSet):
    """Any number of party rows, each with a 删除 box. The page starts with two rows
    (a dispute's two sides). *rows* prefill a fresh formset with what was typed: the
    "add a party" button shows the page again with one more row, nothing checked."""

    def __init__(self, *args, rows=(), **kwargs):
        self.rows = list(rows)
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.extra = max(len(self.rows), Party.MIN_PER_CASE)

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        if index is not None and index < len(self.rows):
            kwargs["initial"] = self.rows[index]
        return kwargs

    def clean(self):
        # The service checks the count again; here its message sits above the rows.
        try:
            Party.check_count(len(filled_forms(self)))
        except forms.ValidationError as exc:
            raise forms.ValidationError(exc.message_dict["parties"]) from exc

    def with_another_row(self):
        """A fresh formset with the rows as typed (less those marked 删除) and one
        empty row more."""
        typed = [
            {name: row[name].data for name in PartyForm.Meta.fields}
            for row in self.forms
            if not row[DELETION_FIELD_NAME].data
        ]
        return type(self)(prefix=self.prefix, rows=[*typed, {}])


# A management form asking for more rows than a case may have is refused before
# they are built (the count's own message is Party.check_count's).
PartyFormSet = forms.formset_factory(
    PartyForm, formset=BasePartyFormSet, can_delete=True, absolute_max=Party.MAX_PER_CASE
)


def filled_forms(formset):
    """The rows with something typed in and not marked 删除, in order: the parties.
    Called once the rows are cleaned."""
    return [
        form
        for form in formset.forms
        if form.has_changed() and not form.cleaned_data.get(DELETION_FIELD_NAME)
    ]


def party_rows(formset):
    """The parties as dicts for mediation.services.file_case."""
    return [
        {field: form.cleaned_data.get(field) or "" for field in PartyForm.Meta.fields}
        for form in filled_forms(formset)
    ]


class StartForm(ServiceErrorsMixin, Form):
    """Nothing to fill in: the button confirms mediation has begun."""


class CloseForm(ServiceErrorsMixin, Form):
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


class ReopenForm(ServiceErrorsMixin, Form):
    reopen_reason = forms.CharField(label=_("Reason for reopening"), max_length=200)
