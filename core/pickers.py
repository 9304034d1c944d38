"""Pickers: how staff choose a committee, a mediator or a region by what they know of
it (a name, a record code, the label the picker showed them), never by a database id.

Each pickable model registers a ``Picker`` (core registers regions and judicial
offices; the registry its committees and mediators, from its apps.py, as dashboard
counters do). A picker says how to search its scoped queryset, how to label an
option so a clerk can tell two 张伟 apart, and how to resolve what was typed. The
JSON endpoint (core.picker_views) lists options for the JavaScript; the form fields
and filters (core.picker_fields, core.filtersets) resolve the submitted text with the
same picker, inside the active jurisdiction.

The submitted value is the option's label (or whatever the clerk typed): a form that
re-renders with errors shows it as it was, with or without JavaScript.
"""

import re
from collections import Counter

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from core import validators
from core.models import JudicialOffice, Region
from core.regions import normalize_code

# Between the parts of a label: "张伟 · 塔山街道人民调解委员会".
SEPARATOR = " · "
# What separates several values typed into one box (assisting mediators).
MULTI_SEPARATORS = re.compile(r"[\n\r;；、,，]+")
DEFAULT_LIMIT = 20
MAX_LIMIT = 50
# Longer than any label a picker offers (name · committee · region): refused unsearched.
LONGEST_TEXT = 300
# Candidates an ambiguity error lists; more are summed up.
LISTED_CANDIDATES = 8


class Picker:
    """How one model is picked. Subclasses set ``kind`` (the endpoint's path segment)
    and ``model`` and override what differs; every query goes through ``queryset()``,
    the model's scoped default manager, so nothing outside the jurisdiction is offered
    or accepted."""

    kind = ""
    model = None
    not_found = _("Nothing by that name in your jurisdiction.")
    ambiguous = _("Several match: %(candidates)s. Type one of them exactly as shown.")
    placeholder = _("Type a name to search")
    ordering: tuple[str, ...] = ("name",)
    # The field a label starts with, resolved exactly or by a part of it.
    name_field = "name"
    # Query parameters of the endpoint that narrow the options (e.g. a mediator list
    # narrowed to the committee chosen beside it); read by ``narrow``.
    forwards: tuple[str, ...] = ()

    def queryset(self) -> QuerySet:
        return self.model.objects.all()

    def with_labels(self, queryset: QuerySet) -> QuerySet:
        """*queryset* with what ``label`` and ``detail`` read, fetched in a constant
        number of queries."""
        return queryset

    def label(self, obj) -> str:
        return obj.name

    def detail(self, obj) -> str:
        """What tells apart two objects that share a label (appended to it); never a
        database id."""
        return ""

    def keyed(self, queryset: QuerySet, text: str) -> QuerySet | None:
        """The rows *text* names exactly as a key (a record code, a division code), or
        None when *text* cannot be one."""
        return None

    def search(self, queryset: QuerySet, text: str) -> QuerySet:
        """Rows whose name contains *text* (and, per kind, whose code starts with it)."""
        return queryset.filter(name__contains=text)

    def narrow(self, queryset: QuerySet, params) -> QuerySet:
        return queryset

    def limit(self, params, asked: int) -> int:
        """How many options the endpoint answers with, *asked* by the script."""
        return asked

    # --- Options for the endpoint ----------------------------------------------------

    def options(self, text: str = "", params=None, limit: int = DEFAULT_LIMIT) -> list[dict]:
        queryset = self.narrow(self.queryset(), params or {})
        text = normalize(text)
        if _unsearchable(text):
            return []
        if text:
            queryset = self.search(queryset, text)
        limit = self.limit(params or {}, limit)
        rows = list(self.with_labels(queryset.order_by(*self.ordering))[:limit])
        return [self.option(obj, label) for obj, label in zip(rows, self.labels(rows), strict=True)]

    def option(self, obj, label: str) -> dict:
        return {"value": label, "label": label}

    def labels(self, rows) -> list[str]:
        """Each row's label, with its detail appended where two rows share one."""
        base = [self.label(obj) for obj in rows]
        shared = {label for label, n in Counter(base).items() if n > 1}
        return [
            self.full_label(obj) if label in shared else label
            for obj, label in zip(rows, base, strict=True)
        ]

    def full_label(self, obj) -> str:
        detail = self.detail(obj)
        return f"{self.label(obj)}{SEPARATOR}{detail}" if detail else self.label(obj)

    def label_of(self, obj) -> str:
        """The label of one object, as its picker shows it (for a form's value)."""
        return self.label(self.with_labels(self.model._default_manager.filter(pk=obj.pk)).get())

    # --- Resolving what was typed -----------------------------------------------------

    def resolve(self, text, queryset: QuerySet | None = None):
        """The one object *text* names inside *queryset* (default: the scoped
        queryset): by key, by its label (with or without its detail), by its exact name,
        else by a unique name containing it. Raises ValidationError when nothing or
        several match; the latter lists the candidates' labels."""
        queryset = self.queryset() if queryset is None else queryset
        text = normalize(text)
        if not text:
            raise ValidationError(self.not_found, code="invalid_choice")
        validators.single_line(text)  # before any query: see _unsearchable
        if len(text) > LONGEST_TEXT:
            # No label is this long, and SQLite refuses a LIKE pattern of a hostile
            # length with an error rather than no match.
            raise ValidationError(self.not_found, code="invalid_choice")
        keyed = self.keyed(queryset, text)
        if keyed is not None:
            found = list(keyed[:2])
            if len(found) == 1:
                return found[0]
        # The name is the label's first part; a name may hold a "·" of its own
        # (阿依古丽·买买提), so every prefix up to a "·" is a candidate name.
        parts = text.split("·")
        names = {"·".join(parts[:end]).strip() for end in range(1, len(parts) + 1)}
        named = queryset.filter(**{f"{self.name_field}__in": names})
        named = list(self.with_labels(named)[: MAX_LIMIT + 1])
        wanted = _squash(text)
        matches = [obj for obj in named if _squash(getattr(obj, self.name_field)) == wanted] or [
            obj
            for obj in named
            if wanted in (_squash(self.label(obj)), _squash(self.full_label(obj)))
        ]
        if not matches and "·" not in text:
            matches = list(self.with_labels(self.search(queryset, text))[: MAX_LIMIT + 1])
        if len(matches) == 1:
            return matches[0]
        if not matches:
            raise ValidationError(self.not_found, code="invalid_choice")
        raise ValidationError(
            self.ambiguous, code="ambiguous", params={"candidates": self.listing(matches)}
        )

    def listing(self, matches) -> str:
        labels = self.labels(matches[:LISTED_CANDIDATES])
        listed = "；".join(f"“{label}”" for label in labels)
        extra = len(matches) - LISTED_CANDIDATES
        if extra > 0:
            more = _("and more") if len(matches) > MAX_LIMIT else _("and %(n)d more") % {"n": extra}
            listed = f"{listed} {more}"
        return listed


def normalize(text) -> str:
    """Text as typed, with runs of white space (a full-width space too) made one."""
    return " ".join(str(text or "").replace("\u3000", " ").split())


def _unsearchable(text: str) -> bool:
    """Text no name holds (control characters, lone surrogates): it must not reach a
    query, as PostgreSQL refuses a NUL in a parameter outright."""
    try:
        validators.single_line(text)
    except ValidationError:
        return True
    return False


def _squash(text: str) -> str:
    # "张伟·塔山…" and "张伟 · 塔山…" name the same option.
    return "".join(text.split())


def split_values(text) -> list[str]:
    """Several values typed into one box, one a line or separated by ；、，;,."""
    return [v for v in (normalize(part) for part in MULTI_SEPARATORS.split(str(text or ""))) if v]


PICKERS: dict[str, Picker] = {}


def register(picker: Picker) -> Picker:
    PICKERS[picker.kind] = picker
    return picker


def get(kind: str) -> Picker:
    return PICKERS[kind]


def name_or_code(queryset: QuerySet, text: str, code_field: str = "code") -> QuerySet:
    """Name contains *text*, or the code starts with it (searches by record code)."""
    return queryset.filter(Q(name__contains=text) | Q(**{f"{code_field}__istartswith": text}))


# --- The pickers of core's own models -------------------------------------------------


class RegionPicker(Picker):
    """Regions of the jurisdiction: by name, or by division code. The cascade widget
    asks for the children of a region (``?parent=<code>``)."""

    kind = "region"
    not_found = _("No region by that name or code in your jurisdiction.")
    ordering = ("code",)
    forwards = ("parent",)
    # A township has at most a few hundred villages: the cascade lists them all.
    children_limit = 500

    model = Region

    def with_labels(self, queryset):
        return queryset.select_related("parent__parent")

    def label(self, region):
        return f"{region.name}{SEPARATOR}{region.parent.name}" if region.parent else region.name

    def detail(self, region):
        grandparent = region.parent.parent if region.parent else None
        return grandparent.name if grandparent else region.code

    def keyed(self, queryset, text):
        if not text.isdigit():
            return None
        try:
            return queryset.filter(code=normalize_code(text))
        except ValidationError:
            return queryset.none()

    def search(self, queryset, text):
        keyed = self.keyed(queryset, text)
        return keyed if keyed is not None else queryset.filter(name__contains=text)

    def narrow(self, queryset, params):
        parent = params.get("parent")
        if parent:
            keyed = self.keyed(queryset.model.objects.all(), str(parent))
            queryset = queryset.filter(parent__in=keyed) if keyed is not None else queryset.none()
        return queryset

    def limit(self, params, asked):
        return self.children_limit if params.get("parent") else asked

    def option(self, region, label):
        return {"value": label, "label": label, "code": region.code, "name": region.name}


class OfficePicker(Picker):
    """Judicial offices of the jurisdiction (a city has a hundred or more)."""

    kind = "office"
    not_found = _("No judicial office by that name in your jurisdiction.")
    ordering = ("region_id",)

    model = JudicialOffice

    def with_labels(self, queryset):
        return queryset.select_related("bureau")

    def label(self, office):
        return f"{office.name}{SEPARATOR}{office.bureau.name}"

    def detail(self, office):
        return office.region_id
