"""The library's FilterSet, shared by the staff page and the API: words in the title
or account, dispute type, year, published or not, and region."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from caselibrary.models import LibraryEntry
from core.filtersets import TenantFilterSet
from mediation.models import DisputeType


class EntryFilterSet(TenantFilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Words"))
    dispute_type = django_filters.ModelChoiceFilter(
        queryset=DisputeType.objects.all(), label=_("Dispute type")
    )
    year = django_filters.NumberFilter(field_name="year", label=_("Year"))
    published = django_filters.BooleanFilter(field_name="published", label=_("On the public site"))

    class Meta:
        model = LibraryEntry
        fields = ["q", "dispute_type", "year", "published"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(title__contains=value) | Q(account__contains=value) | Q(commentary__contains=value)
        )
