"""Who the audit trail names as the actor, for one block of code.

auditlog's ``set_actor`` (and its middleware) set a context variable and never reset
it: the last actor stays in the thread after the block, and when blocks nest, the
outer one's exit reads the inner one's value, so its own signal receiver stays
connected for good. These wrappers put the variable back as they found it.
"""

from contextlib import contextmanager

from auditlog.context import auditlog_value, set_actor


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
