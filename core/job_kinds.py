"""What each kind of long job is, and who may see it.

Every kind of job is declared once, by the app that runs it, in that app's
``job_kinds.py`` (core.apps loads them all at start-up): its Chinese name, the role
kinds that may start it, the role kinds that may see it besides the user who started
it, where its result is, and which page shows it. ``start_job`` refuses a kind nobody
declared, so a new job cannot appear without saying who may see it.

A job and its file are for the user who started it, re-checked on every view and
download: they must still hold the role they started it in, that role must still be
of a kind allowed to start it, and the kind's own re-check must pass (an export of
personal numbers: the role may still see those numbers). Colleagues see it only where
the kind shares it. Everyone else gets 404, as for a job that does not exist.
"""

import functools
import operator
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.jurisdiction import require_role
from core.models import Job, RoleKind

ANY_ROLE = frozenset(RoleKind)
NOBODY = frozenset()


@dataclass(frozen=True)
class JobKind:
    name: str
    label: str
    # Role kinds that may start it, and one of which its owner must still hold.
    roles: frozenset
    # Role kinds that may also see it (its page and result), within their jurisdiction.
    shared_with: frozenset = NOBODY
    # The URL of a finished job's result, built from the job.
    result: Callable[[Job], str] | None = None
    # The URL name (taking the job's uuid) of the page that shows the job.
    page: str = "core:job_detail"
    # A further re-check of the owner's role at every view (see exports).
    still_allowed: Callable[[Job, object], bool] = field(default=lambda job, role: True)

    def may_start(self, role) -> bool:
        return role is not None and role.kind in self.roles


_KINDS: dict[str, JobKind] = {}


def register(kind: JobKind) -> JobKind:
    _KINDS[kind.name] = kind
    return kind


def get(name: str) -> JobKind:
    """The declared kind; KeyError for a kind no app declared."""
    return _KINDS[name]


def download_url(job) -> str:
    """The result of an export: its file, served through the access check."""
    return reverse("core:job_download", args=[job.uuid])


def is_owner(job, user) -> bool:
    return job.created_by_id is not None and job.created_by_id == user.pk


def may_view(job, user, active_role) -> bool:
    kind = _KINDS.get(job.kind)
    if kind is None:
        return False
    if is_owner(job, user):
        role = job.role
        return (
            role is not None
            and role.user_id == user.pk
            and kind.may_start(role)
            and kind.still_allowed(job, role)
        )
    return active_role.kind in kind.shared_with


def owned_by(user, queryset=None):
    """The jobs *user* started and may still open, in SQL (the owner's half of
    may_view but for a kind's own re-check): the role they started it in is still
    theirs and still of a kind that may start it."""
    allowed = functools.reduce(
        operator.or_, (Q(kind=kind.name, role__kind__in=kind.roles) for kind in _KINDS.values())
    )
    queryset = Job.objects.all() if queryset is None else queryset
    return queryset.filter(allowed, created_by=user, role__user=user, role__ended_at__isnull=True)


def visible_job(request, key) -> Job:
    """The job named by *key* (its uuid) if the request's user may see it, else 404;
    the lookup runs in the active jurisdiction like every other."""
    role = require_role(request)
    job = get_object_or_404(Job.objects.select_related("role", "created_by"), uuid=key)
    if not may_view(job, request.user, role):
        raise Http404
    return job


# Core's own job: the admin's export of the users and their roles.
register(
    JobKind(
        name="export_roles",
        label=_("Users and roles export"),
        roles=frozenset({RoleKind.BUREAU_ADMIN}),
        result=download_url,
    )
)
