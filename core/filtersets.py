import django_filters
from django.utils.translation import gettext_lazy as _

from core.models import Bureau, Job, JobStatus, JudicialOffice, Policy, Region
from core.regions import RegionLevel

CHECKED_IMPORTS = "imports"


class TenantFilterSet(django_filters.FilterSet):
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


class RegionFilterSet(django_filters.FilterSet):
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
