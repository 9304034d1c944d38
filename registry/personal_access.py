"""Who may see a mediator's personal numbers in full, and the audit of every time
someone does. Pages and the API show masked values; a full value is shown only
through ``reveal`` (one mediator) or ``log_reveals`` (an export the user chose to
unmask), each leaving an "access" entry in the mediator's audit trail."""

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from core.audit import role_data
from core.models import RoleKind
from registry.models import Mediator

REVEAL_ROLES = {
    "id_number": {RoleKind.BUREAU_ADMIN, RoleKind.BUREAU_STAFF, RoleKind.OFFICE_CLERK},
    "phone": {RoleKind.BUREAU_ADMIN, RoleKind.BUREAU_STAFF, RoleKind.OFFICE_CLERK},
    # Finance pays subsidies into the account, so it may see the account number.
    "bank_account": {RoleKind.BUREAU_ADMIN, RoleKind.BUREAU_STAFF, RoleKind.FINANCE},
}


def may_reveal(role, field: str) -> bool:
    return role is not None and role.kind in REVEAL_ROLES.get(field, ())


def revealable_fields(role) -> list[str]:
    return [field for field in REVEAL_ROLES if may_reveal(role, field)]


def reveal(mediator, field: str, *, role, remote_addr=None) -> str:
    """The full value of one personal number, audited."""
    if not may_reveal(role, field):
        raise PermissionDenied(_("Your active role may not see this number in full."))
    LogEntry.objects.log_create(
        mediator,
        force_log=True,
        action=LogEntry.Action.ACCESS,
        changes={"revealed": [field]},
        actor=role.user,
        remote_addr=remote_addr,
        additional_data={"role": role_data(role)},
    )
    return getattr(mediator, field) or ""


def log_reveals(mediator_ids, fields, *, role, via: str, batch_size=2000) -> int:
    """Audit a bulk read of full values (an unmasked export): one access entry per
    mediator, written in batches. Returns the number of entries."""
    content_type = ContentType.objects.get_for_model(Mediator)
    entries = [
        LogEntry(
            content_type=content_type,
            object_pk=str(pk),
            object_id=pk,
            object_repr=str(pk),
            action=LogEntry.Action.ACCESS,
            changes={"revealed": list(fields), "via": via},
            actor=role.user,
            additional_data={"role": role_data(role)},
        )
        for pk in mediator_ids
    ]
    LogEntry.objects.bulk_create(entries, batch_size=batch_size)
    return len(entries)
