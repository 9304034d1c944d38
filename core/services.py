"""Domain operations of the foundation; the UI and the API both call these."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core import policy
from core.jurisdiction import SESSION_KEY, RoleNotHeld, pick_role
from core.models import Policy, Region
from core.regions import RegionLevel, level_of, normalize_code, prefix_of


def check_new_region(code: str) -> str:
    """Normalise a township or village code a bureau is adding; reject other levels."""
    try:
        full = normalize_code(code)
    except ValidationError as exc:
        raise ValidationError({"code": exc.messages}) from exc
    if level_of(full) not in (RegionLevel.TOWNSHIP, RegionLevel.VILLAGE):
        raise ValidationError({"code": _("Only townships and villages are added here.")})
    return full


@transaction.atomic
def set_policy(bureau, key: str, raw_value) -> Policy:
    spec = policy.get_key(key)
    try:
        value = spec.validate(raw_value)
    except ValidationError as exc:
        raise ValidationError({"value": exc.messages}) from exc
    row, _created = Policy.objects.update_or_create(
        bureau=bureau, key=key, defaults={"value": value, "region": bureau.region}
    )
    return row


@transaction.atomic
def clear_policy(bureau, key: str) -> None:
    """Drop the bureau's own value so it inherits again; delete() keeps the audit."""
    for row in Policy.objects.filter(bureau=bureau, key=key):
        row.delete()


def switch_role(request, role_id):
    """Make *role_id* the session's active role; RoleNotHeld if the user lacks it."""
    role = pick_role(request.roles, role_id or "-")
    request.session[SESSION_KEY] = role.pk
    return role


def add_region(*, code: str, name: str, parent: Region, kind: str = "") -> Region:
    full = check_new_region(code)
    region = Region(
        code=full, name=name, parent=parent, kind=kind, level=level_of(full), prefix=prefix_of(full)
    )
    region.full_clean()
    # A new code is inserted, never matched against a stored row to update.
    region.save(force_insert=True)
    return region


__all__ = [
    "RoleNotHeld",
    "add_region",
    "check_new_region",
    "clear_policy",
    "set_policy",
    "switch_role",
]
