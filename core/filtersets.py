import django_filters
from django.utils.translation import gettext_lazy as _
from django_filters.constants import EMPTY_VALUES
from drf_spectacular.drainage import set_override

from core.models import Bureau, JudicialOffice, Policy, Region
from core.picker_fields import PickerField, RegionPickerField
from core.regions import RegionLevel

# What each kind of picker filter accepts, for the OpenAPI schema.
ACCEPTS = {
    "committee": _(
        "A committee: its code, its name or its label as the picker shows it "
        "(the API also accepts its id)."
    ),
    "mediator": _(
        "A mediator: their name, their label as the picker shows it, or their ID card "
        "number (the API also accepts their id)."
    ),
    "region": _(
        "A region and everything under it: its division code (or its prefix, e.g. 3306), "
        "its name or its label as the picker shows it."
    ),
    "office": _(
        "A judicial office: its name or its label as the picker shows it "
        "(the API also accepts its id)."
    ),
}


class PickerFilter(django_filters.Filter):
    """A committee, mediator, region or office named as its picker (core.pickers)
    accepts it: a name, a record code, an option's label. A value that names nothing
    (or several) is a field error in the filter panel, and the list shows nothing
    (PickerFilterSetMixin); the API answers 400. The API, and only the API, also
    accepts an id, as it always has."""

    field_class = PickerField

    def __init__(self, kind, *args, **kwargs):
        super().__init__(*args, kind=kind, **kwargs)
        # The OpenAPI schema: a string, and what it may name (drf-spectacular reads
        # this as it reads @extend_schema_field; here it differs per kind).
        set_override(self, "field", {"type": "string", "description": ACCEPTS.get(kind, "")})

    @property
    def field(self):
        if not hasattr(self, "_field"):
            request = getattr(self.parent, "request", None)
            # DRF's filter backend builds its FilterSets with the request; pages do not.
            self.extra["accept_ids"] = request is not None
            return super().field
        return self._field


class RegionPickerFilter(PickerFilter):
    """Rows in a region and everything under it (one prefix filter). Any region of
    the jurisdiction is accepted; the cascade offers *levels*."""

    field_class = RegionPickerField

    def __init__(self, *args, exact=False, **kwargs):
        self.exact = exact  # the region itself, not everything under it
        super().__init__("region", *args, **kwargs)

    @property
    def field(self):
        # Built inside the request: the scoped regions, every level of them.
        self.extra.setdefault("queryset", Region.objects.all())
        return super().field

    def filter(self, queryset, value):
        if value in EMPTY_VALUES:
            return queryset
        if self.exact:
            return queryset.filter(**{self.field_name: value})
        path = self.field_name or "region"
        return queryset.filter(**{f"{path}__code__startswith": value.prefix})


class PickerFilterSetMixin:
    """A picker filter whose value names nothing shows its error in the filter panel
    and an empty list, not the unfiltered one."""

    def filter_queryset(self, queryset):
        if any(isinstance(self.filters.get(name), PickerFilter) for name in self.form.errors):
            return queryset.none()
        return super().filter_queryset(queryset)


class TenantFilterSet(PickerFilterSetMixin, django_filters.FilterSet):
    """Base FilterSet of tenant-owned models: filter by any region inside the
    jurisdiction (everything under it, by prefix)."""

    region = RegionPickerFilter(label=_("Region"))


class RegionFilterSet(PickerFilterSetMixin, django_filters.FilterSet):
    level = django_filters.ChoiceFilter(choices=RegionLevel.choices, label=_("Level"))
    parent = RegionPickerFilter(field_name="parent", exact=True, label=_("Parent region"))
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
