"""The public roster search. Every value comes from the open internet: a value that
does not validate is dropped (its field shows why) and the rest still filter."""

from functools import lru_cache

import django_filters
from django import forms
from django.forms.utils import flatatt
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.filtersets import BaseFilterSet
from core.form_renderer import PublicForm
from core.validators import single_line
from publication import search
from publication.models import PublishedMediator

NAME_MAX = 50
COMMITTEE_MAX = 100
# Form classes of the public search by choices: one per live publication in use.
FORM_CLASSES_KEPT = 32
_FORM_CLASSES = {}


class QuickSelect(forms.Select):
    """A select that writes its options in Python: Django renders each option through
    a template, about 10 µs each, and the region choice of a city has hundreds, more
    than the rest of a search page costs. The option list is built once per set of
    choices; a request only marks its value selected."""

    def render(self, name, value, attrs=None, renderer=None):
        values = value if isinstance(value, (list, tuple)) else [value]
        html = self.selecting(_options(tuple(self.choices)), values)
        attrs = self.build_attrs(self.attrs, attrs)
        return mark_safe(f'<select name="{escape(name)}"{flatatt(attrs)}>{html}</select>')

    @staticmethod
    def selecting(html: str, values) -> str:
        """*html* (options, none selected) with the options of *values* selected."""
        for selected in values:
            option = f'<option value="{escape(selected if selected is not None else "")}">'
            html = html.replace(option, option[:-1] + " selected>", 1)
        return html


class SharedChoiceField(django_filters.fields.ChoiceField):
    """Choices shared with the copy each form instance makes, not deep-copied: they
    are not changed after the filter set builds them, and a city has hundreds."""

    def __deepcopy__(self, memo):
        return forms.Field.__deepcopy__(self, memo)


class SharedChoiceFilter(django_filters.ChoiceFilter):
    field_class = SharedChoiceField


class QuickTextInput(forms.TextInput):
    """A text input written in Python, as Django's template would write it (type,
    name, value, then the other attributes): a search fills this one in."""

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        value = self.format_value(value)
        shown = "" if value is None else f' value="{escape(value)}"'
        return mark_safe(
            f'<input type="{self.input_type}" name="{escape(name)}"{shown}{flatatt(attrs)}>'
        )


def with_value(html: str, name: str, value: str) -> str:
    """The input *name* of the search form as its widget writes it holding *value*,
    from *html*, the same input written empty (by QuickSelect, with its empty choice
    selected, or by QuickTextInput): a search fills the frame's inputs without a form.
    Labels are escaped, so " selected>" is only ever the mark of the selected option."""
    if html.startswith("<select"):
        return QuickSelect.selecting(html.replace(" selected>", ">", 1), [value])
    # QuickTextInput writes the value right after the name.
    return html.replace(
        f' name="{escape(name)}"', f' name="{escape(name)}" value="{escape(value)}"', 1
    )


@lru_cache(maxsize=32)
def _options(choices: tuple) -> str:
    """The options of *choices* (hashed by their text, so a label translated into
    another language is another entry)."""
    return "".join(
        f'<option value="{escape(key)}">{escape(label)}</option>' for key, label in choices
    )


class PublicRosterFilterSet(BaseFilterSet):
    """Search of one publication's mediators. *regions* are the (code, label) choices
    of the regions present in the snapshot, *expertise* those of the expertise fields,
    *levels* the (rank, name) of the publishing bureau's levels (特级..三级 where it
    names them so); all come from the caller (cached per publication), so building the
    form runs no query."""

    region = SharedChoiceFilter(
        label=_("Region"), method="filter_region", empty_label=_("All regions")
    )
    committee = django_filters.CharFilter(
        label=_("Committee"),
        field_name="committee__name",
        lookup_expr="icontains",
        max_length=COMMITTEE_MAX,
    )
    expertise = SharedChoiceFilter(
        label=_("Expertise"), method="filter_expertise", empty_label=_("All fields")
    )
    level = SharedChoiceFilter(
        label=pgettext_lazy("mediator grade", "Level"),
        empty_label=_("All levels"),
    )
    name = django_filters.CharFilter(
        label=pgettext_lazy("person", "Name"), method="filter_name", max_length=NAME_MAX
    )

    class Meta:
        model = PublishedMediator
        fields = ["region", "committee", "expertise", "level", "name"]
        form = PublicForm

    def __init__(self, *args, publication, regions=(), expertise=(), levels=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.publication = publication
        self.filters["region"].extra["choices"] = list(regions)
        self.filters["expertise"].extra["choices"] = list(expertise)
        self.filters["level"].extra["choices"] = list(levels)
        for name in ("committee", "name"):
            self.filters[name].extra["widget"] = QuickTextInput(attrs={"type": "search"})
        for name in ("region", "expertise", "level"):
            self.filters[name].extra["widget"] = QuickSelect

    def get_form_class(self):
        """Built once per set of choices (a publication's) and kept: building it
        makes five fields and a class, which each search would otherwise repeat."""
        key = tuple(
            tuple(self.filters[name].extra["choices"]) for name in ("region", "expertise", "level")
        )
        form_class = _FORM_CLASSES.get(key)
        if form_class is None:
            if len(_FORM_CLASSES) >= FORM_CLASSES_KEPT:
                _FORM_CLASSES.clear()
            form_class = _FORM_CLASSES[key] = super().get_form_class()
        return form_class

    def filter_region(self, queryset, name, value):
        if not value:
            return queryset
        low, high = search.region_range(value)
        return queryset.filter(region_id__gte=low, region_id__lte=high)

    def filter_name(self, queryset, name, value):
        return search.filter_name(queryset, value, self.publication.pk) if value else queryset

    def filter_expertise(self, queryset, name, value):
        return queryset.filter(expertise__code=value) if value else queryset

    def normalised(self) -> tuple:
        """The valid, cleaned filter values in a fixed order: what the page depends
        on (unknown parameters and invalid values are left out)."""
        self.errors  # noqa: B018 - validates the form
        data = self.form.cleaned_data
        return tuple((name, data.get(name) or "") for name in self.Meta.fields)

    @classmethod
    def quick_normalised(cls, data, *, regions, expertise, levels) -> tuple | None:
        """What ``normalised()`` gives for *data* with these choices, when each value
        is plainly valid (a known choice, or a line of text within its length with no
        character any rule looks at); None for anything else, which the form then
        cleans, and shows the errors of. Building and cleaning the form cost more than
        the rest of a search."""
        choices = {"region": regions, "expertise": expertise, "level": levels}
        found = []
        for name in cls.Meta.fields:
            raw = data.get(name)
            if raw is None or raw == "":
                found.append((name, ""))
            elif name in choices:
                if all(str(key) != raw for key, _label in choices[name]):
                    return None
                found.append((name, raw))
            else:
                # The rules the form holds text to: stripped, then its length and
                # single_line's characters (none of which the raw value holds).
                value = raw.strip()
                if len(value) > cls.base_filters[name].extra["max_length"] or (
                    single_line.bad_character(raw)
                ):
                    return None
                found.append((name, value))
        return tuple(found)
