"""Reports and statistics read from a streaming replica, when there is one.

With ``REPLICA_DATABASE_URL`` set, the settings add the ``replica`` database and this
router. A view or job that only reads, and may show figures a moment behind the
primary (a report, the statistics), runs inside ``replica_reads()``; everything
else, every write and every read of a page that writes, stays on ``default``. A
replica is a copy of ``default``: nothing is migrated on it.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings

REPLICA = "replica"
_replica_reads = ContextVar("replica_reads", default=False)


@contextmanager
def replica_reads():
    """Send this block's reads to the replica (if configured)."""
    token = _replica_reads.set(True)
    try:
        yield
    finally:
        _replica_reads.reset(token)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if _replica_reads.get() and REPLICA in settings.DATABASES:
            return REPLICA
        return "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        # Both databases hold the same rows.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"


class ReplicaReadsMixin:
    """A page of reads that may lag: GET and HEAD run, and render, inside
    ``replica_reads()`` (a lazy template response would otherwise run its queries
    after the block)."""

    def dispatch(self, request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return super().dispatch(request, *args, **kwargs)
        with replica_reads():
            response = super().dispatch(request, *args, **kwargs)
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()
            return response
