"""Readable change history: audit entries as a clerk would write them.

One renderer for the record pages (``templates/core/_history.html``) and the API's
``/history/`` action. An entry reads "2026-11-23 14:05:09 · 王芳（越城区司法局 · 区县司法局
工作人员）· 修改 · 状态：已受理 → 调解中":

- field names are the model fields' verbose names, values their display labels
  (choices, 是/否, dates, money, many-to-many names);
- related objects (stored as primary keys) are named and linked when they are inside
  the viewer's jurisdiction, and never named when they are not; a page of entries
  looks them up with a fixed number of queries, whatever its length;
- personal numbers never show, even from an entry written before masking: the
  field's class and its keyed-hash sibling decide, not the stored value;
- internal fields (the auto primary key and what the model's audit registration
  excludes: timestamps, hash columns, see core.apps) are left out.

A model may declare ``money_fields`` (names of DecimalFields in yuan) to show them as
¥1,234.50; ``history_displays`` (field name → function of the stored value and the
audit entry) for values only the model knows how to say, such as a JSON list of
criterion codes; and ``history_summary`` (function of the audit entry) for a line that
names the record, for records listed on another record's page (a bureau's rules).
"""

import datetime
import json
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from core.models import RoleKind
from core.personal import (
    BANK_ACCOUNT_RE,
    LANDLINE_RE,
    MOBILE_RE,
    PERSONAL_NUMBER_LABELS,
    EncryptedCharField,
    mask_for_audit,
    normalize_bank_account,
    normalize_id_number,
    normalize_phone,
)

TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
PAGE_SIZE = 20
PAGE_PARAM = "history_page"
TEXT_LIMIT = 200
ACTIONS = {
    LogEntry.Action.CREATE: "create",
    LogEntry.Action.UPDATE: "update",
    LogEntry.Action.DELETE: "delete",
    LogEntry.Action.ACCESS: "access",
}
EMPTY = (None, "", "None", [], {})


def _action_display(action: str) -> str:
    return {
        "create": pgettext("audit action", "Created"),
        "update": pgettext("audit action", "Changed"),
        "delete": pgettext("audit action", "Deleted"),
        "access": pgettext("audit action", "Viewed in full"),
    }.get(action, action)


@dataclass
class Change:
    """One field of one entry: its name and label, the recorded values (personal
    numbers masked) and how a clerk reads them. ``operation`` is "add" or "remove"
    for a many-to-many change, else empty."""

    field: str
    label: str
    old: Any
    new: Any
    old_display: str
    new_display: str
    old_url: str = ""
    new_url: str = ""
    operation: str = ""


@dataclass
class Entry:
    id: int
    timestamp: datetime.datetime  # local time (settings.TIME_ZONE)
    action: str
    action_display: str
    actor: str | None  # username
    actor_name: str
    role: dict | None
    role_display: str
    summary: str = ""
    changes: list[Change] = field(default_factory=list)

    @property
    def time(self) -> str:
        return self.timestamp.strftime(TIME_FORMAT)


def entries_for(obj):
    """The audit entries of *obj*, newest first."""
    return (
        LogEntry.objects.get_for_object(obj).select_related("actor").order_by("-timestamp", "-pk")
    )


def page(request, entries, *, per_page=PAGE_SIZE):
    """One page (``?history_page=``) of *entries*, rendered, for a record page."""
    result = Paginator(entries, per_page).get_page(request.GET.get(PAGE_PARAM))
    result.object_list = render(result.object_list)
    return result


def context(request, obj, entries=None) -> dict:
    """What ``core/_history.html`` needs: *obj*'s entries, or the *entries* given (a
    record whose story spans several rows, such as a user and their roles)."""
    if entries is None and obj is not None and obj.pk:
        entries = entries_for(obj)
    return {
        "history": page(request, entries) if entries is not None else [],
        "history_param": PAGE_PARAM,
        "history_open": PAGE_PARAM in request.GET,
    }


def render(entries) -> list[Entry]:
    """Readable entries for *entries* (LogEntry rows with their actor selected).
    Related objects are looked up in bulk, inside the active jurisdiction."""
    entries = list(entries)
    related = _Related()
    plans = [_Plan(entry) for entry in entries]
    for plan in plans:
        plan.want(related)
    related.fetch()
    return [plan.build(related) for plan in plans]


def person_name(user) -> str:
    if user is None:
        return _("system")
    return user.get_full_name() or user.get_username()


def _kind_label(kind) -> str:
    try:
        return str(RoleKind(kind).label)
    except ValueError:
        return kind or ""


def role_display(role: dict | None) -> str:
    """A recorded role (core.audit.role_data) as the top bar shows one: unit · kind."""
    if not role:
        return ""
    return " · ".join(part for part in (role.get("unit"), _kind_label(role.get("kind"))) if part)


# --- fields -----------------------------------------------------------------------


def _model_of(entry):
    return ContentType.objects.get_for_id(entry.content_type_id).model_class()


def _field(model, name):
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _registration(model) -> dict:
    if model is None or not auditlog.contains(model):
        return {"exclude_fields": [], "mask_fields": [], "mapping_fields": {}}
    return auditlog.get_model_fields(model)


def _hidden(model, name, model_field) -> bool:
    if name in _registration(model)["exclude_fields"]:
        return True
    if model_field is not None and getattr(model_field, "primary_key", False):
        return model_field.auto_created or isinstance(model_field, models.AutoField)
    return name.endswith(("_digest", "_hash"))


def _personal(model, name, model_field) -> bool:
    """Whether the field holds a personal number: by its class, its audit mask or its
    keyed-hash sibling, so an old entry's clear value is caught too."""
    if isinstance(model_field, EncryptedCharField):
        return True
    if name in _registration(model)["mask_fields"]:
        return True
    names = {f.name for f in model._meta.get_fields()} if model is not None else set()
    return f"{name}_digest" in names or f"{name}_hash" in names


def _looks_personal(value) -> bool:
    """For a field the model no longer has: mask anything shaped like an ID card,
    phone or bank account number rather than guess it is harmless."""
    text = str(value)
    id_like = normalize_id_number(text)
    return bool(
        (len(id_like) == 18 and id_like[:17].isdigit())
        or MOBILE_RE.match(normalize_phone(text))
        or LANDLINE_RE.match(normalize_phone(text))
        or BANK_ACCOUNT_RE.match(normalize_bank_account(text))
    )


def _label(model, name, model_field) -> str:
    mapped = _registration(model)["mapping_fields"].get(name)
    if mapped:
        return str(mapped)
    if model_field is not None and getattr(model_field, "verbose_name", None):
        return str(model_field.verbose_name)
    return name


def _is_fk(model_field) -> bool:
    return model_field is not None and (model_field.many_to_one or model_field.one_to_one)


# --- related objects ----------------------------------------------------------------

FOREIGN = object()
GONE = object()


class _Related:
    """Related objects named by a page of entries: one query per related model for
    those visible in the jurisdiction, one more for the rest (deleted or foreign)."""

    def __init__(self):
        self.wanted = defaultdict(set)
        self.found = {}

    @staticmethod
    def key(model_field, value):
        if value in EMPTY:
            return None
        try:
            return model_field.related_model._meta.pk.to_python(value)
        except (ValidationError, TypeError, ValueError):
            return None

    def want(self, model_field, value):
        pk = self.key(model_field, value)
        if pk is not None:
            self.wanted[model_field.related_model].add(pk)

    def fetch(self):
        for model, pks in self.wanted.items():
            # The default manager is the jurisdiction's view. Its forward relations come
            # along, as a __str__ may name them (a term names its committee).
            forward = [f.name for f in model._meta.fields if f.many_to_one or f.one_to_one]
            rows = model._default_manager.filter(pk__in=pks).select_related(*forward)
            visible = {row.pk: row for row in rows}
            missing = pks - visible.keys()
            existing = (
                set(model._base_manager.filter(pk__in=missing).values_list("pk", flat=True))
                if missing
                else set()
            )
            for pk in pks:
                self.found[model, pk] = visible.get(pk) or (FOREIGN if pk in existing else GONE)

    def show(self, model_field, value) -> tuple[str, str]:
        pk = self.key(model_field, value)
        if pk is None:
            return ("—", "") if value in EMPTY else (str(value), "")
        found = self.found.get((model_field.related_model, pk), GONE)
        if found is FOREIGN:
            return _("(no longer in your jurisdiction)"), ""
        if found is GONE:
            return _("(deleted)"), ""
        if isinstance(found, AbstractBaseUser):
            return person_name(found), ""
        url = found.get_absolute_url() if hasattr(found, "get_absolute_url") else ""
        return str(found), url


# --- values -------------------------------------------------------------------------


def _names(value) -> str:
    if isinstance(value, list | tuple):
        return "、".join(str(v) for v in value) or "—"
    return "—" if value in EMPTY else str(value)


def _display(model, model_field, value, entry=None) -> str:
    """A stored value as its display label (related objects aside)."""
    if value in EMPTY:
        return "—"
    if model_field is None:
        return _names(value)
    shown = getattr(model, "history_displays", {}).get(model_field.name)
    if shown is not None:
        return str(shown(value, entry))
    choices = getattr(model_field, "flatchoices", None)
    if choices:
        labels = {str(k): v for k, v in choices}
        return str(labels.get(str(value), value))
    if isinstance(model_field, models.BooleanField):
        if value in (True, "True", "true", 1):
            return _("Yes")
        if value in (False, "False", "false", 0):
            return _("No")
    if isinstance(model_field, models.DateTimeField):
        moment = value if isinstance(value, datetime.datetime) else parse_datetime(str(value))
        if moment is not None:
            if timezone.is_naive(moment):
                # auditlog stores datetimes as naive UTC.
                moment = timezone.make_aware(moment, datetime.UTC)
            return timezone.localtime(moment).strftime(TIME_FORMAT)
    elif isinstance(model_field, models.DateField):
        day = value if isinstance(value, datetime.date) else parse_date(str(value)[:10])
        if day is not None:
            return day.strftime("%Y-%m-%d")
    if isinstance(model_field, models.DecimalField):
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            return str(value)
        if model_field.name in getattr(model, "money_fields", ()):
            return f"¥{number:,.2f}"
        return str(number)
    if isinstance(model_field, models.JSONField) and isinstance(value, dict):
        return Truncator(json.dumps(value, ensure_ascii=False)).chars(TEXT_LIMIT)
    if isinstance(value, list | tuple):
        return _names(value)
    return Truncator(str(value)).chars(TEXT_LIMIT)


# --- entries ------------------------------------------------------------------------


class _Plan:
    """One entry between the two passes of ``render``: first it names the related
    objects it needs, then it builds its readable form from them."""

    def __init__(self, entry):
        self.entry = entry
        self.model = _model_of(entry)
        self.action = ACTIONS.get(entry.action, str(entry.action))
        raw = entry.changes_dict if isinstance(entry.changes_dict, dict) else {}
        self.raw = raw if self.action != "access" else {}
        self.fields = []
        for name, values in self.raw.items():
            model_field = _field(self.model, name)
            if not _hidden(self.model, name, model_field):
                self.fields.append((name, model_field, values))

    def want(self, related):
        for _name, model_field, values in self.fields:
            if _is_fk(model_field) and isinstance(values, list | tuple) and len(values) == 2:
                related.want(model_field, values[0])
                related.want(model_field, values[1])

    def build(self, related) -> Entry:
        entry = self.entry
        role = (entry.additional_data or {}).get("role") if entry.actor_id else None
        result = Entry(
            id=entry.pk,
            timestamp=timezone.localtime(entry.timestamp),
            action=self.action,
            action_display=_action_display(self.action),
            actor=entry.actor.get_username() if entry.actor_id else None,
            actor_name=person_name(entry.actor if entry.actor_id else None),
            role=_role_out(role),
            role_display=role_display(role),
        )
        if self.action == "access":
            result.summary = self._access_summary()
            return result
        summary = getattr(self.model, "history_summary", None)
        if summary is not None:
            result.summary = summary(entry)
        if self.action == "delete":
            # The entry holds the deleted record's last values; its name says which.
            result.summary = entry.object_repr
            return result
        for name, model_field, values in self.fields:
            change = self._change(name, model_field, values, related)
            if change is not None:
                result.changes.append(change)
        return result

    def _access_summary(self) -> str:
        changes = self.entry.changes_dict or {}
        revealed = changes.get("revealed") or []
        if changes.get("registration_refused"):
            # Someone tried to register this person again (registry's duplicate check).
            fields = "、".join(
                _label(self.model, n, _field(self.model, n))
                for n in changes["registration_refused"]
            )
            return _("Refused a registration with the same %(fields)s") % {"fields": fields}
        if changes.get("downloaded"):
            # A job's file (core.jobs.audit_download), naming the numbers it shows.
            files = "、".join(str(name) for name in changes["downloaded"])
            if not revealed:
                return _("Downloaded %(files)s") % {"files": files}
            fields = "、".join(str(PERSONAL_NUMBER_LABELS.get(n, n)) for n in revealed)
            return _("Downloaded %(files)s, showing %(fields)s in full") % {
                "files": files,
                "fields": fields,
            }
        fields = "、".join(_label(self.model, n, _field(self.model, n)) for n in revealed)
        if changes.get("via") == "export":
            return _("Viewed %(fields)s in full in an export") % {"fields": fields}
        return _("Viewed %(fields)s in full") % {"fields": fields}

    def _change(self, name, model_field, values, related) -> Change | None:
        label = _label(self.model, name, model_field)
        if isinstance(values, dict) and values.get("type") == "m2m":
            names = values.get("objects") or []
            added = values.get("operation") == "add"
            return Change(
                field=name,
                label=label,
                old=None if added else names,
                new=names if added else None,
                old_display="" if added else _names(names),
                new_display=_names(names) if added else "",
                operation="add" if added else "remove",
            )
        if not isinstance(values, list | tuple) or len(values) != 2:
            return None
        old, new = values
        if self.action == "create" and not new:
            return None  # a new record lists what was filled in
        if old in EMPTY and new in EMPTY:
            return None
        if (model_field is not None and _personal(self.model, name, model_field)) or (
            model_field is None and (_looks_personal(old) or _looks_personal(new))
        ):
            old, new = mask_for_audit(old), mask_for_audit(new)
            shown = (old or "—", "", new or "—", "")
        elif _is_fk(model_field):
            shown = (*related.show(model_field, old), *related.show(model_field, new))
        else:
            shown = (
                _display(self.model, model_field, old, self.entry),
                "",
                _display(self.model, model_field, new, self.entry),
                "",
            )
        return Change(
            field=name,
            label=label,
            old=old,
            new=new,
            old_display=shown[0],
            old_url=shown[1],
            new_display=shown[2],
            new_url=shown[3],
        )


def _role_out(role: dict | None) -> dict | None:
    if not role:
        return None
    return {
        "kind": role.get("kind"),
        "kind_display": _kind_label(role.get("kind")),
        "unit": role.get("unit", ""),
    }
