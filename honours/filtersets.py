"""FilterSets of honours, shared by the staff pages and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from core.filtersets import PickerFilter, TenantFilterSet
from honours.models import CallStatus, HonourCall, Nomination, Score, Subject


class CallFilterSet(TenantFilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="contains", label=_("Name"))
    status = django_filters.ChoiceFilter(choices=CallStatus.choices, label=_("Status"))
    subject = django_filters.ChoiceFilter(choices=Subject.choices, label=_("Nominees are"))
    year = django_filters.NumberFilter(field_name="year", label=_("Year"))

    class Meta:
        model = HonourCall
        fields = ["q", "status", "subject", "year"]


class NominationFilterSet(TenantFilterSet):
    call = django_filters.NumberFilter(field_name="call_id", label=_("Call"))
    mediator = PickerFilter("mediator", label=_("Mediator"))
    awarded = django_filters.BooleanFilter(field_name="awarded", label=_("Awarded"))

    class Meta:
        model = Nomination
        fields = ["call", "mediator", "awarded"]


class ScoreFilterSet(TenantFilterSet):
    nomination = django_filters.NumberFilter(field_name="nomination_id", label=_("Nomination"))
    call = django_filters.NumberFilter(field_name="nomination__call_id", label=_("Call"))

    class Meta:
        model = Score
        fields = ["nomination", "call"]
