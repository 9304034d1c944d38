"""The public roster search. Every value comes from the open internet: a value that
does not validate is dropped (its field shows why) and the rest still filter."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.filtersets import BaseFilterSet
from core.form_renderer import PublicForm
from publication.models import PublishedMediator
from registry.models import Level

NAME_MAX = 50
COMMITTEE_MAX = 100


class PublicRosterFilterSet(BaseFilterSet):
    """Search of one publication's mediators. *regions* are the (code, label) choices
    of the regions present in the snapshot, *expertise* those of the expertise fields;
    both come from the caller (cached per publication), so building the form runs no
    query."""

    region = django_filters.ChoiceFilter(
        label=_("Region"), method="filter_region", empty_label=_("All regions")
    )
    committee = django_filters.CharFilter(
        label=_("Committee"),
        field_name="committee__name",
        lookup_expr="icontains",
        max_length=COMMITTEE_MAX,
    )
    expertise = django_filters.ChoiceFilter(
        label=_("Expertise"), method="filter_expertise", empty_label=_("All fields")
    )
    level = django_filters.ChoiceFilter(
        label=pgettext_lazy("mediator grade", "Level"),
        choices=Level.choices,
        empty_label=_("All levels"),
    )
    name = django_filters.CharFilter(
        label=pgettext_lazy("person", "Name"),
        lookup_expr="icontains",
        max_length=NAME_MAX,
    )

    class Meta:
        model = PublishedMediator
        fields = ["region", "committee", "expertise", "level", "name"]
        form = PublicForm

    def __init__(self, *args, regions=(), expertise=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["region"].extra["choices"] = list(regions)
        self.filters["expertise"].extra["choices"] = list(expertise)
        for name in ("committee", "name"):
            self.filters[name].extra["widget"] = forms.TextInput(attrs={"type": "search"})

    def filter_region(self, queryset, name, value):
        return queryset.filter(region__code__startswith=_prefix(value)) if value else queryset

    def filter_expertise(self, queryset, name, value):
        return queryset.filter(expertise__code=value) if value else queryset

    def normalised(self) -> tuple:
        """The valid, cleaned filter values in a fixed order: what the page depends
        on (unknown parameters and invalid values are left out)."""
        self.errors  # noqa: B018 - validates the form
        data = self.form.cleaned_data
        return tuple((name, data.get(name) or "") for name in self.Meta.fields)


def _prefix(code: str) -> str:
    from core.regions import prefix_of

    return prefix_of(code)
