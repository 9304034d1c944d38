"""FilterSets of the complaints, shared by the staff pages and the API."""

import datetime

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from complaints import selectors
from complaints.models import Channel, Complaint, ComplaintStatus, IntegrityKind, IntegrityRecord
from core.filtersets import PickerFilter, TenantFilterSet

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ComplaintFilterSet(TenantFilterSet):
    """Mediator and committee are pickers (core.pickers), not drop-downs."""

    number = django_filters.CharFilter(method="filter_number", label=_("Tracking number"))
    status = django_filters.ChoiceFilter(choices=ComplaintStatus.choices, label=_("Status"))
    channel = django_filters.ChoiceFilter(choices=Channel.choices, label=_("Channel"))
    overdue = django_filters.ChoiceFilter(
        choices=[("1", _("Overdue only"))],
        method="filter_overdue",
        label=_("Overdue"),
        empty_label=_("All"),
    )
    progress = django_filters.ChoiceFilter(
        choices=[(selectors.OPEN, _("Not concluded")), (selectors.SOON, _("Due within a week"))],
        method="filter_progress",
        label=_("Progress"),
        empty_label=_("All"),
    )
    assigned_office = PickerFilter("office", label=_("Assigned to office"))
    mediator = PickerFilter("mediator", label=_("Mediator"))
    committee = PickerFilter("committee", label=_("Committee"))
    received_after = django_filters.DateFilter(
        field_name="received_on", lookup_expr="gte", label=_("Received from"), widget=DATE_INPUT
    )
    received_before = django_filters.DateFilter(
        field_name="received_on", lookup_expr="lte", label=_("Received to"), widget=DATE_INPUT
    )

    class Meta:
        model = Complaint
        fields = [
            "number",
            "status",
            "channel",
            "overdue",
            "progress",
            "assigned_office",
            "mediator",
            "committee",
            "received_after",
            "received_before",
        ]

    def filter_number(self, queryset, name, value):
        return queryset.filter(tracking_number=value.strip().upper())

    def filter_overdue(self, queryset, name, value):
        if value != "1":
            return queryset
        return selectors.overdue(datetime.date.today(), queryset)

    def filter_progress(self, queryset, name, value):
        if value == selectors.SOON:
            return selectors.due_soon(datetime.date.today(), queryset)
        return selectors.open_complaints(queryset)


class IntegrityRecordFilterSet(TenantFilterSet):
    kind = django_filters.ChoiceFilter(choices=IntegrityKind.choices, label=_("Kind"))
    mediator = PickerFilter("mediator", label=_("Mediator"))

    class Meta:
        model = IntegrityRecord
        fields = ["mediator", "kind"]
