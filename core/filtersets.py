import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from core import inputs
from core.models import Bureau, Job, JobStatus, JudicialOffice, Policy, Region
from core.regions import RegionLevel

CHECKED_IMPORTS = "imports"


class YearFilter(django_filters.NumberFilter):
    """A year within MIN_YEAR..MAX_YEAR: a year lookup builds dates from it."""

    field_class = inputs.YearField


@extend_schema_field(OpenApiTypes.STR)  # YYYY-MM, which is not an OpenAPI date
class MonthFilter(django_filters.DateFilter):
    """A month typed as YYYY-MM (a full date is accepted too): its first day."""

    field_class = inputs.MonthField


class BaseFilterSet(django_filters.FilterSet):
    """Base of every FilterSet: its form holds each filter to the input rule of its
    type (core.inputs), and a ``__year`` filter takes a bounded year."""

    def get_form_class(self):
        form_class = super().get_form_class()
        if issubclass(form_class, inputs.CleanInputMixin):
            return form_class  # Meta.form already follows the rules (a public form)
        return type(
            form_class.__name__,
            (inputs.CleanInputMixin, form_class),
            {"__module__": type(self).__module__},
        )

    @classmethod
    def filter_for_lookup(cls, field, lookup_type):
        if lookup_type == "year":
            return YearFilter, {}
        return super().filter_for_lookup(field, lookup_type)


class TenantFilterSet(BaseFilterSet):
    """Base FilterSet of tenant-owned models: filter by any region inside the
    jurisdiction (everything under it, by prefix)."""

    region = django_filters.CharFilter(method="filter_region", label=_("Region code"))

    def filter_region(self, queryset, name, value):
        from core.regions import prefix_of

        try:
            prefix = prefix_of(value)
        except Exception:
            return queryset.none()
        return queryset.filter(region__code__startswith=prefix)


class RegionFilterSet(BaseFilterSet):
    level = django_filters.ChoiceFilter(choices=RegionLevel.choices, label=_("Level"))
    parent = django_filters.CharFilter(field_name="parent_id", label=_("Parent code"))
    q = django_filters.CharFilter(field_name="name", lookup_expr="contains", label=_("Name"))

    class Meta:
        model = Region
        fields = ["level", "parent", "q"]


class BureauFilterSet(TenantFilterSet):
    class Meta:
        model = Bureau
        fields = ["level", "parent"]


class JudicialOfficeFilterSet(TenantFilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="contains", label=_("Name"))

    class Meta:
        model = JudicialOffice
        fields = ["bureau", "q"]


class PolicyFilterSet(TenantFilterSet):
    class Meta:
        model = Policy
        fields = ["bureau", "key"]


class JobFilterSet(TenantFilterSet):
    status = django_filters.ChoiceFilter(choices=JobStatus.choices, label=_("Status"))
    waiting = django_filters.ChoiceFilter(
        choices=[(CHECKED_IMPORTS, _("Checked imports not imported yet"))],
        method="filter_waiting",
        label=_("Waiting for you"),
    )

    class Meta:
        model = Job
        fields = ["status", "waiting"]

    def filter_waiting(self, queryset, name, value):
        from core.import_pages import checked_not_imported

        return checked_not_imported(queryset)
