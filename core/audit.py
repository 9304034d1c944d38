"""Audit plumbing beyond django-auditlog: the role a write was made in.

auditlog records who (the actor) and from where; a clerk reading the trail also
needs the capacity they acted in (the same person may be a county's staff and a
township's clerk). Every audit entry saved while a role is acting gets
``additional_data["role"]``: the role's id, kind and unit name at that moment, so the
trail still reads right after the role is withdrawn or the unit renamed.

The acting role comes from a context variable, not from auditlog's own context:
the API sets its actor with ``auditlog.context.set_actor``, which replaces auditlog's
context wholesale, and the API picks its role only after the middleware has run.

Who the trail names as the actor is auditlog's context variable; its ``set_actor``
(and its middleware) set it and never reset it: the last actor stays in the thread
after the block, and when blocks nest, the outer one's exit reads the inner one's
value, so its own signal receiver stays connected for good. ``acting_as`` and
``restored_audit_context`` put the variable back as they found it.
"""

from collections.abc import Callable
from contextlib import contextmanager
from contextvars import ContextVar
from operator import attrgetter

from auditlog.cid import get_cid
from auditlog.context import auditlog_value, set_actor
from auditlog.diff import get_field_value, get_fields_in_model, get_mask_function
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.encoding import smart_str

from core import bulk

# Fields whose audited value (in JSON mode) is the attribute itself: auditlog's
# get_field_value converts only date-times, JSON and (as strings) related objects.
PLAIN_FIELDS = frozenset(
    {
        models.CharField,
        models.TextField,
        models.BooleanField,
        models.IntegerField,
        models.BigIntegerField,
        models.SmallIntegerField,
        models.PositiveIntegerField,
        models.PositiveSmallIntegerField,
        models.DateField,
        models.DecimalField,
        models.EmailField,
        models.BigAutoField,
        models.AutoField,
    }
)

# Primary key types whose values are their own smart_str(strings_only=True).
KEY_FIELDS = frozenset(
    {models.AutoField, models.BigAutoField, models.CharField, models.IntegerField}
)

_acting_role: ContextVar[Callable | None] = ContextVar("acting_role", default=None)


@contextmanager
def acting(source: Callable):
    """Record the role *source()* returns on every audit entry written in the block.

    *source* is read when each entry is saved, not when the block starts: a page's
    role is known up front, but an API request picks its role (``X-Role``) later,
    on the same request object the middleware passes here.
    """
    token = _acting_role.set(source)
    try:
        yield
    finally:
        _acting_role.reset(token)


def acting_in(role):
    """Record *role* on every audit entry written in the block (Celery jobs)."""
    return acting(lambda: role)


def role_data(role) -> dict | None:
    if role is None:
        return None
    unit = role.unit
    return {"id": role.pk, "kind": role.kind, "unit": str(unit) if unit is not None else ""}


def current_role():
    source = _acting_role.get()
    return source() if source is not None else None


def stamp_role(entry, role=None) -> None:
    """Put the acting role (or *role*) in *entry*'s additional data, unless the entry
    already names one or was written for someone other than the role's user."""
    role = role if role is not None else current_role()
    data = entry.additional_data if isinstance(entry.additional_data, dict) else {}
    if role is None or "role" in data:
        return
    if entry.actor_id is not None and entry.actor_id != role.user_id:
        return
    entry.additional_data = {**data, "role": role_data(role)}


def stamp_role_on_save(sender, instance, raw=False, **kwargs):
    """pre_save receiver of auditlog's LogEntry (connected in core.apps)."""
    if not raw:
        stamp_role(instance)


@contextmanager
def restored_audit_context():
    token = auditlog_value.set(None)
    try:
        yield
    finally:
        auditlog_value.reset(token)


@contextmanager
def acting_as(actor, remote_addr=None):
    """Audit entries written in the block name *actor* (None: the system)."""
    with restored_audit_context(), set_actor(actor, remote_addr=remote_addr):
        yield


def log_created(objects, *, actor, extra=None):
    """Audit entries for rows written with bulk_create (auditlog only sees save()):
    for each object the "create" entry auditlog's own signal would write, the same
    changes (masked fields masked, the registered fields only), actor, request id and
    acting role, inserted in bulk (core.bulk). *extra* maps an object to more changes
    (e.g. its many-to-many values). The objects must have their primary keys.

    Per row it does only what differs between rows: auditlog's model_instance_diff
    looks up the model's fields, registration and each field's "before" (nothing, for
    a creation) again for every object, which made a 10,000-row import spend most of
    its writing time building its audit."""
    objects = list(objects)
    if not objects:
        return
    model = objects[0]._meta.model
    as_json = settings.AUDITLOG_STORE_JSON_CHANGES
    options = auditlog.get_model_fields(model)
    mask = get_mask_function(options.get("mask_callable"))
    fields = []
    for field in get_fields_in_model(objects[0]):
        if options["include_fields"] and field.name not in options["include_fields"]:
            continue
        if field.name in options["exclude_fields"]:
            continue
        old = get_field_value(None, field, as_json)
        if field.name in options["mask_fields"]:
            convert = _masked(mask)
        elif as_json:
            convert = _primitive
        else:
            convert = _text
        fields.append((field.name, _getter(field, as_json), old, convert(old), convert))
    template = LogEntry(
        content_type=ContentType.objects.get_for_model(model),
        action=LogEntry.Action.CREATE,
        actor=actor,
        cid=get_cid(),
        timestamp=timezone.now(),
    )
    stamp_role(template)  # a bulk insert sends no pre_save
    rows = []
    for obj in objects:
        changes = {}
        for name, get, old, shown, convert in fields:
            new = get(obj)
            if new != old:
                if convert is _primitive and new.__class__ in PRIMITIVE_CLASSES:
                    changes[name] = [shown, new]  # what _primitive gives, without the call
                else:
                    changes[name] = [shown, convert(new)]
        if extra:
            changes.update(extra(obj))
        rows.append(
            {
                "object_pk": str(obj.pk),
                "object_id": obj.pk,
                "object_repr": str(obj)[:2000],
                "changes": changes,
            }
        )
    bulk.insert_like(template, rows)


def _getter(field, as_json):
    """A function from an object to what auditlog's get_field_value gives for
    *field*, without its per-call checks for the plain fields that are most."""
    if as_json and (
        field.__class__ in PLAIN_FIELDS
        # A subclass of a plain field (the encrypted numbers), not a date-time.
        or (
            not field.is_relation
            and issubclass(field.__class__, tuple(PLAIN_FIELDS))
            and not isinstance(field, models.DateTimeField)
        )
    ):
        return attrgetter(field.attname)
    if (
        as_json
        and not settings.AUDITLOG_USE_FK_STRING_REPRESENTATION
        and field.many_to_one
        and hasattr(field, "rel_class")
        and field.target_field.__class__ in KEY_FIELDS
    ):
        # What get_field_value gives a foreign key: its key as it is (an int or a
        # str is its own smart_str(strings_only=True)).
        return attrgetter(field.attname)
    return lambda obj: get_field_value(obj, field, as_json)


def _masked(mask):
    return lambda value: mask(_text(value))


def _text(value) -> str:
    return smart_str(value)


# What auditlog stores as it is in JSON mode (is_primitive); anything else as text.
PRIMITIVES = (type(None), bool, int, float, str, list, tuple, dict, set)
PRIMITIVE_CLASSES = frozenset(PRIMITIVES)


def _primitive(value):
    if isinstance(value, PRIMITIVES):
        return value
    return _text(value)
