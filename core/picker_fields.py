"""Form fields that pick a committee, a mediator, a region or an office (core.pickers)
by what a clerk knows of it, never by a database id.

Without JavaScript the widget is a text box: the clerk types a name, a record code or
an option's label, and the field resolves it inside the jurisdiction (nothing found,
or several found, is a field error; the latter lists the candidates' labels to type).
static/js/pickers.js turns the box into a searchable Tom Select backed by the picker's
endpoint; it submits the chosen option's label, which the field resolves the same way.
Regions are a county → township → village cascade of selects instead.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from core import pickers
from core.models import Region
from core.regions import CODE_LENGTH, RegionLevel, ancestor_codes, normalize_code
from core.tenancy import active_prefix

# What joins several labels in one box (the multiple field's value).
MULTI_JOIN = "；"


def picker_url(kind: str, params: dict | None = None) -> str:
    url = reverse(f"core:pick_{kind}")
    return f"{url}?{urlencode(params)}" if params else url


class PickerInput(forms.TextInput):
    """The text box, marked up for pickers.js: the endpoint to search, whether it
    takes several values, and the names of fields whose values narrow the options
    (a committee's mediators)."""

    def __init__(self, kind, *, multiple=False, params=None, forward=(), attrs=None):
        self.kind, self.multiple, self.params, self.forward = kind, multiple, params, forward
        super().__init__(attrs)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        attrs = context["widget"]["attrs"]
        attrs.setdefault("class", "form-control")
        attrs.setdefault("autocomplete", "off")
        attrs.setdefault("placeholder", pickers.get(self.kind).placeholder)
        attrs["data-picker"] = picker_url(self.kind, self.params)
        if self.multiple:
            attrs["data-picker-multiple"] = MULTI_JOIN
        if self.forward:
            attrs["data-picker-forward"] = " ".join(self.forward)
        # What the script shows, in the page's language.
        attrs["data-text-empty"] = _("Nothing matches in your jurisdiction.")
        attrs["data-text-loading"] = _("Searching…")
        attrs["data-text-clear"] = _("Clear")
        return context


def forward_specs(forward) -> list[tuple[str, str]]:
    """("committee", "received_on:on") → [("committee", "committee"), ("received_on",
    "on")]: the form field, and the endpoint parameter its value is sent as."""
    return [tuple(spec.split(":", 1)) if ":" in spec else (spec, spec) for spec in forward]


class PickerMixin:
    kind = ""
    forward = ()
    accept_ids = False
    # Rows tried first (those the forwarded fields narrow to, as the script's options
    # are); a name found nowhere among them is looked for in the whole scope.
    preferred = None

    @property
    def picker(self):
        return pickers.get(self.kind)

    def _scope(self):
        # Built per form inside the request: the scoped default manager's rows.
        return self.queryset if self.queryset is not None else self.picker.queryset()

    def __deepcopy__(self, memo):
        result = super().__deepcopy__(memo)
        result._shown = {}
        return result

    def _label_for(self, value, make):
        """The label shown for a stored *value*, made once per form: the page renders
        it inside the request, and what reads the form later (tests, a re-render)
        gets the same text without a query."""
        shown = self.__dict__.setdefault("_shown", {})
        key = repr(value)
        if key not in shown:
            shown[key] = make()
        return shown[key]

    def _resolve(self, text: str):
        scope = self._scope()
        try:
            if self.preferred is not None:
                try:
                    return self.picker.resolve(text, self.preferred)
                except ValidationError as exc:
                    if exc.code != "invalid_choice":
                        raise
            return self.picker.resolve(text, scope)
        except ValidationError:
            if self.accept_ids and text.strip().isdigit():
                obj = scope.filter(pk=int(text)).first()
                if obj is not None:
                    return obj
            raise


def prefer_forwarded(form):
    """Resolve *form*'s pickers first among the rows their forwarded fields narrow to
    (a committee's mediators), as the script's options are: a name shared across the
    jurisdiction is then one person."""
    if not form.is_bound:
        return
    for field in form.fields.values():
        if isinstance(field, PickerMixin) and field.forward:
            params = {
                param: form.data.get(form.add_prefix(name)) or ""
                for name, param in forward_specs(field.forward)
            }
            field.preferred = field.picker.narrow(field._scope(), params)


class PickerField(PickerMixin, forms.ModelChoiceField):
    """One object of a picker's kind, resolved from the submitted text inside
    *queryset* (default: the picker's scoped queryset)."""

    def __init__(self, kind, *, queryset=None, params=None, forward=(), widget=None, **kwargs):
        self.kind, self.forward = kind, forward
        self.accept_ids = kwargs.pop("accept_ids", False)
        widget = widget or PickerInput(kind, params=params, forward=forward)
        kwargs.setdefault("empty_label", None)
        super().__init__(queryset=queryset, widget=widget, **kwargs)

    def prepare_value(self, value):
        """The text the box shows: an object's label, or what was typed."""
        if value in self.empty_values:
            return ""
        if isinstance(value, str):
            return value

        def label():
            obj = value if hasattr(value, "_meta") else self._scope().filter(pk=value).first()
            return self.picker.label_of(obj) if obj is not None else ""

        return self._label_for(getattr(value, "pk", value), label)

    def to_python(self, value):
        if value in self.empty_values or (isinstance(value, str) and not value.strip()):
            return None
        scope = self._scope()
        if isinstance(value, scope.model):
            value = value.pk  # still looked up: it must be inside the scope
        if not isinstance(value, str):  # a stored key, given as a form's initial value
            obj = scope.filter(pk=value).first()
            if obj is None:
                raise ValidationError(self.picker.not_found, code="invalid_choice")
            return obj
        return self._resolve(value)

    def validate(self, value):
        forms.Field.validate(self, value)

    def has_changed(self, initial, data):
        if self.disabled:
            return False
        return str(self.prepare_value(initial)) != str(data or "")


class PickerMultipleField(PickerMixin, forms.ModelMultipleChoiceField):
    """Several objects of one kind, typed one a line or separated by ；、; (the
    script submits the chosen labels joined by ；)."""

    def __init__(self, kind, *, queryset=None, params=None, forward=(), **kwargs):
        self.kind, self.forward = kind, forward
        widget = PickerInput(kind, multiple=True, params=params, forward=forward)
        super().__init__(queryset=queryset, widget=widget, **kwargs)

    def prepare_value(self, value):
        if value in self.empty_values:
            return ""
        if isinstance(value, str):
            return value
        keys = tuple(getattr(v, "pk", v) for v in value)

        def labels():
            rows = list(self.picker.with_labels(self._scope().filter(pk__in=keys)))
            return MULTI_JOIN.join(self.picker.labels(rows))

        return self._label_for(keys, labels)

    def clean(self, value):
        if isinstance(value, (list, tuple)):
            value = MULTI_JOIN.join(str(v) for v in value)
        texts = pickers.split_values(value)
        if not texts:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        found, errors = {}, []
        for text in texts:
            try:
                obj = self._resolve(text)
            except ValidationError as exc:
                errors += [
                    ValidationError(
                        _("“%(value)s”: %(error)s"),
                        code=exc.code,
                        params={"value": text, "error": message},
                    )
                    for message in exc.messages
                ]
            else:
                found[obj.pk] = obj
        if errors:
            raise ValidationError(errors)
        objects = list(found.values())
        self.run_validators(objects)
        return objects

    def has_changed(self, initial, data):
        if self.disabled:
            return False
        return str(self.prepare_value(initial or [])) != str(data or "")


# --- Regions: a cascade of selects ------------------------------------------------------

# From the top of the tree down; a cascade shows the levels a field takes that lie at
# or below the user's own region.
DEPTH = {level: depth for depth, level in enumerate(RegionLevel.values)}
DEFAULT_LEVELS = (RegionLevel.COUNTY, RegionLevel.TOWNSHIP, RegionLevel.VILLAGE)


class RegionCascade(forms.Widget):
    """County → township → village selects, starting at the first level inside the
    user's jurisdiction (a clerk's starts at their township), plus a text box for a
    region's name. Without JavaScript the server fills each select whose level above
    is chosen (the user's own region is chosen from the start), and a name typed in
    the box reaches any level; with JavaScript (pickers.js) choosing a level loads the
    next one from the endpoint, and the box hides while empty.

    The submitted value is the box's text if any, else the code of the deepest region
    chosen (select option values: never shown)."""

    template_name = "core/widgets/region_cascade.html"

    def __init__(self, levels=DEFAULT_LEVELS, attrs=None):
        self.levels = tuple(levels)
        super().__init__(attrs)

    def _level_names(self, name):
        return [f"{name}-{level}" for level in self.levels]

    def value_from_datadict(self, data, files, name):
        typed = data.get(name)
        if typed:
            return typed
        for key in reversed(self._level_names(name)):
            if data.get(key):
                return data[key]
        return None

    def value_omitted_from_data(self, data, files, name):
        return all(key not in data for key in [name, *self._level_names(name)])

    def id_for_label(self, id_):
        return f"{id_}-0" if id_ else id_

    def get_context(self, name, value, attrs):
        """The selects' options in at most three queries, however deep the tree."""
        context = super().get_context(name, value, attrs)
        chosen_code = _code_of(value)
        root_code = _root_code()
        path_codes = [chosen_code, *ancestor_codes(chosen_code)] if chosen_code else []
        wanted = {code for code in (root_code, *path_codes) if code}
        known = {r.code: r for r in Region.objects.filter(code__in=wanted)} if wanted else {}
        root = known.get(root_code)
        path = [known[code] for code in path_codes if code in known]
        levels = [
            level for level in self.levels if root is None or DEPTH[level] >= DEPTH[root.level]
        ]
        selected = {region.level: region for region in path}
        if levels and levels[0] not in selected and root is not None and root.level == levels[0]:
            selected[levels[0]] = root  # the user's own region, the only choice there is
        children = _children_of([selected[level] for level in levels[:-1] if level in selected])
        selects, above = [], None
        for index, level in enumerate(levels):
            if index == 0:
                if root is not None and root.level == level:
                    options = [root]
                else:
                    options = list(Region.objects.filter(level=level).order_by("code"))
            else:
                options = children.get(above.code, []) if above is not None else []
            chosen = selected.get(level)
            selects.append(
                {
                    "name": f"{name}-{level}",
                    "id": f"{context['widget']['attrs'].get('id', name)}-{index}",
                    "label": RegionLevel(level).label,
                    "options": options,
                    "selected": chosen.code if chosen else "",
                    "loaded": index == 0 or above is not None,
                }
            )
            above = chosen
        typed = value if isinstance(value, str) and value and not path else ""
        attrs = context["widget"]["attrs"]
        context["widget"].update(
            selects=selects,
            typed=typed,
            # What the bound field sets on a single input (help and error ids, the
            # invalid mark), set on each control of the cascade instead.
            describedby=attrs.get("aria-describedby", ""),
            invalid=attrs.get("aria-invalid") == "true"
            or "is-invalid" in attrs.get("class", "").split(),
            url=picker_url("region"),
            text_label=_("Or type the region's name"),
        )
        return context


def _code_of(value) -> str | None:
    """The division code *value* names: a region, a code (a select's value, a link's
    parameter), or a name typed in the box, resolved quietly (its error is the
    field's to show)."""
    if not value:
        return None
    if isinstance(value, Region):
        return value.code
    try:
        return normalize_code(str(value))
    except ValidationError:
        pass
    try:
        return pickers.get("region").resolve(value).code
    except ValidationError:
        return None


def _root_code() -> str | None:
    prefix = active_prefix()
    return prefix.ljust(CODE_LENGTH, "0") if prefix else None


def _children_of(parents) -> dict[str, list]:
    """The children of each of *parents*, by parent code (one query)."""
    children = {}
    if parents:
        rows = Region.objects.filter(parent__in=parents).order_by("code")
        for region in rows:
            children.setdefault(region.parent_id, []).append(region)
    return children


class RegionPickerField(PickerField):
    """A region of the given levels inside the jurisdiction, from the cascade (or its
    name, or its division code through the API)."""

    def __init__(self, kind="region", *, levels=DEFAULT_LEVELS, queryset=None, **kwargs):
        if queryset is None:
            queryset = Region.objects.filter(level__in=levels)
        super().__init__("region", queryset=queryset, widget=RegionCascade(levels), **kwargs)

    def prepare_value(self, value):
        # The cascade takes codes (its options' values) and typed names as they are.
        return value.code if isinstance(value, Region) else (value or "")
