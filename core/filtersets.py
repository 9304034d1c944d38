import django_filters
from django.utils.translation import gettext_lazy as _
from django_filters.constants import EMPTY_VALUES
from drf_spectacular.drainage import set_override
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from core import inputs
from core.models import Bureau, Job, JobStatus, JudicialOffice, Policy, Region
from core.picker_fields import PickerField, RegionPickerField
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


class TenantFilterSet(PickerFilterSetMixin, BaseFilterSet):
    """Base FilterSet of tenant-owned models: filter by any region inside the
    jurisdiction (everything under it, by prefix)."""

    region = RegionPickerFilter(label=_("Region"))


class RegionFilterSet(PickerFilterSetMixin, BaseFilterSet):
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
