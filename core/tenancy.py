"""Fail-closed tenancy.

Every tenant-owned model stores the region it belongs to and gets a default manager
that refuses to run a query unless a jurisdiction is active (django-scopes' pattern):
middleware activates the request user's jurisdiction, ``with_jurisdiction`` does it for
Celery tasks, and code that truly needs every region says so with ``all_regions()``.
The jurisdiction is a division-code prefix, so the filter is one indexed
``region_id LIKE '3306%'``.
"""

from contextlib import contextmanager
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import get_scope, scope, scopes_disabled
from django_scopes.exceptions import ScopeError

DIMENSION = "jurisdiction"

__all__ = [
    "JurisdictionModel",
    "OutsideJurisdiction",
    "ScopeError",
    "StoredKeyChanged",
    "TenantModel",
    "active_prefix",
    "all_regions",
    "in_jurisdiction",
    "jurisdiction",
    "jurisdiction_manager",
    "with_jurisdiction",
]


def _active_filter(region_code_path: str):
    """The filter kwargs for the active jurisdiction: {} when every region is open,
    None when no jurisdiction is active."""
    current = get_scope()
    if not current.get("_enabled", True):
        return {}
    prefix = current.get(DIMENSION)
    if prefix is None:
        return None
    return {f"{region_code_path}__startswith": prefix} if prefix else {}


# Every path by which a queryset reaches the database, so a scoped queryset can check
# (or an unscoped one refuse) before any SQL runs.
EVALUATIONS = (
    "_fetch_all",
    "iterator",
    "count",
    "exists",
    "aggregate",
    "update",
    "delete",
    "_raw_delete",
    "explain",
    "in_bulk",
    "contains",
    "resolve_expression",  # used as a subquery
)


def _scope_filter(path: str, prefix: str) -> dict:
    return {f"{path}__startswith": prefix}


class ScopedQuerySet(models.QuerySet):
    """A queryset of a scoped model, built inside a jurisdiction or all regions, that
    remembers which (``built_prefix``: "" for all regions).

    A queryset can outlive the scope it was built in: a view's, serializer's or form's
    class attribute is built when its module is first imported, and that may happen
    inside the first request a process serves (Django imports the URLconf then), or in
    ``all_regions()``. Answering later requests with that scope would leak one user's
    jurisdiction to the next. So ``all()``, which DRF and form fields call per request,
    narrows it to the jurisdiction active then; and any other evaluation inside a
    jurisdiction narrower than the one it was built for is refused (ScopeError), never
    answered with rows from outside it. A queryset evaluated inside a wider scope than
    it was built for (all regions, or no scope, as a streamed response is read after
    its request) keeps its own filter, which is narrower."""

    region_code_path = ""
    built_prefix = ""

    def _clone(self):
        clone = super()._clone()
        clone.region_code_path = self.region_code_path
        clone.built_prefix = self.built_prefix
        return clone

    def across_regions(self):
        """This queryset, built inside ``all_regions()``, says itself what it may
        reach (a bureau's calls seen by the offices below it): evaluate it in any
        jurisdiction as it is."""
        if self.built_prefix != "":
            raise ScopeError("across_regions() is for a queryset built in all_regions().")
        clone = self._chain()
        clone.built_prefix = None
        return clone

    def _wider_than_active(self) -> str | None:
        """The active prefix when this queryset was built for a wider scope."""
        current = active_prefix()
        if self.built_prefix is None or not current or self.built_prefix.startswith(current):
            return None
        return current

    def all(self):
        clone = super().all()
        current = clone._wider_than_active()
        if current is None:
            return clone
        clone = clone.filter(**_scope_filter(self.region_code_path, current))
        clone.built_prefix = current
        return clone


def _checked(name):
    method = getattr(models.QuerySet, name)

    @wraps(method)
    def evaluate(self, *args, **kwargs):
        current = self._wider_than_active()
        if current is not None:
            raise ScopeError(
                f"{self.model.__name__}: this query was built for the region "
                f"{self.built_prefix or 'of all regions'!r} and would run inside {current!r}; "
                "build it inside the jurisdiction (or call all() on it there)."
            )
        return method(self, *args, **kwargs)

    return evaluate


for _name in EVALUATIONS:
    setattr(ScopedQuerySet, _name, _checked(_name))


class UnscopedQuerySet(models.QuerySet):
    """A queryset built while no jurisdiction was active.

    It may be *built* (django-filter and ModelForm fields build querysets when their
    classes are defined) but never *evaluated*: every path to the database raises
    ScopeError. ``all()`` called later inside a jurisdiction (as form and serializer
    fields do per request) returns the query scoped to it.
    """

    region_code_path = ""

    def _refuse(self, *args, **kwargs):
        raise ScopeError(
            f"{self.model.__name__}: no jurisdiction is active; activate one or ask "
            "for core.tenancy.all_regions() explicitly."
        )

    def _clone(self):
        clone = super()._clone()
        clone.region_code_path = self.region_code_path
        return clone

    def all(self):
        current = active_prefix()
        if current is None:
            return super().all()
        clone = models.QuerySet.all(self)
        clone.__class__ = ScopedQuerySet
        clone.built_prefix = current
        return clone.filter(**_scope_filter(self.region_code_path, current)) if current else clone


for _name in EVALUATIONS:
    setattr(UnscopedQuerySet, _name, UnscopedQuerySet._refuse)
UnscopedQuerySet.select_for_update = UnscopedQuerySet._refuse


class JurisdictionManager(models.Manager):
    region_code_path = ""

    def get_queryset(self):
        current = active_prefix()
        if current is None:
            queryset = UnscopedQuerySet(self.model, using=self._db)
            queryset.region_code_path = self.region_code_path
            return queryset
        queryset = ScopedQuerySet(self.model, using=self._db)
        queryset.region_code_path = self.region_code_path
        queryset.built_prefix = current
        if not current:
            return queryset
        return queryset.filter(**_scope_filter(self.region_code_path, current))


def jurisdiction_manager(region_code_path: str) -> JurisdictionManager:
    """A default manager that filters on ``<region_code_path>__startswith=<prefix>``
    and refuses to run any query when no jurisdiction is active."""
    # A class attribute, not an instance one: Django builds related managers
    # (bureau.offices) by subclassing the default manager's class.
    manager_class = type(
        "JurisdictionManager", (JurisdictionManager,), {"region_code_path": region_code_path}
    )
    return manager_class()


@contextmanager
def jurisdiction(prefix: str):
    """Run the block inside the region whose division-code prefix is *prefix*."""
    with scope(**{DIMENSION: prefix}):
        yield


def all_regions():
    """Explicitly lift tenancy: for the admin site, migrations, seeding and jobs that
    walk every bureau. Every use is a deliberate decision; grep for it."""
    return scopes_disabled()


def active_prefix() -> str | None:
    """The active jurisdiction's prefix; "" when every region is open; None when none is
    active (tenant queries will raise)."""
    current = get_scope()
    if not current.get("_enabled", True):
        return ""
    return current.get(DIMENSION)


def in_jurisdiction(region_code: str) -> bool:
    prefix = active_prefix()
    return prefix is not None and region_code.startswith(prefix)


class OutsideJurisdiction(PermissionDenied):
    """A write reached for a stored row outside the active jurisdiction (403 on pages
    and in the API)."""

    def __init__(self):
        super().__init__(_("This is outside your jurisdiction."))


class StoredKeyChanged(ValueError):
    """A stored row was saved under another primary key. Django would UPDATE the row
    that key names, whoever owns it; no form or API route may get this far."""


class JurisdictionModel(models.Model):
    """What every scoped row shares, whatever its scoping column (``region_code_path``):

    - unique constraints hold across every jurisdiction, so they are checked there:
      Django runs these checks on the (scoped) default manager, which would miss a
      duplicate in another bureau, and the save that followed would overwrite it (a
      primary key) or fail in the database with a 500;
    - a stored row keeps its primary key: saving it under another one raises;
    - the UPDATE that ``save()`` issues reaches only a stored row inside the active
      jurisdiction (Django issues it through the unscoped base manager), and fails
      closed when none is active.
    """

    region_code_path = ""
    # What a row is and where it belongs: a form or API write may set these when it
    # creates the row, never afterwards. The primary key is always among them.
    fixed_fields: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        stored = getattr(self, "_stored_pk", None)
        if stored is not None and self.pk is not None and self.pk != stored:
            raise StoredKeyChanged(
                f"{type(self).__name__} {stored!r} cannot be saved as {self.pk!r}: "
                "a stored row keeps its primary key."
            )
        super().save(*args, **kwargs)
        self._stored_pk = self.pk

    @classmethod
    def fields_fixed_once_stored(cls) -> set[str]:
        return {cls._meta.pk.name, *cls.fixed_fields}

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._stored_pk = instance.pk
        return instance

    def _do_update(self, base_qs, using, pk_val, *args, **kwargs):
        scoped_filter = _active_filter(self.region_code_path)
        if scoped_filter is None:
            raise ScopeError(f"{type(self).__name__}: no jurisdiction is active to save in.")
        if not scoped_filter:
            return super()._do_update(base_qs, using, pk_val, *args, **kwargs)
        scoped_qs = base_qs.filter(**scoped_filter)
        updated = super()._do_update(scoped_qs, using, pk_val, *args, **kwargs)
        # Nothing updated: either the row is new (Django INSERTs it next) or it is
        # stored outside the jurisdiction, which this write must not reach.
        if not updated and base_qs.filter(pk=pk_val).exists():
            raise OutsideJurisdiction()
        return updated

    def _perform_unique_checks(self, unique_checks):
        with all_regions():
            return super()._perform_unique_checks(unique_checks)

    def validate_constraints(self, exclude=None):
        with all_regions():
            return super().validate_constraints(exclude=exclude)


class TenantModel(JurisdictionModel):
    """Base class of every tenant-owned model: it stores its region and is scoped.

    A subclass joins tenancy, audit (core.apps registers every TenantModel with
    auditlog) and the isolation tests just by inheriting.
    """

    region = models.ForeignKey(
        "core.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region")
    )

    region_code_path = "region__code"
    objects = jurisdiction_manager(region_code_path)
    # The region is derived or chosen at creation; moving a row between regions is a
    # service's decision (a transfer), never an edit.
    fixed_fields = ("region",)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        derived = self.region_for_write()
        if derived is not None:
            self.region = derived
        super().save(*args, **kwargs)

    def region_for_write(self):
        """The region this row must be stored under; subclasses derive it from a
        parent (an office's township, a committee's region) so it cannot drift."""
        return self.region


def with_jurisdiction(task_func):
    """Decorate a Celery task so it runs inside a jurisdiction.

    The task must be called with ``role_id=`` (a user's job: their jurisdiction, and
    audit entries carry them as the actor, in that role) or ``bureau_id=`` (a system
    job for one bureau, e.g. a beat schedule fanned out per bureau).
    """

    @wraps(task_func)
    def wrapper(*args, role_id=None, bureau_id=None, **kwargs):
        from core.audit import acting_as, acting_in
        from core.models import Bureau, Role

        role = None
        with all_regions():
            if role_id is not None:
                role = Role.objects.select_related("bureau__region", "office__region").get(
                    pk=role_id
                )
                prefix, actor = role.jurisdiction_prefix, role.user
            elif bureau_id is not None:
                bureau = Bureau.objects.select_related("region").get(pk=bureau_id)
                prefix, actor = bureau.region.prefix, None
            else:
                raise ScopeError(f"{task_func.__name__} needs role_id= or bureau_id=")
        if role_id is not None:
            kwargs["role_id"] = role_id
        if bureau_id is not None:
            kwargs["bureau_id"] = bureau_id
        with jurisdiction(prefix), acting_as(actor), acting_in(role):
            return task_func(*args, **kwargs)

    return wrapper
